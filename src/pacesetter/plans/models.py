"""Implementation plans (实施方案): the working text, each submitted version, decisions, attachments, reminders."""

import uuid
from pathlib import PurePosixPath

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pacesetter.campaigns.models import Campaign, Step
from pacesetter.core.fields import optional_fk, status_field, user_fk
from pacesetter.core.models import Uploaded
from pacesetter.orgs.models import Organisation

from .enums import (
    CommentHandling,
    CommentModeration,
    CommentSource,
    CommentVerification,
    ConsultationStatus,
    PlanAction,
    PlanStatus,
)


class Plan(models.Model):
    """One organisation's implementation plan (实施方案) in one campaign, reviewed by its parent organisation."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="plans"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("党组织"), on_delete=models.PROTECT, related_name="plans"
    )
    # 阶段实施方案: empty for the campaign's overall plan, else the step (plan_required) this plan is for.
    # RESTRICT: a step's plans go only with their campaign.
    step = optional_fk(Step, _("步骤"), related_name="plans", on_delete=models.RESTRICT)
    title = models.CharField(_("标题"), max_length=200)
    # Sanitised HTML (p, h2–h4, ul/ol/li, strong/em, br) — see plans.services.sanitise_body.
    body = models.TextField(_("正文"), blank=True)
    status = status_field(initial=PlanStatus.DRAFT, max_length=10)
    current_version = optional_fk("PlanVersion", on_delete=models.SET_NULL)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    is_late = models.BooleanField(_("逾期报送"), default=False)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    created_by = user_fk()
    updated_by = user_fk()
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("实施方案")
        verbose_name_plural = _("实施方案")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organisation"],
                condition=models.Q(step__isnull=True),
                name="uniq_plan_per_campaign_org",
            ),
            models.UniqueConstraint(
                fields=["step", "organisation"],
                condition=models.Q(step__isnull=False),
                name="uniq_plan_per_step_org",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "status"])]

    def __str__(self):
        return self.title or f"{self.organisation} 实施方案"


class PlanVersion(models.Model):
    """A snapshot of the plan as submitted; a resubmission after a return adds the next number."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("版本"))
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    submitted_by = user_fk()
    submitted_at = models.DateTimeField(_("报送时间"), default=timezone.now)
    is_late = models.BooleanField(_("逾期报送"), default=False)

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("方案版本")
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="uniq_plan_version_number")]

    def __str__(self):
        return f"{self.plan} v{self.number}"


class PlanDecision(models.Model):
    """The parent organisation's decision on one submitted version (approve, return, or reopen an approval)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="decisions")
    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="decisions")
    decision = models.CharField(
        _("审核结果"),
        max_length=10,
        choices=[(a.value, a.label) for a in (PlanAction.APPROVE, PlanAction.RETURN, PlanAction.REOPEN)],
    )
    comment = models.TextField(_("审核意见"), blank=True)
    decided_by = user_fk()
    decided_at = models.DateTimeField(_("审核时间"), default=timezone.now)

    class Meta:
        ordering = ["decided_at", "id"]
        verbose_name = _("审核意见")

    def __str__(self):
        return f"{self.version} · {self.get_decision_display()}"


def attachment_path(instance: "PlanAttachment", filename: str) -> str:
    ext = PurePosixPath(filename).suffix.lower()
    return f"plans/{instance.plan.campaign_id}/{instance.plan.organisation_id}/{uuid.uuid4().hex}{ext}"


class PlanAttachment(Uploaded):
    """A file attached to a plan. `version` empty: the working set; set: the copy frozen with a submission."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="attachments")
    version = optional_fk(PlanVersion, related_name="attachments", on_delete=models.CASCADE)
    file = models.FileField(upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("文件名"), max_length=255)
    size = models.PositiveIntegerField(_("大小"))

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("方案附件")

    def __str__(self):
        return self.original_name


class PlanReminder(models.Model):
    """One reminder to an overdue organisation on one day; the unique day keeps it to once a day."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    # empty: a reminder for the overall plan; set: for that step's plan (阶段实施方案)
    step = optional_fk(Step, on_delete=models.CASCADE)
    day = models.DateField()
    recipients = models.PositiveIntegerField(default=0)
    sent_by = user_fk()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("催报记录")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organisation", "day"],
                condition=models.Q(step__isnull=True),
                name="uniq_plan_reminder_per_day",
            ),
            models.UniqueConstraint(
                fields=["step", "organisation", "day"],
                condition=models.Q(step__isnull=False),
                name="uniq_step_plan_reminder_per_day",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} {self.day}"


class Consultation(models.Model):
    """征求意见: a draft plan opened for comment by members and the public until `closes_on`; the drafter
    then publishes how the comments were handled (采纳情况), and only then may the plan be approved."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="consultation")
    # The draft as opened for comment (the working text may change while comments come in).
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("征求意见稿"))
    opened_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    closes_on = models.DateField(_("截止日期"))
    status = status_field(initial=ConsultationStatus.OPEN, max_length=10)
    summary = models.TextField(_("采纳情况说明"), blank=True)
    answered_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    answered_by = user_fk(blank=True)
    created_by = user_fk()

    class Meta:
        verbose_name = _("征求意见")
        verbose_name_plural = _("征求意见")

    def __str__(self):
        return f"{self.title}（征求意见稿）"

    def is_open_on(self, day) -> bool:
        return self.status == ConsultationStatus.OPEN and day <= self.closes_on


class ConsultationComment(models.Model):
    """One person's comment on a draft (one per person: pacesetter.onecount), moderated without editing
    the text, and answered by the drafter (采纳 / 部分采纳 / 未采纳 with a reason)."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="comments")
    source = models.CharField(_("来源"), max_length=10, choices=CommentSource.choices)
    verification = models.CharField(_("验证方式"), max_length=10, choices=CommentVerification.choices)
    # A member's account (never shown publicly); empty for the public.
    author = user_fk(blank=True)
    body = models.TextField(_("意见内容"))
    ip_hash = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    moderation = models.CharField(
        _("审核"), max_length=10, choices=CommentModeration.choices, default=CommentModeration.PENDING
    )
    moderated_by = user_fk(blank=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    handling = models.CharField(_("采纳情况"), max_length=12, choices=CommentHandling.choices, blank=True)
    reason = models.TextField(_("理由"), blank=True)
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("征求意见留言")

    def __str__(self):
        return self.body[:30]
