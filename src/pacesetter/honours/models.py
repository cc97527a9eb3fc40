"""Commendation programmes (评选表彰), their categories and quotas, nominations with their history, the
public's recommendations (counted once per person by `onecount`), decisions and the honours they confer."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pacesetter.core.fields import optional_fk, status_field, user_fk
from pacesetter.core.models import Timestamped
from pacesetter.orgs.models import Member, Organisation

from .enums import NominationAction, NominationStatus, ProgrammeStatus, Subject


class Programme(models.Model):
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="+")
    # The organisation that commends (its office runs the programme and makes the final list).
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("主办单位"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("名称"), max_length=120)
    issuer_name = models.CharField(_("发文机关"), max_length=60)
    year = models.PositiveSmallIntegerField(_("年度"))
    status = status_field(initial=ProgrammeStatus.DRAFT, max_length=12)
    nominate_until = models.DateField(_("推荐截止日期"))
    notice_days = models.PositiveSmallIntegerField(_("公示天数"), default=7)
    notice_starts_on = models.DateField(_("公示开始日期"), null=True, blank=True)
    notice_ends_on = models.DateField(_("公示截止日期（当日 24 时）"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-year", "-pk"]

    def __str__(self):
        return self.title

    @property
    def path(self) -> str:
        return self.organisation.path


class Category(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(_("表彰类别"), max_length=60)
    subject = models.CharField(_("表彰对象"), max_length=12, choices=Subject.choices)
    quota = models.PositiveIntegerField(_("名额"))
    # [{"rule": "no_open_rectification"}, {"rule": "party_years", "years": 5}, …] — rule types in enums.Rule
    rules = models.JSONField(_("评选条件"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["programme", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="honours_category_unique_name")
        ]

    def __str__(self):
        return self.name

    @property
    def rule_texts(self) -> list[str]:
        from .eligibility import describe

        return [describe(r) for r in self.rules]


class Quota(models.Model):
    """Places a committee may nominate in a category; it may pass some of them down to its children."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="quotas")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    amount = models.PositiveIntegerField(_("名额"))
    allocated_by = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["category", "organisation"], name="honours_quota_unique_org")
        ]

    def __str__(self):
        return f"{self.category} · {self.organisation_id}: {self.amount}"


def _one_per_programme(subject: str, *, without: tuple[str, ...] = ()) -> models.UniqueConstraint:
    """`subject_<subject>` is nominated once per programme while its nomination holds a place (neither rejected
    nor removed), counted only where the subjects `without` names are empty."""
    field = f"subject_{subject}"
    empty = {f"subject_{other}__isnull": True for other in without}
    return models.UniqueConstraint(
        fields=["programme", field],
        condition=Q(**{f"{field}__isnull": False}, **empty) & ~Q(status__in=["rejected", "removed"]),
        name=f"honours_nomination_one_per_{subject}",
    )


