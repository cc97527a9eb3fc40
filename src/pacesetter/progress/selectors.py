"""The progress dashboard: per step, how far the organisations below one node have come.

Each step's figures come from its own app's selector, computed in SQL and grouped by the child
subtree (or by sector); this module only lines them up. Query count does not grow with the number of
organisations: one aggregate per step and grouping.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pacesetter.campaigns.enums import CampaignStatus
from pacesetter.campaigns.models import Campaign
from pacesetter.campaigns.models.tallies import COUNTERS as TALLY_COUNTERS
from pacesetter.campaigns.selectors import (
    campaign_get_for,
    campaign_line_root_for,
    campaign_list_for,
    campaign_root_for,
    line_sector_for,
)
from pacesetter.campaigns.tallies import child_sector_counts, timeline_counts
from pacesetter.commitments.models import Commitment
from pacesetter.commitments.selectors import SubtreeStats, commitment_stats_by_subtree, stat_counts
from pacesetter.core.errors import ValidationError
from pacesetter.orgs.enums import Cap, Sector
from pacesetter.orgs.models import SEGMENT, Organisation
from pacesetter.orgs.selectors import annotate_subtree_counts, subtree_q
from pacesetter.plans.enums import PlanProgress
from pacesetter.plans.selectors import (
    approval_months,
    org_progress_list,
    plan_deadline_of,
    plan_progress_counts,
    plan_progress_from_counters,
    plans_approved_by_month,
    step_plan_counts,
)
from pacesetter.records.models import ActivityRecord
from pacesetter.records.selectors import orgs_with_records_counts, records_by_month
from pacesetter.supervision.selectors import SupervisionStats, supervision_stats_by_subtree


@dataclass
class Cell:
    """One step's standing for a set of organisations: done / in progress / overdue / not started."""

    done: int = 0
    in_progress: int = 0
    overdue: int = 0
    not_started: int = 0

    @property
    def total(self) -> int:
        return self.done + self.in_progress + self.overdue + self.not_started

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


@dataclass
class Row:
    key: str
    label: str
    org: Organisation | None = None
    cells: dict[str, Cell] = field(default_factory=dict)
    # Leader reviews due / overdue and rectification orders open / overdue in the subtree (per child only).
    supervision: SupervisionStats | None = None

    @property
    def lag_reasons(self) -> list[str]:
        return lag_reasons(self)


# A child subtree lags (滞后) when anything in it is overdue, or when at least this share (%) of its
# organisations have not started their plan or logged no record yet.
LAG_SHARE = 50


def lag_reasons(row: Row) -> list[str]:
    """Why a child subtree lags behind — the one rule the dashboard marks rows by and the 通报 draft
    names organisations by (supervision.documents.notice_facts). Empty when it does not lag."""
    reasons: list[str] = []
    plans, records, commitments = (row.cells.get(k) for k in ("plans", "records", "commitments"))
    if plans and plans.overdue:
        reasons.append(_("实施方案逾期未报%(n)d个") % {"n": plans.overdue})
    if plans and plans.total and 100 * plans.not_started >= LAG_SHARE * plans.total:
        reasons.append(
            _("%(n)d个组织（共%(t)d个）尚未着手实施方案") % {"n": plans.not_started, "t": plans.total}
        )
    if records and records.total and 100 * records.not_started >= LAG_SHARE * records.total:
        reasons.append(
            _("%(n)d个组织（共%(t)d个）尚无记实登记") % {"n": records.not_started, "t": records.total}
        )
    if commitments and commitments.overdue:
        reasons.append(_("承诺逾期%(n)d件") % {"n": commitments.overdue})
    sup = row.supervision
    if sup and sup.reviews_overdue:
        reasons.append(_("联系点点评逾期%(n)d个") % {"n": sup.reviews_overdue})
    if sup and sup.rectifications_overdue:
        reasons.append(_("整改逾期%(n)d件") % {"n": sup.rectifications_overdue})
    return reasons


