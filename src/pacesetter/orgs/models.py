"""The organisation tree (materialised path), members (党员), role grants with scope, liaison links, imports."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pacesetter.core.fields import kept_user_fk, optional_fk, user_fk
from pacesetter.core.models import Timestamped
from pacesetter.core.pii import mask_id_number, mask_phone

from .enums import Gender, MemberStatus, OrgType, Role, Sector

# Each tree level adds one fixed-width base-36 segment to the path, so "X and everything below it" is
# the index range `path LIKE 'X%'`, and all children of a node have paths of the same length.
SEGMENT = 4
SEGMENT_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def encode_segment(n: int) -> str:
    digits = []
    for _i in range(SEGMENT):
        n, r = divmod(n, 36)
        digits.append(SEGMENT_ALPHABET[r])
    if n:
        raise OverflowError("too many children under one organisation")
    return "".join(reversed(digits))


def path_chain(path: str) -> list[str]:
    """Every ancestor-or-self path of `path`, the root's first (paths are fixed-width segments)."""
    return [path[:i] for i in range(SEGMENT, len(path) + 1, SEGMENT)]


def decode_segment(s: str) -> int:
    return int(s, 36)


class Organisation(Timestamped):
    """A Party organisation (党组织): 党委, 党总支 or 党支部, placed in the tree by `path`."""

    # Set by orgs.selectors.annotate_subtree_counts on the rows it is given (not database fields).
    subtree_members: int
    subtree_orgs: int

    name = models.CharField(_("组织名称"), max_length=120)
    parent = optional_fk("self", _("上级组织"), related_name="children")
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    org_type = models.CharField(_("组织类别"), max_length=20, choices=OrgType.choices, default=OrgType.BRANCH)
    sector = models.CharField(_("所属行业"), max_length=20, choices=Sector.choices, default=Sector.AGENCY)
    is_active = models.BooleanField(_("有效"), default=True)
    # Active members attached directly to this organisation (subtree sums: orgs.subtree_tally).
    member_count = models.PositiveIntegerField(_("直属党员数"), default=0, editable=False)

    class Meta:
        ordering = ["path"]
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        indexes = [models.Index(fields=["name"]), models.Index(fields=["depth", "path"])]

    def __str__(self):
        return self.name

    @property
    def ancestor_paths(self) -> list[str]:
        return path_chain(self.path)[:-1]

    def is_within(self, other: "Organisation") -> bool:
        return self.path.startswith(other.path)

    @property
    def label(self) -> str:
        """The name a person can tell apart: "上级组织 / 名称" (several schools each have a 英语教研组党支部).

        The one helper for every place a person picks or reads an organisation (selects, lists, ballots,
        exports). It never queries: the parent's name comes from `select_related("parent")` or a
        `parent_name` annotation, so selectors that feed such places load it; without either it is the
        bare name. A top-level organisation is its name.
        """
        parent_name = getattr(self, "parent_name", None)
        if parent_name is None and self.parent_id and Organisation.parent.is_cached(self):
            parent_name = self.parent.name if self.parent else None
        return f"{parent_name} / {self.name}" if parent_name else self.name


class SubtreeTally(models.Model):
    """Roll-up counters of organisation subtrees (orgs.subtree_tally, #23): over the active organisations O in
    `node`'s subtree (ancestor-or-self) with O.id % 8 == `shard`, `orgs` counts them and `members` sums their
    member_count."""

    node = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    shard = models.PositiveSmallIntegerField()
    orgs = models.IntegerField(default=0)
    members = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["node", "shard"], name="uniq_subtree_tally")]

    def __str__(self):
        return f"{self.node_id}/{self.shard}"


class Member(Timestamped):
    """A Party member (党员) on an organisation's roster; may have a user account to sign in."""

    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    ethnicity = models.CharField(_("民族"), max_length=20, default="汉族")
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    joined_on = models.DateField(_("入党时间"), null=True, blank=True)
    post = models.CharField(_("岗位"), max_length=100, blank=True)
    # loop: 在职 / 无职 / 流动 / 年老体弱 — requirements differ per status (campaigns.MemberRequirement)
    status = models.CharField(
        _("党员类别"), max_length=10, choices=MemberStatus.choices, blank=True, default=""
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("所在党组织"), on_delete=models.PROTECT, related_name="members"
    )
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    id_number = models.CharField(_("身份证号"), max_length=18, unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member",
    )
    is_active = models.BooleanField(_("在册"), default=True)

    class Meta:
        ordering = ["organisation_id", "name", "id"]
        verbose_name = _("党员")
        verbose_name_plural = _("党员")
        indexes = [models.Index(fields=["organisation", "is_active", "name"]), models.Index(fields=["name"])]

    def __str__(self):
        return self.name

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)


class RoleGrant(models.Model):
    """A role held on an organisation; it covers that organisation's whole subtree.

    A grant with a sector (条块结合, the sector-guidance role) covers only that sector's organisations in the
    subtree, and names the guiding body (指导单位) shown on their pages; see orgs.selectors.scope_for.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("范围"), on_delete=models.PROTECT, related_name="role_grants"
    )
    # sector guidance (条块结合): the grant covers only this sector inside the subtree; the guiding body
    sector = models.CharField(_("行业"), max_length=20, choices=Sector.choices, blank=True, default="")
    guide = optional_fk(Organisation, _("指导单位"), related_name="sector_guidance")
    granted_by = user_fk(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("角色授权")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "organisation", "sector"],
                condition=Q(revoked_at__isnull=True),
                name="uniq_active_grant",
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.organisation}"


class Liaison(models.Model):
    """A leader's liaison organisation (联系点), which the leader reviews."""

    leader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="liaisons")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="liaisons")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("联系点")
        constraints = [models.UniqueConstraint(fields=["leader", "organisation"], name="uniq_liaison")]

    def __str__(self):
        return f"{self.leader} → {self.organisation}"


class ImportKind(models.TextChoices):
    ORGS = "orgs", _("组织架构")
    MEMBERS = "members", _("党员花名册")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("校验中")
    INVALID = "invalid", _("有错误")
    READY = "ready", _("待确认")
    CONFIRMED = "confirmed", _("已导入")
    ROLLED_BACK = "rolled_back", _("已撤销")
    FAILED = "failed", _("失败")


class ImportBatch(models.Model):
    """One uploaded spreadsheet: validated (preview), then confirmed as one transaction, or rolled back."""

    kind = models.CharField(max_length=10, choices=ImportKind.choices)
    status = models.CharField(max_length=12, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    filename = models.CharField(max_length=255)
    file = models.BinaryField()
    scope = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_by = kept_user_fk()
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    rolled_back_at = models.DateTimeField(null=True, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    progress = models.PositiveSmallIntegerField(default=0)
    # {"create": n, "update": n, "unchanged": n, "errors": [{"row", "column", "value", "message"}], "preview": [...]}
    report = models.JSONField(default=dict, blank=True)
    # The validated rows, applied at confirmation without reading the file again.
    rows = models.JSONField(default=list, blank=True)
    # What confirmation changed, so the batch can be rolled back: [{"id", "action", "before"}].
    changes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("导入批次")

    def __str__(self):
        return f"{self.get_kind_display()} {self.filename}"
