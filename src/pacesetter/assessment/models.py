"""Assessment (组织考核): schemes per campaign, their sources, grade lines, bonus/penalty items, and the
computed scorecards (versioned snapshots) with one score per organisation or member."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pacesetter.core.fields import optional_fk, status_field, user_fk
from pacesetter.orgs.models import Member, Organisation

from .enums import Grade, ScorecardStatus, Subject


class Scheme(models.Model):
    """考核方案: what is assessed (organisations or members of the campaign's tree), over which period, from
    which sources with which weights, and where the grade lines lie. Locked once a scorecard is published."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("所属活动"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("方案名称"), max_length=200)
    subject = models.CharField(_("考核对象"), max_length=10, choices=Subject.choices)
    period_start = models.DateField(_("考核期起"))
    period_end = models.DateField(_("考核期止"))
    locked_at = models.DateTimeField(_("锁定时间"), null=True, blank=True)
    created_by = user_fk()
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-period_end", "-id"]
        verbose_name = _("考核方案")

    def __str__(self):
        return self.name

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class SchemeSource(models.Model):
    """One source of a scheme (a key of assessment.sources.REGISTRY), its weight and minimum data."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="sources")
    key = models.CharField(_("数据来源"), max_length=50)
    weight = models.PositiveSmallIntegerField(_("权重"))
    min_count = models.PositiveIntegerField(_("最少数据量"), default=1)

    class Meta:
        ordering = ["scheme", "-weight", "key"]
        constraints = [models.UniqueConstraint(fields=["scheme", "key"], name="uniq_scheme_source")]

    def __str__(self):
        return f"{self.key} {self.weight}"


class GradeLine(models.Model):
    """The lowest total that still earns `grade` (the lowest grade of a subject has no line)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="grade_lines")
    grade = models.CharField(_("等次"), max_length=20, choices=Grade.choices)
    min_score = models.DecimalField(_("分数线"), max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["scheme", "-min_score"]
        constraints = [models.UniqueConstraint(fields=["scheme", "grade"], name="uniq_scheme_grade")]

    def __str__(self):
        return f"{self.get_grade_display()} ≥ {self.min_score}"


class ScoreItem(models.Model):
    """加分/减分: points for one organisation (or member) with a reason, added by the scheme's owner or a
    committee above the subject. Items may be added by lower committees; weights may not."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="items")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("党组织"), on_delete=models.PROTECT, related_name="+"
    )
    member = optional_fk(Member, _("党员"))
    points = models.DecimalField(_("分值"), max_digits=5, decimal_places=2)
    reason = models.TextField(_("理由"))
    created_by = user_fk()
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["scheme", "organisation", "id"]
        verbose_name = _("加减分项")

    def __str__(self):
        return f"{self.points:+} {self.reason[:20]}"


class Scorecard(models.Model):
    """One computed version of a scheme's scores (a snapshot); published versions never change."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="scorecards")
    version = models.PositiveIntegerField(_("版本"))
    status = status_field(initial=ScorecardStatus.COMPUTING, max_length=12)
    task_id = models.CharField(max_length=64, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_by = user_fk()
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    computed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = user_fk(blank=True)
    # Stored when the computation finishes (in the transaction that finishes the version), so that pages
    # only read rows: the version the diff compares with, the grade counts ({grade: n}, "" = no data; kept
    # current by score_adjust) and the number of scores that differ from `previous`.
    previous = optional_fk("self", _("对比版本"), on_delete=models.SET_NULL)
    grade_counts = models.JSONField(default=dict, blank=True)
    changed_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["scheme", "-version"]
        verbose_name = _("考核结果")
        constraints = [models.UniqueConstraint(fields=["scheme", "version"], name="uniq_scorecard_version")]

    def __str__(self):
        return f"{self.scheme} v{self.version}"

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, self.done * 100 // self.total)


class Score(models.Model):
    """One subject's score in one scorecard: the total, the computed grade, an adjusted grade with its
    reason, and per source the raw value, the count of rows behind it and whether it was used."""

    # No index of its own: uniq_score_subject (scorecard, organisation, member) starts with it.
    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="scores", db_index=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    member = optional_fk(Member)
    total = models.DecimalField(_("总分"), max_digits=6, decimal_places=2, null=True, blank=True)
    computed_grade = models.CharField(_("计算等次"), max_length=20, choices=Grade.choices, blank=True)
    grade = models.CharField(_("等次"), max_length=20, choices=Grade.choices, blank=True)
    adjust_reason = models.TextField(_("调整理由"), blank=True)
    adjusted_by = user_fk(blank=True)
    adjusted_at = models.DateTimeField(null=True, blank=True)
    bonus = models.DecimalField(_("加减分"), max_digits=6, decimal_places=2, default=0)
    # {source key: {"value": float | None, "count": int, "used": bool, "weight": int}}
    detail = models.JSONField(default=dict)
    # Stored at compute time (assessment.derive), read by the pages. Organisation scores only: the parent
    # organisation when computed, the rank among its children (RANK(): equal totals share a rank), and
    # 横向比 among organisations of the same sector and level (rank, scored peers, ties).
    parent = optional_fk(Organisation)
    sibling_rank = models.PositiveIntegerField(null=True, blank=True)
    peer_rank = models.PositiveIntegerField(null=True, blank=True)
    peer_n = models.PositiveIntegerField(default=0)
    peer_ties = models.PositiveIntegerField(default=0)
    # The diff from the scorecard's `previous` version: its total and grade (prev_grade NULL = the subject
    # was not in it), and whether total or grade differ (kept current by score_adjust).
    prev_total = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    prev_grade = models.CharField(max_length=20, choices=Grade.choices, null=True, blank=True)
    changed = models.BooleanField(default=False)

    class Meta:
        # Plain columns only: a default ordering through joins would be dragged into every subquery.
        ordering = ["scorecard_id", "organisation_id", "member_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["scorecard", "organisation", "member"], name="uniq_score_subject"
            ),
        ]
        # Every index costs each of the million rows a member scheme writes per version. Kept:
        # uniq_score_subject (the scores of a scorecard, the scorecard list pages in subject order, the
        # scorecard FK's deletes), score_sibling_idx (selectors.ranking), score_changed_idx
        # (selectors.scorecard_diff); the organisation and member FK indexes serve the notice board,
        # score_history and honours eligibility / my scores; parent and adjusted_by the FK deletes.
        indexes = [
            models.Index(fields=["scorecard", "parent", "sibling_rank"], name="score_sibling_idx"),
            models.Index(
                fields=["scorecard", "organisation", "member"],
                name="score_changed_idx",
                condition=models.Q(changed=True),
            ),
        ]

    def __str__(self):
        # as the audit log names it: whose score, in which version (the caller has loaded both)
        who = self.member.name if self.member_id else self.organisation.name
        total = "—" if self.total is None else self.total
        return f"{who} · 第 {self.scorecard.version} 版 · {total}"

    @property
    def is_adjusted(self) -> bool:
        return self.grade != self.computed_grade