def lagging_children(*, campaign: Campaign, org: Organisation) -> list[tuple[Organisation, list[str]]]:
    """The children of `org` that lag, each with its reasons, in tree order (the dashboard's rows)."""
    rows, _sectors = progress_data(campaign=campaign, org=org)
    return [(row.org, reasons) for row in rows if row.org is not None and (reasons := lag_reasons(row))]


STEPS = [
    ("plans", _("实施方案"), _("已通过 / 已报送或修改中 / 逾期 / 未开始")),
    ("records", _("记实登记"), _("有记实的组织 / — / — / 尚无记实")),
    ("commitments", _("公开承诺"), _("承诺件数：已述诺 / 践诺中 / 逾期 / 未公开")),
]


def progress_scope(
    user, campaign_id=None, org_id=None
) -> tuple[list[Campaign], Campaign | None, Organisation | None]:
    """The campaigns the user can follow, the chosen one (default: the newest) and the organisation
    whose subtree the dashboard covers (default: the user's own top organisation, never above the
    campaign's). Out-of-scope ids raise NotFoundError."""
    campaigns = list(campaign_list_for(user, status=CampaignStatus.ACTIVE)[:20])
    campaign = campaign_get_for(user, campaign_id) if campaign_id else (campaigns[0] if campaigns else None)
    if campaign is None:
        return campaigns, None, None
    return campaigns, campaign, campaign_root_for(user, campaign, org_id, cap=Cap.PROGRESS_VIEW)


def progress_line_scope(
    user, campaign_id=None, org_id=None, sector: str | None = None
) -> tuple[list[Campaign], Campaign | None, Organisation | None, str]:
    """Like progress_scope, with a sector line (条块结合): the dashboard of `sector`'s organisations only.

    A user following a sector line and no whole subtree gets their line by default. The line root is the
    organisation asked for (or the top of the user's scope inside the campaign); the user must cover the
    sector there — a whole subtree holding it, or a sector line of that sector above it. Else NotFoundError.
    Returns (campaigns, campaign, root, sector), sector "" for the ordinary subtree dashboard.
    """
    sector = line_sector_for(user, sector)
    if not sector:
        return (*progress_scope(user, campaign_id, org_id), "")
    if sector not in Sector.values:
        raise ValidationError(str(_("行业无效，请从列表中选择")), field="sector")
    campaigns = list(campaign_list_for(user, status=CampaignStatus.ACTIVE)[:20])
    campaign = campaign_get_for(user, campaign_id) if campaign_id else (campaigns[0] if campaigns else None)
    if campaign is None:
        return campaigns, None, None, sector
    return campaigns, campaign, campaign_line_root_for(user, campaign, org_id, sector), sector


def _plan_cell(counts: dict[str, int]) -> Cell:
    c = counts
    return Cell(
        done=c.get(PlanProgress.APPROVED, 0),
        in_progress=c.get(PlanProgress.SUBMITTED, 0)
        + c.get(PlanProgress.RETURNED, 0)
        + c.get(PlanProgress.DRAFT, 0),
        overdue=c.get(PlanProgress.OVERDUE, 0),
        not_started=c.get(PlanProgress.NOT_STARTED, 0),
    )


def _record_cell(counts: dict[str, int]) -> Cell:
    c = {"with_records": 0, "total": 0, **counts}
    return Cell(done=c["with_records"], not_started=c["total"] - c["with_records"])


def _tallied(campaign: Campaign, org: Organisation) -> bool:
    """Whether `org`'s dashboard reads the roll-up counters: at or below the campaign's own organisation
    (where plans and records count the same organisations, those below `org`)."""
    return org.path.startswith(campaign.organisation.path)


def _tally_cells(child: Organisation, t: dict[str, int], late: bool) -> dict[str, Cell]:
    stats = SubtreeStats(
        org=child,
        drafted=t["commit_drafted"],
        published=t["commit_published"],
        fulfilled=t["commit_fulfilled"],
        overdue=t["commit_overdue"],
    )
    return {
        "plans": _plan_cell(plan_progress_from_counters(t, late)),
        "records": _record_cell({"with_records": t["with_records"], "total": t["orgs"]}),
        "commitments": _commitment_cell(stats),
    }


