"""Public commitments (公开承诺): posts (设岗), commitments (承诺) with their history, progress (履诺),
fulfilment reports (述诺) and ratings (评诺)."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pacesetter.core.fields import dated_upload_name, optional_fk, status_field, user_fk
from pacesetter.core.models import Timestamped
from pacesetter.orgs.models import Member, Organisation

from .enums import (
    CommitmentKind,
    CommitmentStatus,
    Moderation,
    ProblemOwner,
    ProblemSource,
    ProblemStatus,
    RatingLevel,
    RatingSource,
    RatingVerification,
    ReportOutcome,
)


class Post(Timestamped):
    """A member's post (设岗) in one campaign: what their job is, which personal commitments refer to."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="commitment_posts")
    title = models.CharField(_("岗位名称"), max_length=100)
    duties = models.TextField(_("岗位职责"), blank=True)

    class Meta:
        verbose_name = _("党员岗位")
        constraints = [models.UniqueConstraint(fields=["campaign", "member"], name="uniq_post_per_campaign")]

    def __str__(self):
        return self.title


class Commitment(Timestamped):
    """One promise (承诺): an organisation's concrete deed (实事) against a 五个好 item, or a member's
    personal commitment against a 五带头 item and their post.

    `status` changes only through commitments.services.commitments._transition (one CommitmentEvent per change).
    `progress` is the latest posted percentage (0 until the first update). `overdue_at` is set once by
    the sweep and never cleared, so statistics about overdue commitments cannot be rewritten later.
    """

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="commitments")
    kind = models.CharField(_("类别"), max_length=10, choices=CommitmentKind.choices)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("党组织"), on_delete=models.PROTECT, related_name="commitments"
    )
    member = optional_fk(Member, _("党员"), related_name="commitments")
    post = optional_fk(Post, related_name="commitments")
    # groups: an organisation commitment made by a 群团组织 (共青团/工会/妇联) led by `organisation`; it is that
    # mass organisation's, and Party figures (progress, assessment) leave it out.
    mass_org = optional_fk("massorgs.MassOrganisation", _("群团组织"), related_name="commitments")
    criteria_item = models.ForeignKey(
        "campaigns.CriteriaItem", verbose_name=_("对照标准"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("承诺事项"), max_length=200)
    content = models.TextField(_("具体内容"), blank=True)
    target = models.CharField(_("量化目标"), max_length=300)
    deadline = models.DateField(_("完成时限"))
    responsible = models.CharField(_("责任人"), max_length=200)
    status = status_field(initial=CommitmentStatus.DRAFT, max_length=12)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    progress_updated_at = models.DateTimeField(null=True, blank=True)
    overdue_at = models.DateTimeField(_("逾期标记时间"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    created_by = user_fk()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("承诺")
        verbose_name_plural = _("承诺")
        indexes = [
            # The public wall: published commitments newest first, read in index order and stopped after one
            # page. published_at is set by 示诺 and kept through 述诺/办结, so "public" implies it is not null.
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(published_at__isnull=False),
                name="commit_wall_idx",
            ),
            models.Index(
                fields=["organisation", "status", "-published_at", "-id"], name="commit_org_wall_idx"
            ),
            models.Index(fields=["campaign", "status"], name="commit_campaign_idx"),
            models.Index(fields=["member", "status"], name="commit_member_idx"),
            models.Index(fields=["status", "deadline"], name="commit_deadline_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="commitment_progress_le_100"),
            models.CheckConstraint(
                condition=Q(kind=CommitmentKind.ORGANISATION, member__isnull=True)
                | Q(kind=CommitmentKind.MEMBER, member__isnull=False),
                name="commitment_kind_member",
            ),
            models.CheckConstraint(
                condition=Q(mass_org__isnull=True) | Q(kind=CommitmentKind.ORGANISATION),
                name="commitment_mass_org_is_collective",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_public(self) -> bool:
        from .enums import PUBLIC_STATES

        return self.status in PUBLIC_STATES

    @property
    def owner_name(self) -> str:
        if self.mass_org_id:
            return self.mass_org.name
        return self.member.name if self.member_id else self.organisation.name


class CommitmentEvent(models.Model):
    """One status change of a commitment (from, to, who, why, when): its full, append-only history."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=12)
    from_status = models.CharField(max_length=12, choices=CommitmentStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=CommitmentStatus.choices)
    actor = user_fk()
    actor_name = models.CharField(max_length=150, blank=True)
    comment = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["commitment", "at", "id"]
        verbose_name = _("承诺办理记录")

    def __str__(self):
        return f"{self.commitment_id}: {self.from_status or '-'} → {self.to_status}"


class ProgressUpdate(models.Model):
    """A progress report (履诺): the percentage reached and what was done."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="updates")
    percent = models.PositiveSmallIntegerField(_("完成进度（%）"))
    text = models.TextField(_("进展情况"))
    author = user_fk()
    author_name = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["commitment", "-created_at", "-id"]
        verbose_name = _("践诺进展")
        constraints = [models.CheckConstraint(condition=Q(percent__lte=100), name="progress_percent_le_100")]

    def __str__(self):
        return f"{self.percent}%"


def attachment_upload_to(instance: "ProgressAttachment", filename: str) -> str:
    return dated_upload_name("commitments", filename)


class ProgressAttachment(models.Model):
    """A photo or document backing a progress update; served by the access-checked attachment view."""

    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_upload_to, max_length=255)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["update", "id"]
        verbose_name = _("践诺附件")

    def __str__(self):
        return self.name

    @property
    def is_image(self) -> bool:
        from .enums import IMAGE_TYPES

        return self.content_type in IMAGE_TYPES


class FulfilmentReport(models.Model):
    """The owner's fulfilment report (述诺) at the end of the period."""

    commitment = models.OneToOneField(Commitment, on_delete=models.CASCADE, related_name="report")
    text = models.TextField(_("述诺内容"))
    outcome = models.CharField(_("兑现情况"), max_length=12, choices=ReportOutcome.choices, blank=True)
    progress = models.PositiveSmallIntegerField(_("述诺时进度（%）"), null=True, blank=True)
    filed_by = user_fk()
    filed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("述诺")

    def __str__(self):
        return f"述诺 {self.commitment_id}"


class Rating(models.Model):
    """One evaluation (评诺) of a commitment: by a signed-in member (one per member, enforced by the
    database) or by the public. A public rating counts only when verified — a confirmed phone or a printed
    slip, once per person through pacesetter.onecount.count_once; an unverified one (one per device cookie) is
    kept and shown apart as 未验证 but not counted. An IP rate limit is counted from these rows.

    Public comments show only after the secretary approves them (`moderation`); nothing is hidden by count.
    """

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="ratings")
    source = models.CharField(max_length=10, choices=RatingSource.choices)
    member = optional_fk(Member)
    device = models.CharField(max_length=64, blank=True)
    # Salted hash of the client address (for the rate limit), never the address itself.
    ip_hash = models.CharField(max_length=64, blank=True)
    level = models.CharField(_("评价"), max_length=12, choices=RatingLevel.choices)
    verification = models.CharField(
        _("验证方式"), max_length=10, choices=RatingVerification.choices, default=RatingVerification.NONE
    )
    comment = models.CharField(_("意见建议"), max_length=500, blank=True)
    moderation = models.CharField(max_length=10, choices=Moderation.choices, default=Moderation.NONE)
    moderated_by = user_fk(blank=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["commitment", "-created_at", "-id"]
        verbose_name = _("评诺")
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "member"],
                condition=Q(member__isnull=False),
                name="uniq_rating_per_member",
            ),
            models.UniqueConstraint(
                fields=["commitment", "device"],
                condition=~Q(device="") & Q(verification=RatingVerification.NONE),
                name="uniq_unverified_rating_per_device",
            ),
            models.CheckConstraint(
                condition=Q(source=RatingSource.MEMBER, verification=RatingVerification.MEMBER)
                | (Q(source=RatingSource.PUBLIC) & ~Q(verification=RatingVerification.MEMBER)),
                name="rating_verification_source",
            ),
            models.CheckConstraint(
                condition=Q(source=RatingSource.MEMBER, member__isnull=False)
                | Q(source=RatingSource.PUBLIC, member__isnull=True),
                name="rating_source_member",
            ),
        ]
        indexes = [
            models.Index(fields=["ip_hash", "created_at"], name="rating_ip_idx"),
            models.Index(fields=["moderation", "created_at"], name="rating_moderation_idx"),
        ]

    def __str__(self):
        return f"{self.commitment_id} {self.level}"

    @property
    def counted(self) -> bool:
        return self.verification != RatingVerification.NONE


class Problem(models.Model):
    """问题清单: an open problem an organisation must solve in the campaign, carried into its commitments.

    "把尚未解决的突出问题列为争创目标": a commitment names the problems it addresses (Commitment.problems); the
    public page shows which are being solved and which are done.
    """

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("问题"), max_length=200)
    description = models.TextField(_("具体表现"), blank=True)
    source = models.CharField(_("来源"), max_length=12, choices=ProblemSource.choices)
    owner_level = models.CharField(_("责任层级"), max_length=12, choices=ProblemOwner.choices)
    due_date = models.DateField(_("解决时限"))
    status = status_field(initial=ProblemStatus.OPEN, max_length=10)
    solved_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    commitments = models.ManyToManyField(
        Commitment, verbose_name=_("对应承诺"), blank=True, related_name="problems"
    )
    created_by = user_fk()
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("问题清单")
        verbose_name_plural = _("问题清单")
        indexes = [models.Index(fields=["campaign", "organisation", "status"], name="problem_org_idx")]

    def __str__(self):
        return self.title
