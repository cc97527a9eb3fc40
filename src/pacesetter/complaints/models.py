"""Cases (件): public reports and suggestions, 公示 objections, 复核 requests and low-satisfaction cases on
one engine — routing (首问责任), working-day deadlines with frozen overdue flags, verification, reply,
the reporter's rating, and an event trail the reporter partly sees.

Case.status changes only in complaints.services._transition (table in enums.py).
"""

import uuid
from pathlib import PurePosixPath

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pacesetter.core.fields import optional_fk, status_field, user_fk
from pacesetter.orgs.models import Member, Organisation

from .enums import CaseKind, CaseStatus, Deadline, Finding, Outcome, Satisfaction, SubjectType


class Category(models.Model):
    """A report category (作风问题, 承诺未兑现, …) with its deadlines in working days; the office edits them."""

    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("类别"), max_length=50)
    description = models.CharField(_("受理范围"), max_length=300, blank=True)
    ack_days = models.PositiveSmallIntegerField(_("受理时限（工作日）"), default=2)
    verify_days = models.PositiveSmallIntegerField(_("核查时限（工作日）"), default=10)
    reply_days = models.PositiveSmallIntegerField(_("答复时限（工作日）"), default=15)
    close_days = models.PositiveSmallIntegerField(_("办结时限（工作日）"), default=20)
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("举报类别")

    def __str__(self):
        return self.name

    def days(self, deadline: str) -> int:
        return {
            Deadline.ACKNOWLEDGE: self.ack_days,
            Deadline.VERIFY: self.verify_days,
            Deadline.REPLY: self.reply_days,
            Deadline.CLOSE: self.close_days,
        }[deadline]