def _tally_sum(counts: dict[tuple[int, str], dict[str, int]], *, child=None, sector=None) -> dict[str, int]:
    total = dict.fromkeys(TALLY_COUNTERS, 0)
    for (c, s), values in counts.items():
        if (child is None or c == child) and (sector is None or s == sector):
            for k, v in values.items():
                total[k] += v
    return total


def _plans_late(campaign: Campaign) -> bool:
    deadline = plan_deadline_of(campaign)
    return deadline is not None and timezone.localdate() > deadline


def progress_data(*, campaign: Campaign, org: Organisation, sector: str = "") -> tuple[list[Row], list[Row]]:
    """Rows per child of `org` and rows per sector, each with a Cell per step.

    Plans, records and commitments come from the roll-up counters (campaigns.tallies): one query over the
    children × sectors × shards rows, split by child or by sector here, whatever the number of organisations
    below; each child row's organisation carries `subtree_orgs` from them too (no `subtree_members`). With
    `sector` (a sector line, 条块结合) every figure counts that sector's organisations only, children without
    any are left out, and there are no supervision figures (a sector line gives no supervision rights).
    Above the campaign's organisation: progress_data_live.
    """
    if not _tallied(campaign, org):
        return progress_data_live(campaign=campaign, org=org, sector=sector)
    only = sector or None
    late = _plans_late(campaign)
    counts = child_sector_counts(campaign, org)
    children = list(org.children.filter(is_active=True).order_by("path"))
    for child in children:
        # What the page links by (orgs.selectors.annotate_subtree_counts' figure, without its scan of the
        # subtree): the active organisations below the child. No member total: no reader of these rows uses it.
        child.subtree_orgs = max(_tally_sum(counts, child=child.pk)["orgs"] - 1, 0)
    if only:
        held = {c for (c, s), t in counts.items() if s == only and t["orgs"]}
        children = [c for c in children if c.pk in held]
    child_rows = [Row(key=c.path, label=c.name, org=c) for c in children]
    supervision = {} if only else supervision_stats_by_subtree(children)
    for row, child in zip(child_rows, children, strict=True):
        row.cells = _tally_cells(child, _tally_sum(counts, child=child.pk, sector=only), late)
        row.supervision = None if only else supervision.get(child.pk, SupervisionStats())
    sectors = {s for (_c, s), t in counts.items() if t["orgs"] and (only is None or s == only)}
    sector_rows = [Row(key=value, label=str(label)) for value, label in Sector.choices if value in sectors]
    for row in sector_rows:
        cells = _tally_cells(org, _tally_sum(counts, sector=row.key), late)
        row.cells = {"plans": cells["plans"], "records": cells["records"]}
    return child_rows, sector_rows


def child_cells(*, campaign: Campaign, org: Organisation, children: list[Organisation]) -> dict[str, tuple]:
    """{child path: (plans Cell, records Cell, commitments Cell)} for the given active children of `org`:
    the cells of progress_data's child rows (no sector line), for readers that need only these (the district
    ranking, #14) — from the roll-up counters in one query; above the campaign's organisation:
    child_cells_live."""
    if not children:
        return {}
    if not _tallied(campaign, org):
        return child_cells_live(campaign=campaign, org=org, children=children)
    late = _plans_late(campaign)
    counts = child_sector_counts(campaign, org)
    result = {}
    for c in children:
        cells = _tally_cells(c, _tally_sum(counts, child=c.pk), late)
        result[c.path] = (cells["plans"], cells["records"], cells["commitments"])
    return result


