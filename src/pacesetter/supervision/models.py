"""Leader reviews (领导点评), inspections (督查), spot-check draws (随机抽查), rectification orders (整改) and
circulated notices (通报).

Statuses change only through the services' transition functions (tables in enums.py), each with an audit row.
"""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pacesetter.core.fields import kept_user_fk, optional_fk, status_field, user_fk
from pacesetter.core.models import Created
from pacesetter.core.workdays import holidays_unknown_message
from pacesetter.orgs.models import Liaison, Organisation

from .enums import (
    OPEN_RECTIFICATION,
    InspectionStatus,
    MemberReviewStatus,
    Method,
    NoticeStatus,
    Rating,
    RectificationAction,
    RectificationStatus,
    ReviewStatus,
    SessionStatus,
    Source,
)


class _ReviewBody(models.Model):
    """What a 点评 says, of an organisation (Review) or a member (MemberReview): its three parts (肯定成绩, 指出问题,
    努力方向), the overall rating and when it was made; listed newest first."""

    achievements = models.TextField(_("肯定成绩"))
    problems = models.TextField(_("指出问题"))
    direction = models.TextField(_("努力方向"))
    rating = models.CharField(_("总体评价"), max_length=12, choices=Rating.choices)
    reviewed_at = models.DateTimeField(_("点评时间"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["-reviewed_at", "-id"]


class Review(_ReviewBody):
    """领导点评: a leader's half-yearly review of a liaison organisation (联系点).

    With `guidance` set it is a 行业指导点评 (条块结合, #18): `leader` is then the account of a guiding body
    that follows the organisation's sector, and only the office may publish it or order rectification from it.
    """

    leader = kept_user_fk()
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("被点评组织"), on_delete=models.PROTECT, related_name="leader_reviews"
    )
    campaign = optional_fk("campaigns.Campaign")
    status = status_field(initial=ReviewStatus.FILED, max_length=10)
    response = models.TextField(_("组织答复"), blank=True)
    responded_by = user_fk(blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    # members (#19): a review filed at a 集中点评 session
    session = optional_fk("supervision.ReviewSession", _("集中点评"), related_name="org_reviews")
    # sector guidance (#18): filed by a guiding body on its sector line, not by a liaison leader
    guidance = models.BooleanField(_("行业指导点评"), default=False)

    class Meta(_ReviewBody.Meta):
        verbose_name = _("领导点评")
        indexes = [
            models.Index(fields=["leader", "organisation", "-reviewed_at"], name="review_liaison_idx"),
            models.Index(fields=["organisation", "-published_at"], name="review_public_idx"),
        ]

    def __str__(self):
        return f"{self.organisation} 点评 {self.reviewed_at:%Y-%m-%d}"


class ReviewItem(models.Model):
    """One published commitment checked in a review: its progress when reviewed and the leader's remark."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="items")
    commitment = models.ForeignKey("commitments.Commitment", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("承诺事项"), max_length=200)
    progress = models.PositiveSmallIntegerField(_("点评时进度（%）"))
    deadline = models.DateField(_("完成时限"))
    remark = models.TextField(_("点评意见"), blank=True)
    flagged = models.BooleanField(_("存在问题"), default=False)

    class Meta:
        ordering = ["review", "id"]
        verbose_name = _("承诺检查")

    def __str__(self):
        return self.title


class InspectionTeam(Created):
    """督查小组: inspectors the office sends out; acts within `organisation`'s subtree."""

    name = models.CharField(_("小组名称"), max_length=100)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("组建单位"), on_delete=models.PROTECT, related_name="+"
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("成员"), related_name="inspection_teams"
    )

    class Meta(Created.Meta):
        verbose_name = _("督查小组")

    def __str__(self):
        return self.name


class SpotCheckDraw(Created):
    """随机抽查: N organisations drawn reproducibly from a filtered, canonically ordered candidate list.

    Anyone can re-run it: chosen = the n candidate ids with the smallest sha256(f"{seed}:{id}") (see draws.py).
    """

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("抽查范围"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("名称"), max_length=200)
    filters = models.JSONField(_("筛选条件"), default=dict)
    public_value = models.CharField(_("公开随机值"), max_length=200, blank=True)
    seed = models.CharField(_("种子"), max_length=64)
    algorithm = models.CharField(max_length=20, default="sha256-rank-v1")
    candidates = models.JSONField(default=list)  # [[id, path, name], ...] ordered by path
    candidate_digest = models.CharField(_("候选名单摘要"), max_length=64)
    n = models.PositiveIntegerField(_("抽取数量"))
    chosen_ids = models.JSONField(default=list)

    class Meta(Created.Meta):
        verbose_name = _("随机抽查")

    def __str__(self):
        return self.title

    @property
    def candidate_ids(self) -> list[int]:
        return [c[0] for c in self.candidates]


class Inspection(Created):
    """One planned inspection of an organisation; 明察暗访 stays hidden from the organisation until filed."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("被检查组织"), on_delete=models.PROTECT, related_name="inspections"
    )
    team = optional_fk(InspectionTeam, _("督查小组"), related_name="inspections")
    method = models.CharField(_("方式"), max_length=12, choices=Method.choices)
    draw = optional_fk(SpotCheckDraw, related_name="inspections", on_delete=models.SET_NULL)
    planned_on = models.DateField(_("计划日期"))
    subject = models.CharField(_("督查内容"), max_length=200)
    status = status_field(initial=InspectionStatus.PLANNED, max_length=10)
    record = models.TextField(_("督查记录"), blank=True)
    filed_by = user_fk(blank=True)
    filed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-planned_on", "-id"]
        verbose_name = _("督查")
        indexes = [models.Index(fields=["organisation", "status"], name="inspection_org_idx")]

    def __str__(self):
        return f"{self.get_method_display()} · {self.organisation}"

    @property
    def is_unannounced(self) -> bool:
        return self.method == Method.UNANNOUNCED


class Finding(Created):
    """A problem found in an inspection (督查发现); may lead to a rectification order."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    description = models.TextField(_("发现的问题"))

    class Meta:
        ordering = ["inspection", "id"]
        verbose_name = _("督查发现")

    def __str__(self):
        return self.description[:50]


class Rectification(models.Model):
    """限期整改: an order to an organisation to fix a problem within a number of working days.

    `overdue_at` is set once (by the sweep, or on a late close) and never cleared; `escalated_at` records
    the one escalation to the parent organisation.
    """

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("责任组织"), on_delete=models.PROTECT, related_name="rectifications"
    )
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices)
    review = optional_fk(Review, related_name="rectifications")
    finding = optional_fk(Finding, related_name="rectifications")
    low_case = optional_fk("evaluations.LowSatisfactionCase")
    case = optional_fk("complaints.Case", related_name="rectifications")
    problem = models.TextField(_("存在问题"))
    measures_required = models.TextField(_("整改要求"))
    working_days = models.PositiveSmallIntegerField(_("整改时限（工作日）"))
    deadline = models.DateField(_("整改期限"))
    # Counted Monday–Friday through a year whose holiday schedule was not yet published; recomputed once when
    # the office enters that year (supervision/holidays.py), then cleared.
    deadline_provisional = models.BooleanField(_("期限暂按周末计算"), default=False)
    status = status_field(initial=RectificationStatus.IN_PROGRESS, max_length=12)
    issued_by = kept_user_fk()
    issued_at = models.DateTimeField(default=timezone.now)
    overdue_at = models.DateTimeField(_("逾期标记时间"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("上报上级时间"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("整改通知")
        indexes = [
            models.Index(fields=["status", "deadline"], name="rect_deadline_idx"),
            models.Index(fields=["organisation", "status"], name="rect_org_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(source="review", review__isnull=False)
                | Q(source="finding", finding__isnull=False)
                | Q(source="low_satisfaction", low_case__isnull=False)
                | Q(source="case", case__isnull=False),
                name="rect_source_has_origin",
            )
        ]

    def __str__(self):
        return f"{self.organisation} 整改 #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_RECTIFICATION

    @property
    def deadline_note(self) -> str:
        """The plain warning shown with a deadline counted without the year's holidays ("" otherwise)."""
        if not (self.deadline_provisional and self.is_open):
            return ""
        return holidays_unknown_message([self.deadline.year])

    def is_overdue(self, today=None) -> bool:
        if self.overdue_at is not None:
            return True
        return self.is_open and (today or timezone.localdate()) > self.deadline


class RectificationEvent(models.Model):
    """One status change of an order (from, to, who, why): its append-only history."""

    rectification = models.ForeignKey(Rectification, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    note = models.TextField(blank=True)
    actor = user_fk()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.rectification_id}: {self.from_status or '-'} → {self.to_status}"

    @property
    def action_label(self) -> str:
        """The action in words (下达整改通知, 报告整改情况, …); the stored code only if it is unknown."""
        return (
            str(RectificationAction(self.action).label)
            if self.action in RectificationAction.values
            else self.action
        )


class RectificationReport(models.Model):
    """The organisation's report of measures taken (整改情况报告), with evidence."""

    rectification = models.ForeignKey(Rectification, on_delete=models.CASCADE, related_name="reports")
    measures_taken = models.TextField(_("整改措施及成效"))
    reported_by = user_fk()
    reported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["reported_at", "id"]

    def __str__(self):
        return f"{self.rectification_id} report {self.reported_at:%Y-%m-%d}"


def evidence_path(instance: "Evidence", filename: str) -> str:
    ext = PurePosixPath(filename).suffix.lower()
    return f"supervision/{instance.report.rectification_id}/{uuid.uuid4().hex}{ext}"


class Evidence(models.Model):
    """A file backing a rectification report; served only through the access-checked download view."""

    report = models.ForeignKey(RectificationReport, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, max_length=255)
    original_name = models.CharField(_("文件名"), max_length=255)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.original_name


class Notice(Created):
    """通报: a circulated notice composed from live data, edited, then issued as a page and a Word file."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("发文范围"), on_delete=models.PROTECT, related_name="+"
    )
    campaign = optional_fk("campaigns.Campaign")
    issuer_name = models.CharField(_("发文机关"), max_length=100)
    number_prefix = models.CharField(_("机关代字"), max_length=30, default="创先争优办")
    year = models.PositiveSmallIntegerField(_("年份"))
    number = models.PositiveIntegerField(_("发文顺序号"))
    title = models.CharField(_("标题"), max_length=200)
    addressees = models.CharField(_("主送机关"), max_length=300)
    body = models.TextField(_("正文"))
    signed_on = models.DateField(_("成文日期"))
    status = status_field(initial=NoticeStatus.DRAFT, max_length=8)
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by = user_fk(blank=True)

    class Meta(Created.Meta):
        verbose_name = _("通报")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number_prefix", "year", "number"], name="uniq_notice_number"
            )
        ]

    def __str__(self):
        return self.title

    @property
    def doc_number(self) -> str:
        """发文字号, e.g. 创先争优办〔2026〕5号 (GB/T 9704: 六角括号, no leading zeros)."""
        return f"{self.number_prefix}〔{self.year}〕{self.number}号"


# ---------------------------------------------------------------- members (#19): 党员点评 and 集中点评


class ReviewSession(models.Model):
    """集中点评: a meeting at which a leader or secretary reviews several organisations or members at once.

    The host organisation's subtree bounds whom it may review; each review is filed from the session while
    it is open; attendance is recorded per attendee."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("主办组织"), on_delete=models.PROTECT, related_name="review_sessions"
    )
    leader = kept_user_fk(_("点评人"))
    title = models.CharField(_("会议名称"), max_length=200)
    held_on = models.DateField(_("会议日期"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    summary = models.TextField(_("会议小结"), blank=True)
    status = status_field(initial=SessionStatus.OPEN, max_length=10)
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("集中点评")
        indexes = [models.Index(fields=["organisation", "held_on"], name="review_session_org_idx")]

    def __str__(self):
        return f"{self.title} {self.held_on:%Y-%m-%d}"


class SessionAttendee(models.Model):
    """One person expected at a 集中点评 session, and whether they came."""

    session = models.ForeignKey(ReviewSession, on_delete=models.CASCADE, related_name="attendees")
    name = models.CharField(_("姓名"), max_length=50)
    unit = models.CharField(_("单位职务"), max_length=100, blank=True)
    present = models.BooleanField(_("出席"), default=True)
    member = optional_fk("orgs.Member", on_delete=models.SET_NULL)

    class Meta:
        ordering = ["session", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "name", "unit"], name="uniq_session_attendee"),
        ]

    def __str__(self):
        return self.name


class MemberReview(_ReviewBody):
    """党员点评: the branch secretary or a leader reviews a member, with the member's commitments as a
    snapshot (title, status, progress, deadline when reviewed). Seen by the member, the branch and above."""

    leader = kept_user_fk(_("点评人"))
    member = models.ForeignKey(
        "orgs.Member", verbose_name=_("被点评党员"), on_delete=models.PROTECT, related_name="leader_reviews"
    )
    # The member's organisation when reviewed: visibility follows it, a later transfer does not move it.
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("所在组织"), on_delete=models.PROTECT, related_name="member_reviews"
    )
    session = optional_fk(ReviewSession, _("集中点评"), related_name="member_reviews")
    commitments = models.JSONField(_("承诺快照"), default=list, blank=True)
    status = status_field(initial=MemberReviewStatus.FILED, max_length=14)
    acknowledged_at = models.DateTimeField(_("阅知时间"), null=True, blank=True)

    class Meta(_ReviewBody.Meta):
        verbose_name = _("党员点评")
        indexes = [models.Index(fields=["member", "-reviewed_at"], name="member_review_idx")]

    def __str__(self):
        return f"{self.member} 点评 {self.reviewed_at:%Y-%m-%d}"


class CoverageTally(models.Model):
    """Roll-up counters of the half-yearly 集中点评 check (supervision.coverage_tally, #23): over the active
    organisations O in `node`'s subtree (ancestor-or-self) with O.id % 8 == `shard`, for the half year starting
    on `half`: `covered` (a session in the half year covered O), `carried` (O was covered the half year before,
    or made in this one: not overdue if not covered), `both`; the row with half = ALWAYS holds `orgs`."""

    node = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    shard = models.PositiveSmallIntegerField()
    half = models.DateField()
    orgs = models.IntegerField(default=0)
    covered = models.IntegerField(default=0)
    carried = models.IntegerField(default=0)
    both = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["node", "shard", "half"], name="uniq_coverage_tally")]

    def __str__(self):
        return f"{self.node_id}/{self.shard}/{self.half}"


