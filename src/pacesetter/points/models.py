"""The points ledger (积分): yearly periods per campaign, the office's rules, the entries of every member's
account, members' claims with evidence, and the per-organisation running totals the standings read."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pacesetter.core.fields import dated_upload_name, status_field, user_fk
from pacesetter.core.models import Timestamped
from pacesetter.orgs.models import Member, Organisation

from .enums import ClaimStatus, EntrySource, EventType, ManualBy, PeriodStatus, RuleStatus


class PointPeriod(models.Model):
    """One campaign's points year (积分年度). Closed (结账) periods accept nothing: no entry, no claim."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("所属活动"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    status = status_field(initial=PeriodStatus.OPEN, max_length=10)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-year", "-id"]
        verbose_name = _("积分年度")
        constraints = [models.UniqueConstraint(fields=["campaign", "year"], name="uniq_point_period")]

    def __str__(self):
        return f"{self.campaign} {self.year}"

    @property
    def is_open(self) -> bool:
        return self.status == PeriodStatus.OPEN


class PointRule(Timestamped):
    """What earns or loses points in one period: an event type from the registry, points per event, a cap
    on what the rule may add up to per member in the period, once-only, and who may award it by hand."""

    period = models.ForeignKey(PointPeriod, on_delete=models.PROTECT, related_name="rules")
    name = models.CharField(_("规则名称"), max_length=100)
    event_type = models.CharField(_("计分事项"), max_length=30, choices=EventType.choices)
    points = models.IntegerField(_("每次分值"), help_text=_("正数加分，负数减分"))
    cap = models.PositiveIntegerField(
        _("年度上限"),
        null=True,
        blank=True,
        help_text=_("本规则每名党员本年度累计分值的绝对值上限；留空不限"),
    )
    once_only = models.BooleanField(_("每年限一次"), default=False)
    manual_by = models.CharField(
        _("手工加减分"), max_length=10, choices=ManualBy.choices, default=ManualBy.NOBODY
    )
    claimable = models.BooleanField(_("党员可申报"), default=False)
    status = status_field(initial=RuleStatus.ACTIVE, max_length=10)

    class Meta:
        ordering = ["period", "id"]
        verbose_name = _("积分规则")
        constraints = [
            models.CheckConstraint(condition=~Q(points=0), name="point_rule_points_nonzero"),
        ]

    def __str__(self):
        return self.name


class PointEntry(models.Model):
    """One line of a member's account. Automatic entries are unique per (rule, event type, event id, member):
    the sweep may run any number of times and writes each event once."""

    period = models.ForeignKey(PointPeriod, on_delete=models.PROTECT, related_name="entries")
    rule = models.ForeignKey(PointRule, on_delete=models.PROTECT, related_name="entries")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="point_entries")
    # The member's organisation when the entry was written: organisation standings add these up.
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    points = models.IntegerField(_("分值"))
    source = models.CharField(_("来源"), max_length=10, choices=EntrySource.choices)
    event_type = models.CharField(_("计分事项"), max_length=30, choices=EventType.choices)
    event_id = models.BigIntegerField(null=True, blank=True)  # null for a manual award
    link = models.CharField(max_length=200, blank=True)  # the page of the event
    reason = models.CharField(_("事由"), max_length=500)
    occurred_on = models.DateField(_("日期"))
    created_by = user_fk(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("积分明细")
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "event_type", "event_id", "member"],
                condition=Q(event_id__isnull=False),
                name="uniq_point_entry_event",
            ),
        ]
        indexes = [
            # A member's account, newest first.
            models.Index(fields=["member", "period", "-occurred_on", "-id"], name="point_account_idx"),
            # A branch's member standing: the entries of one organisation's members, summed per member.
            models.Index(fields=["period", "organisation", "member", "points"], name="point_org_member_idx"),
            # Caps and once-only: what one rule gave one member.
            models.Index(fields=["rule", "member"], name="point_rule_member_idx"),
        ]

    def __str__(self):
        return f"{self.member_id}: {self.points:+d}"


class PointOrgTotal(models.Model):
    """The running sum of one organisation's entries in a period (its own members, not its subtree), kept by
    points.services in the same transaction as each entry, so a standing of thousands of branches reads one
    row per branch instead of millions of entries. `points_rebuild_totals` recomputes it from the entries."""

    period = models.ForeignKey(PointPeriod, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    total = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("组织积分合计")
        constraints = [
            models.UniqueConstraint(fields=["period", "organisation"], name="uniq_point_org_total"),
        ]

    def __str__(self):
        return f"{self.organisation_id}: {self.total}"


def evidence_upload_to(instance: "PointClaim", filename: str) -> str:
    return dated_upload_name("points", filename)


class PointClaim(models.Model):
    """A member's claim (积分申报) against a claimable rule, with evidence, approved or returned by the branch."""

    rule = models.ForeignKey(
        PointRule, verbose_name=_("积分规则"), on_delete=models.PROTECT, related_name="claims"
    )
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="point_claims")
    text = models.TextField(_("申报事由"))
    occurred_on = models.DateField(_("日期"))
    evidence = models.FileField(_("佐证材料"), upload_to=evidence_upload_to, max_length=255, blank=True)
    evidence_name = models.CharField(max_length=255, blank=True)
    evidence_type = models.CharField(max_length=100, blank=True)
    status = status_field(initial=ClaimStatus.SUBMITTED, max_length=10)
    comment = models.CharField(_("审核意见"), max_length=500, blank=True)
    decided_by = user_fk(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("积分申报")
        indexes = [models.Index(fields=["member", "status"]), models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.member} · {self.rule}"

    @property
    def organisation(self) -> Organisation:
        return self.member.organisation
