"""Evaluation rounds (群众评议 / 民主测评 / 满意度调查 / 组织考核), ballot codes, participation and anonymous ballots.

Anonymity is structural. Who took part lives in `BallotCode` (spent or not) and `MemberParticipation`
(unique per voter and target); what was answered lives in `BallotSheet` and `Ballot`, whose rows carry a
random UUID key, no person, no code, no timestamp and nothing that reveals insertion order. Nothing links
the two sides; tests/evaluations/test_anonymity.py inspects every column to keep it so.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pacesetter.core.fields import optional_fk, status_field, user_fk
from pacesetter.orgs.models import Member, Organisation

from .enums import (
    DEFAULT_GRADE_THRESHOLDS,
    CaseStatus,
    Channel,
    Grade,
    GroupKind,
    GroupMode,
    RoundKind,
    RoundStatus,
    Scale,
    Subject,
    SuggestionStatus,
)

# Answers sit in positional columns a1…a12 (questions are frozen once ballots arrive), so a round's
# results are one GROUP BY over one table, without joins.
MAX_QUESTIONS = 12
K_MIN_FLOOR = 3
K_MAX = 1000


def _default_thresholds():
    return dict(DEFAULT_GRADE_THRESHOLDS)


class Round(models.Model):
    """An evaluation round (评议轮次) run by an organisation over targets inside its subtree."""

    name = models.CharField(_("名称"), max_length=200)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="eval_rounds"
    )
    campaign = optional_fk("campaigns.Campaign", related_name="eval_rounds")
    criteria_set = optional_fk("campaigns.CriteriaSet", related_name="eval_rounds")
    kind = models.CharField(_("类型"), max_length=20, choices=RoundKind.choices)
    subject = models.CharField(_("评议对象"), max_length=10, choices=Subject.choices)
    scale = models.CharField(_("答案选项"), max_length=20, choices=Scale.choices)
    opens_at = models.DateTimeField(_("开始时间"))
    closes_at = models.DateTimeField(_("截止时间"))
    status = status_field(initial=RoundStatus.DRAFT, max_length=10)
    k_min = models.PositiveSmallIntegerField(_("最少样本数 k"), default=5)
    satisfaction_threshold = models.PositiveSmallIntegerField(_("满意度警戒线（%）"), default=60)
    grade_thresholds = models.JSONField(_("等次分数线"), default=_default_thresholds, blank=True)
    # Bumped whenever questions, targets or groups change, so workers may cache the ballot form.
    version = models.PositiveIntegerField(default=1, editable=False)
    questions_locked = models.BooleanField(_("题目已冻结"), default=False, editable=False)
    published = models.BooleanField(_("已公开"), default=False)
    digest = models.CharField(_("回执汇总摘要"), max_length=64, blank=True, editable=False)
    ballot_count = models.PositiveIntegerField(default=0, editable=False)
    created_by = user_fk()
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-opens_at", "-id"]
        verbose_name = _("评议轮次")
        constraints = [
            models.CheckConstraint(condition=Q(k_min__gte=K_MIN_FLOOR), name="eval_round_k_min_floor"),
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="eval_round_window"),
            models.CheckConstraint(condition=Q(satisfaction_threshold__lte=100), name="eval_round_threshold"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_member_subject(self) -> bool:
        return self.subject == Subject.MEMBER


class RoundQuestion(models.Model):
    """A frozen copy of one criteria item (or the single satisfaction question) at `position` (a1…a12)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(_("评议内容"), max_length=200)
    hint = models.TextField(_("说明"), blank=True)
    weight = models.PositiveSmallIntegerField(_("权重"), default=100)

    class Meta:
        ordering = ["round", "position"]
        constraints = [
            models.UniqueConstraint(fields=["round", "position"], name="uniq_eval_question_position"),
            models.CheckConstraint(
                condition=Q(position__gte=1, position__lte=MAX_QUESTIONS), name="eval_question_position_range"
            ),
        ]

    def __str__(self):
        return self.text

    @property
    def column(self) -> str:
        return f"a{self.position}"