class SupervisionTally(models.Model):
    """Roll-up counters of the dashboard's supervision figures (supervision.stats_tally, #23): over the
    organisations O in `node`'s subtree (ancestor-or-self) with O.id % 8 == `shard`, for the local day `day`:
    `liaisons`, the liaison links (联系点) of active O whose review clock (LiaisonClock) falls on that day;
    `orders` and `flagged`, the open rectification orders of O due that day, not flagged overdue and flagged.
    Rows that went back to zero stay until a rebuild; the read skips them through the partial index."""

    node = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    shard = models.PositiveSmallIntegerField()
    day = models.DateField()
    liaisons = models.IntegerField(default=0)
    orders = models.IntegerField(default=0)
    flagged = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["node", "shard", "day"], name="uniq_supervision_tally")
        ]
        indexes = [
            models.Index(
                fields=["node", "day"],
                condition=~Q(liaisons=0, orders=0, flagged=0),
                name="supervision_tally_live_idx",
            )
        ]

    def __str__(self):
        return f"{self.node_id}/{self.shard}/{self.day}"


class LiaisonClock(models.Model):
    """When a liaison link's review clock started (#23): its leader's last review of the organisation, else
    the link's creation — what selectors.liaison_status_list_for counts the due date from. Kept by
    supervision.stats_tally so that the dashboard reads the one day on which the due / overdue line falls
    exactly, by index, instead of every link of the subtree."""

    liaison = models.OneToOneField(Liaison, primary_key=True, on_delete=models.CASCADE, related_name="+")
    base_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.liaison_id}@{self.base_at:%Y-%m-%d %H:%M}"