class Nomination(Timestamped):
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="nominations")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="nominations")
    nominator = models.ForeignKey(
        Organisation, verbose_name=_("推荐单位"), on_delete=models.PROTECT, related_name="+"
    )
    # The nominator's path, so scoped lists are index ranges.
    path = models.CharField(max_length=255)
    subject_org = optional_fk(Organisation, _("推荐的组织"))
    subject_member = optional_fk(Member, _("推荐的党员"))
    # groups: a 群团组织 nominated in a collective category; `subject_org` is then its Party organisation (for
    # scope and places), and the notice shows the mass organisation's name.
    subject_mass_org = optional_fk("massorgs.MassOrganisation", _("推荐的群团组织"))
    # groups: a 群团组织 member nominated in a mass-member category; `subject_org` is then the mass organisation's
    # Party organisation (for scope and places) and `subject_mass_org` stays empty, so the one-per-mass-org
    # rule does not stop two members of one mass organisation.
    subject_mass_member = optional_fk("massorgs.MassMember", _("推荐的群团成员"))
    # What the public notice shows, frozen when nominated: never 身份证号, phone or birth date.
    display_name = models.CharField(_("姓名/名称"), max_length=120)
    gender = models.CharField(_("性别"), max_length=4, blank=True)
    org_label = models.CharField(_("所在单位"), max_length=300)
    post = models.CharField(_("职务"), max_length=100, blank=True)
    deed = models.TextField(_("先进事迹"))
    summary = models.CharField(_("事迹简介（公示用）"), max_length=200)
    status = status_field(initial=NominationStatus.UNDER_REVIEW, max_length=12)
    # The organisation whose turn it is to review (the next level up), while under review.
    reviewer = optional_fk(Organisation)
    recommendations = models.PositiveIntegerField(_("群众推荐数"), default=0)
    removal_note = models.CharField(_("取消说明（公开）"), max_length=300, blank=True)

    class Meta:
        ordering = ["category__position", "pk"]
        indexes = [
            # the review lists: one status, by category, most recommended first
            models.Index(
                fields=["programme", "status", "category", "-recommendations", "id"],
                name="honours_nom_queue_idx",
            ),
            # the public lists: by category in nomination order
            models.Index(fields=["programme", "status", "category", "id"], name="honours_nom_public_idx"),
            models.Index(fields=["programme", "path"]),
        ]
        constraints = [
            _one_per_programme("org", without=("mass_org", "mass_member")),
            _one_per_programme("mass_org"),
            _one_per_programme("member"),
            _one_per_programme("mass_member"),
            # a mass member stands alone: with its Party organisation, never with a mass org or a Party member
            models.CheckConstraint(
                condition=Q(subject_mass_member__isnull=True)
                | Q(subject_org__isnull=False, subject_mass_org__isnull=True, subject_member__isnull=True),
                name="honours_nomination_mass_member_alone",
            ),
            models.CheckConstraint(
                condition=Q(subject_org__isnull=True) ^ Q(subject_member__isnull=True),
                name="honours_nomination_one_subject",
            ),
        ]

    def __str__(self):
        return f"{self.display_name}（{self.category.name}）"

    @property
    def objection_source(self) -> str:
        return f"honours.nomination:{self.pk}"


class NominationEvent(models.Model):
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=12, choices=NominationAction.choices)
    before = models.CharField(max_length=12, blank=True)
    after = models.CharField(max_length=12)
    organisation = models.ForeignKey(Organisation, null=True, on_delete=models.PROTECT, related_name="+")
    actor = user_fk()
    actor_name = models.CharField(max_length=150, blank=True)
    comment = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.nomination_id}: {self.action}"


class NominationPhoto(models.Model):
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to="honours/%Y/%m/")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()

    def __str__(self):
        return self.name


class Decision(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="decisions")
    number = models.CharField(_("文号"), max_length=40)
    title = models.CharField(_("标题"), max_length=160)
    supplementary = models.BooleanField(_("补充决定"), default=False)
    issued_on = models.DateField(_("发文日期"))
    issued_by = user_fk()

    class Meta:
        ordering = ["issued_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="honours_decision_unique_number")
        ]

    def __str__(self):
        return f"{self.number} {self.title}"


class Honour(models.Model):
    """An honour conferred by a decision: on the honour roll, on the organisation's or member's record."""

    nomination = models.OneToOneField(Nomination, on_delete=models.PROTECT, related_name="honour")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="honours")
    certificate_no = models.CharField(_("证书编号"), max_length=32, unique=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("荣誉称号"), max_length=60)
    display_name = models.CharField(_("姓名/名称"), max_length=120)
    org_label = models.CharField(_("所在单位"), max_length=300)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    member = optional_fk(Member)
    path = models.CharField(max_length=255)

    class Meta:
        ordering = ["-year", "certificate_no"]
        indexes = [models.Index(fields=["year", "path"])]

    def __str__(self):
        return f"{self.display_name}：{self.title}"