class RoundTarget(models.Model):
    """Who is evaluated: an organisation or a member. Name and sector are copied for the published file."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="targets")
    organisation = optional_fk(Organisation)
    member = optional_fk(Member)
    name = models.CharField(max_length=200)
    sector = models.CharField(max_length=20)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["round", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(organisation__isnull=False) & Q(member__isnull=True))
                | (Q(organisation__isnull=True) & Q(member__isnull=False)),
                name="eval_target_one_subject",
            ),
            models.UniqueConstraint(fields=["round", "organisation"], name="uniq_eval_target_org"),
            models.UniqueConstraint(fields=["round", "member"], name="uniq_eval_target_member"),
        ]

    def __str__(self):
        return self.name


class RaterGroup(models.Model):
    """A rater group (评议主体) with its weight in percent; raters come with codes or sign in as members."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=10, choices=GroupKind.choices)
    weight = models.PositiveSmallIntegerField(_("权重（%）"))
    mode = models.CharField(_("参评方式"), max_length=10, choices=GroupMode.choices, default=GroupMode.CODES)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["round", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "name"], name="uniq_eval_group_name"),
            models.CheckConstraint(condition=Q(weight__lte=100), name="eval_group_weight_max"),
        ]

    def __str__(self):
        return self.name


class BallotCode(models.Model):
    """A one-time ballot code (评议码). Only its hash is kept; `spent` is the whole participation record."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="codes")
    group = models.ForeignKey(RaterGroup, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64, unique=True)
    spent = models.BooleanField(default=False)
    channel = models.CharField(max_length=10, choices=Channel.choices, blank=True)
    batch = models.PositiveSmallIntegerField(default=1)

    class Meta:
        # `spent` and `channel` are in no index, so spending a code is a HOT update on PostgreSQL (no index
        # entry is written); migration 0002 leaves free room in each page (fillfactor) for the new version.
        indexes = [models.Index(fields=["round", "group"], name="eval_code_round_group")]

    def __str__(self):
        return f"{self.code_hash[:8]}…"


class MemberParticipation(models.Model):
    """A signed-in member took part for one target. The unique constraint is the one-ballot rule."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="participations")
    group = models.ForeignKey(RaterGroup, on_delete=models.CASCADE, related_name="participations")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(RoundTarget, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "voter", "target"], name="uniq_eval_participation")
        ]

    def __str__(self):
        return f"{self.round_id}: {self.voter_id} → {self.target_id}"


class BallotSheet(models.Model):
    """One rater's sheet (测评表): a random key, the channel, the receipt and its nonce; no person, no time.

    `entered_by` is the clerk who typed a paper sheet in (never the rater); it is empty for web ballots.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="sheets")
    group = models.ForeignKey(RaterGroup, on_delete=models.CASCADE, related_name="sheets")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    entered_by = optional_fk(settings.AUTH_USER_MODEL)
    nonce = models.CharField(max_length=32)
    receipt = models.CharField(max_length=64, unique=True)

    class Meta:
        indexes = [models.Index(fields=["round", "receipt"])]

    def __str__(self):
        return f"{self.receipt[:12]}…"


def _answer():
    return models.SmallIntegerField(null=True, blank=True)


class Ballot(models.Model):
    """One sheet's answers for one target: points per question in a1…a12, NULL = 不了解 or unused."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    sheet = models.ForeignKey(BallotSheet, on_delete=models.CASCADE, related_name="ballots")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(RaterGroup, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(RoundTarget, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    a1 = _answer()
    a2 = _answer()
    a3 = _answer()
    a4 = _answer()
    a5 = _answer()
    a6 = _answer()
    a7 = _answer()
    a8 = _answer()
    a9 = _answer()
    a10 = _answer()
    a11 = _answer()
    a12 = _answer()

    class Meta:
        # Covering: results.round_results groups a round's ballots by these four and counts answers per
        # column, so the answers are in the index too and the ballot rows themselves are never read
        # (SQLite, 1,000,000 ballots: 4.3 s → 0.9 s; its WITHOUT ROWID table would otherwise be read by
        # random UUID, one B-tree lookup per ballot).
        indexes = [
            models.Index(
                fields=[
                    "round",
                    "target",
                    "group",
                    "channel",
                    *(f"a{i}" for i in range(1, MAX_QUESTIONS + 1)),
                ],
                name="eval_ballot_cover",
            )
        ]

    def __str__(self):
        return str(self.pk)