def progress_data_live(
    *, campaign: Campaign, org: Organisation, sector: str = ""
) -> tuple[list[Row], list[Row]]:
    """progress_data aggregated from the raw rows (the figure before the roll-up counters, #23; still read
    above the campaign's organisation, and the oracle the tests compare the counters against).

    Rows per child of `org` and rows per sector, each with a Cell per step.

    Plans and records come from one GROUP BY (child, sector) query each and are split both ways here;
    commitments and supervision figures exist per child only. With `sector` (a sector line, 条块结合) every
    figure counts that sector's organisations only, children without any are left out, and there are no
    supervision figures (a sector line gives no supervision rights).
    """
    only = sector or None
    plans = plan_progress_counts(campaign=campaign, root=org)
    records = orgs_with_records_counts(campaign=campaign, root=org)
    children = annotate_subtree_counts(list(org.children.filter(is_active=True).order_by("path")))
    if only:
        held = {c for c, s in (*plans, *records) if s == only}
        children = [c for c in children if c.path in held]
    child_rows = [Row(key=c.path, label=c.name, org=c) for c in children]
    commitments = {s.org.path: s for s in commitment_stats_by_subtree(campaign, org, sector=sector)}
    supervision = {} if only else supervision_stats_by_subtree(children)
    for row, child in zip(child_rows, children, strict=True):
        row.cells = {
            "plans": _plan_cell(_sum_where(plans, child=row.key, sector=only)),
            "records": _record_cell(_sum_where(records, child=row.key, sector=only)),
            "commitments": _commitment_cell(commitments.get(row.key)),
        }
        row.supervision = None if only else supervision.get(child.pk, SupervisionStats())
    sectors = {s for _child, s in (*plans, *records) if only is None or s == only}
    sector_rows = [Row(key=value, label=str(label)) for value, label in Sector.choices if value in sectors]
    for row in sector_rows:
        row.cells = {
            "plans": _plan_cell(_sum_where(plans, sector=row.key)),
            "records": _record_cell(_sum_where(records, sector=row.key)),
        }
    return child_rows, sector_rows


def child_cells_live(
    *, campaign: Campaign, org: Organisation, children: list[Organisation]
) -> dict[str, tuple]:
    """child_cells aggregated from the raw rows (before the roll-up counters, #23; the tests' oracle).

    {child path: (plans Cell, records Cell, commitments Cell)} for the given active children of `org`:
    the cells of progress_data's child rows (no sector line), in two grouped queries instead of six, for
    readers that need only these (the district ranking, #14).

    When `org` is at or below the campaign's organisation, the plan state and "has a record" of every
    organisation below `org` come from one scan of the organisations (plans.selectors.org_progress_list with
    an EXISTS on the records, grouped by child): both then count the same organisations, the active ones
    below `org`. Above it (the plans count only the organisations below the campaign's) the two selectors of
    progress_data are read as they are. Commitments: progress_data's GROUP BY over the path prefix with only
    the four counts the cell uses (no ratings, no average progress).
    """
    if not children:
        return {}
    length = (org.depth + 2) * SEGMENT
    plans: dict[str, dict[str, int]] = {}
    records: dict[str, dict[str, int]] = {}
    if org.depth >= campaign.organisation.depth:
        has_records = Exists(
            ActivityRecord.objects.filter(is_deleted=False, campaign=campaign, organisation=OuterRef("pk"))
        )
        rows = (
            org_progress_list(campaign=campaign, root=org)
            .filter(depth__gt=org.depth)
            .order_by()
            .annotate(child=Substr("path", 1, length))
            .values("child")
            .annotate(
                total=Count("id"),
                with_records=Count("id", filter=has_records),
                **{f"p_{v}": Count("id", filter=Q(progress=v)) for v in PlanProgress.values},
            )
        )
        for r in rows:
            plans[r["child"]] = {v: r[f"p_{v}"] for v in PlanProgress.values}
            records[r["child"]] = {"with_records": r["with_records"], "total": r["total"]}
    else:
        plan_counts = plan_progress_counts(campaign=campaign, root=org)
        record_counts = orgs_with_records_counts(campaign=campaign, root=org)
        for c in children:
            plans[c.path] = _sum_where(plan_counts, child=c.path)
            records[c.path] = _sum_where(record_counts, child=c.path)
    # As commitments.selectors.commitment_stats_by_subtree (no sector): a 群团组织's commitments count nowhere.
    commitments = {
        r.pop("top"): r
        for r in Commitment.objects.filter(
            subtree_q(org.path, "organisation__path"), campaign=campaign, mass_org__isnull=True
        )
        .exclude(organisation__path=org.path)
        .order_by()
        .annotate(top=Substr("organisation__path", 1, len(org.path) + SEGMENT))
        .values("top")
        .annotate(**stat_counts())
    }
    return {
        c.path: (
            _plan_cell(plans.get(c.path, {})),
            _record_cell(records.get(c.path, {})),
            _commitment_cell(SubtreeStats(org=c, **commitments.get(c.path, {}))),
        )
        for c in children
    }