class Case(models.Model):
    number = models.CharField(_("编号"), max_length=20, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=CaseKind.choices, default=CaseKind.REPORT)
    category = models.ForeignKey(Category, verbose_name=_("类别"), on_delete=models.PROTECT, null=True)
    subject_type = models.CharField(_("反映对象"), max_length=12, choices=SubjectType.choices)
    subject_org = optional_fk(Organisation, _("反映的组织"))
    subject_member = optional_fk(Member, _("反映的党员"))
    subject_commitment = optional_fk("commitments.Commitment")
    # Who never sees the case: the account of the member it names.
    hidden_from = user_fk(blank=True)
    # 首问责任: the first organisation that received it, and the one that owns it now (until a transfer).
    first_owner = optional_fk(Organisation)
    owner = optional_fk(Organisation, _("承办组织"), related_name="cases")
    # The owner's path (the subject's while in triage), kept on the row so scoped lists are index ranges.
    path = models.CharField(max_length=255, db_index=False)
    status = status_field(initial=CaseStatus.RECEIVED, max_length=12)
    # Link to the record the case is about for objections, review requests and low-satisfaction cases.
    source_type = models.CharField(max_length=40, blank=True)
    source_id = models.CharField(max_length=40, blank=True)

    text = models.TextField(_("反映内容"))  # never edited after filing
    public_summary = models.TextField(_("公开摘要（已去除个人信息）"), blank=True)
    public_reply = models.TextField(_("公开答复（已去除个人信息）"), blank=True)
    is_public = models.BooleanField(_("公开"), default=False)

    real_name = models.BooleanField(_("实名"), default=False)
    reporter_name = models.CharField(_("反映人姓名"), max_length=50, blank=True)
    reporter_phone = models.CharField(_("反映人电话"), max_length=20, blank=True)
    reporter_key = models.CharField(max_length=64, blank=True)
    password_hash = models.CharField(max_length=128)
    query_failures = models.PositiveSmallIntegerField(default=0)
    query_locked_until = models.DateTimeField(null=True, blank=True)

    received_at = models.DateTimeField(_("收到时间"), default=timezone.now)
    received_on = models.DateField(_("收到日期"))
    ack_by = models.DateField(_("受理期限"))
    verify_by = models.DateField(_("核查期限"))
    reply_by = models.DateField(_("答复期限"))
    close_by = models.DateField(_("办结期限"))
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Overdue flags: set once (by the sweep or on a late step) and never cleared — statistics count these.
    ack_overdue_at = models.DateTimeField(null=True, blank=True)
    verify_overdue_at = models.DateTimeField(null=True, blank=True)
    reply_overdue_at = models.DateTimeField(null=True, blank=True)
    close_overdue_at = models.DateTimeField(null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True)
    escalated_at = models.DateTimeField(_("上报上级时间"), null=True, blank=True)

    reply = models.TextField(_("答复意见"), blank=True)
    finding = models.CharField(_("核查结论"), max_length=8, choices=Finding.choices, blank=True)
    satisfaction = models.CharField(_("评价"), max_length=12, choices=Satisfaction.choices, blank=True)
    satisfaction_reason = models.TextField(_("评价理由"), blank=True)
    reopened = models.BooleanField(_("已复查"), default=False)
    review_conclusion = models.TextField(_("复查结论"), blank=True)
    outcome = models.CharField(_("办结方式"), max_length=12, choices=Outcome.choices, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("群众反映件")
        indexes = [
            models.Index(fields=["path", "received_at"], name="case_path_idx"),
            models.Index(fields=["status", "received_at"], name="case_status_idx"),
            models.Index(fields=["status", "path", "close_by"], name="case_inbox_idx"),
            models.Index(fields=["source_type", "source_id"], name="case_source_idx"),
            models.Index(fields=["close_by", "id"], name="case_close_by_idx"),
            models.Index(fields=["received_on", "path"], name="case_month_idx"),
        ]

    def __str__(self):
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status != CaseStatus.CLOSED

    @property
    def is_overdue(self) -> bool:
        return any(
            (self.ack_overdue_at, self.verify_overdue_at, self.reply_overdue_at, self.close_overdue_at)
        )

    def promised_date(self):
        """The date the reporter is told to expect: the next deadline still ahead of the case."""
        if self.status in (CaseStatus.TRIAGE, CaseStatus.RECEIVED):
            return self.ack_by if self.acknowledged_at is None else self.verify_by
        if self.status == CaseStatus.PROCESSING:
            return self.verify_by
        if self.status in (CaseStatus.VERIFIED, CaseStatus.REVIEW):
            return self.reply_by if self.replied_at is None else self.close_by
        return self.close_by


class _CaseEntry(models.Model):
    """What someone did on a case (a step, a verification, an accountability note): who (`actor`, NULL once the
    account is deleted) and when (`at`); a case's entries are listed oldest first."""

    actor = user_fk()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["at", "id"]


class CaseEvent(_CaseEntry):
    """One step of a case (from, to, who, which organisation, why); `public` steps show on the status page."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    organisation = models.ForeignKey(Organisation, null=True, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)
    note = models.TextField(blank=True)
    public = models.BooleanField(default=False)

    def __str__(self):
        return f"{self.case_id}: {self.action}"

    @property
    def action_label(self) -> str:
        from .enums import EVENT_LABELS

        return str(EVENT_LABELS.get(self.action, self.action))


class Verification(_CaseEntry):
    """有件必核: what was checked, by whom, the finding and the evidence."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="verifications")
    checked = models.TextField(_("核查内容"))
    checked_by = models.CharField(_("核查人"), max_length=100)
    finding = models.CharField(_("核查结论"), max_length=8, choices=Finding.choices)
    evidence = models.TextField(_("证据材料"))

    def __str__(self):
        return f"{self.case_id}: {self.finding}"


def _attachment_path(instance, filename):
    return f"cases/{uuid.uuid4().hex}{PurePosixPath(filename).suffix.lower()}"


class CaseAttachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.name


class AccountabilityNote(_CaseEntry):
    """责任追究: the office's note against a missed deadline."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="accountability_notes")
    deadline = models.CharField(_("逾期环节"), max_length=8, choices=Deadline.choices)
    note = models.TextField(_("责任追究意见"))

    def __str__(self):
        return f"{self.case_id}: {self.deadline}"


class ReportThrottle(models.Model):
    """One public filing from a salted address hash; rows older than 24 hours are purged by a sweep."""

    address_hash = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["address_hash", "at"], name="case_throttle_idx")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M}"


class CaseMonth(models.Model):
    """One month's figures for one organisation's whole subtree, kept current by complaints.stats."""

    month = models.DateField()  # the first day of the month the cases were received
    path = models.CharField(max_length=255)
    depth = models.PositiveSmallIntegerField()
    received = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    ack_late = models.IntegerField(default=0)
    ack_in_time = models.IntegerField(default=0)
    verify_late = models.IntegerField(default=0)
    verify_in_time = models.IntegerField(default=0)
    reply_late = models.IntegerField(default=0)
    reply_in_time = models.IntegerField(default=0)
    close_late = models.IntegerField(default=0)
    close_in_time = models.IntegerField(default=0)
    verified = models.IntegerField(default=0)
    substantiated = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    basic = models.IntegerField(default=0)
    unsatisfied = models.IntegerField(default=0)
    unrated = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "path"], name="case_month_row_uniq")]
        indexes = [models.Index(fields=["month", "depth", "path"], name="case_month_depth_idx")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.path}"