class CodeAttempt(models.Model):
    """Failed code entries per client address and 10-minute window (rate limit shared by all workers)."""

    client = models.CharField(max_length=64)  # sha256 of the address, not the address itself
    window = models.BigIntegerField()
    failures = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "window"], name="uniq_code_attempt_window")]

    def __str__(self):
        return f"{self.client[:8]}… {self.window}: {self.failures}"


# complaints.enums.CaseStatus.CLOSED: named here by value, since evaluations sits below complaints.
ENGINE_CLOSED = "closed"


class LowSatisfactionCase(models.Model):
    """满意度过低 — 需分析原因、整改提高: the target organisation's secretary answers with analysis and measures.

    Its status is the status of its case on the one case engine (`case`, complaints.Case): the complaints
    app opens and advances that case (evaluations.signals); this row keeps the evaluation's own content.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="low_cases")
    target = models.OneToOneField(RoundTarget, on_delete=models.CASCADE, related_name="low_case")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    satisfaction = models.DecimalField(_("满意度（%）"), max_digits=5, decimal_places=1)
    analysis = models.TextField(_("原因分析"), blank=True)
    measures = models.TextField(_("整改措施"), blank=True)
    answered_by = user_fk(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # The case on the one case engine (complaints): deadlines, overdue flags, audit trail, statistics.
    case = models.OneToOneField(
        "complaints.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="low_satisfaction"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("满意度过低整改")

    def __str__(self):
        return f"{self.round} · {self.organisation}"

    @property
    def status(self) -> str:
        """Open or answered, read from the engine case: the answer closes it (complaints.low_satisfaction)."""
        answered = self.case_id is not None and self.case.status == ENGINE_CLOSED
        return CaseStatus.ANSWERED if answered else CaseStatus.OPEN

    def get_status_display(self) -> str:
        return str(CaseStatus(self.status).label)


class MemberGrade(models.Model):
    """组织考核 result: a member's score and grade (优秀/合格/基本合格/不合格) from an assessment round."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="grades")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="eval_grades")
    score = models.DecimalField(max_digits=5, decimal_places=1, null=True)
    grade = models.CharField(max_length=12, choices=Grade.choices, blank=True)
    sample = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "member"], name="uniq_member_grade")]

    def __str__(self):
        return f"{self.member} {self.get_grade_display()}"


SUGGESTION_MAX_CHARS = 500


class Suggestion(models.Model):
    """意见建议: a rater's free text, kept apart from the ballots.

    Like a ballot row it names no person, code, sheet or ballot; its key is a random UUID (on SQLite in a
    WITHOUT ROWID table, migration 0008), and the only time it carries is the day in Beijing time. It is
    read by the office only after the round closes and shown only once released (`SuggestionRelease`),
    and then only for rater groups with at least settings.EVALUATION_SUGGESTION_K ballots.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="suggestions")
    group = models.ForeignKey(RaterGroup, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("意见建议"), max_length=SUGGESTION_MAX_CHARS)
    day = models.DateField(_("日期"))
    status = status_field(initial=SuggestionStatus.PENDING, max_length=10)

    class Meta:
        verbose_name = _("意见建议")
        indexes = [models.Index(fields=["round", "group", "status"], name="eval_suggestion_round")]

    def __str__(self):
        return self.text[:20]


class SuggestionRelease(models.Model):
    """The office has reviewed a closed round's suggestions and released the approved ones."""

    round = models.OneToOneField(Round, on_delete=models.CASCADE, related_name="suggestion_release")
    released_by = user_fk()
    released_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("意见建议发布")

    def __str__(self):
        return f"{self.round_id}"