def _sum_where(counts: dict[tuple[str, str], dict[str, int]], *, child=None, sector=None) -> dict[str, int]:
    total: dict[str, int] = {}
    for (c, s), values in counts.items():
        if (child is None or c == child) and (sector is None or s == sector):
            for k, v in values.items():
                total[k] = total.get(k, 0) + v
    return total


def _commitment_cell(stats) -> Cell:
    """Commitments (not organisations): reported, published and under way, overdue, not yet public."""
    if stats is None:
        return Cell()
    under_way = max(stats.published - stats.fulfilled - stats.overdue, 0)
    return Cell(
        done=stats.fulfilled,
        in_progress=under_way,
        overdue=stats.overdue,
        not_started=max(stats.drafted - stats.published, 0),
    )


def totals(rows: list[Row]) -> dict[str, Cell]:
    result = {key: Cell() for key, _label, _legend in STEPS}
    # Rows carry only the steps their grouping can compute (commitments are counted per child only).
    for row in rows:
        for key, cell in row.cells.items():
            t = result[key]
            t.done += cell.done
            t.in_progress += cell.in_progress
            t.overdue += cell.overdue
            t.not_started += cell.not_started
    return result


def supervision_totals(rows: list[Row]) -> SupervisionStats:
    stats = [r.supervision for r in rows if r.supervision is not None]
    return SupervisionStats(
        reviews_due=sum(s.reviews_due for s in stats),
        reviews_overdue=sum(s.reviews_overdue for s in stats),
        rectifications_open=sum(s.rectifications_open for s in stats),
        rectifications_overdue=sum(s.rectifications_overdue for s in stats),
    )


def missing_actions(*, campaign: Campaign, org: Organisation) -> list:
    """规定动作: per required action whose step has opened, how many organisations in `org`'s subtree have not
    done it (缺项 once the step closed, 待完成 while open) — actions.selectors.missing_counts."""
    from pacesetter.actions.selectors import missing_counts

    return missing_counts(campaign=campaign, root=org)


def step_plan_cells(*, campaign: Campaign, org: Organisation) -> list[tuple]:
    """(step, Cell) for each step plan (阶段实施方案) the campaign requires, over `org`'s subtree — shown
    beside the overall plan on the dashboard."""
    return [(step, _plan_cell(counts)) for step, counts in step_plan_counts(campaign=campaign, root=org)]


def timeline(*, campaign: Campaign, org: Organisation) -> dict:
    """Monthly series for the chart: plans approved and records logged in `org`'s subtree, from the monthly
    roll-up counters (campaigns.tallies.timeline_counts) at or below the campaign's organisation; above it,
    timeline_live."""
    if not _tallied(campaign, org):
        return timeline_live(campaign=campaign, org=org)
    counts = timeline_counts(campaign, org)
    shown = set(approval_months(campaign))
    plans = {m: c["plans_approved"] for m, c in counts.items() if m in shown and c["plans_approved"]}
    records = {m: c["records"] for m, c in counts.items() if c["records"]}
    return _series(plans, records)


def timeline_live(*, campaign: Campaign, org: Organisation) -> dict:
    """timeline straight from the records and plan decisions (the oracle of the counters)."""
    plans = dict(plans_approved_by_month(campaign=campaign, root=org))
    records = dict(records_by_month(campaign=campaign, root=org))
    return _series(plans, records)


def _series(plans: dict, records: dict) -> dict:
    months = sorted(set(plans) | set(records))
    return {
        "months": [m.strftime("%Y-%m") for m in months],
        "plans": [plans.get(m, 0) for m in months],
        "records": [records.get(m, 0) for m in months],
    }
