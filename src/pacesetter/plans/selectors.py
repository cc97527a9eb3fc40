"""Reads for plans, scoped to the caller: my plans, the review queue, the overdue list and its counts."""

import datetime

from django.db.models import Case, CharField, Count, F, FilteredRelation, Q, QuerySet, Value, When
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pacesetter.campaigns import selectors as campaigns_selectors
from pacesetter.campaigns.enums import CampaignStatus
from pacesetter.campaigns.models import Campaign, OrgTheme, Step
from pacesetter.campaigns.tallies import subtree_counts
from pacesetter.campaigns.windows import campaigns_covering
from pacesetter.core.errors import NotFoundError, ValidationError
from pacesetter.orgs.enums import ROLE_CAPS, Cap, Sector
from pacesetter.orgs.models import SEGMENT, Organisation, RoleGrant
from pacesetter.orgs.selectors import scope_for, subtree_q

from .enums import PlanAction, PlanProgress, PlanStatus
from .models import Plan, PlanAttachment, PlanDecision
from .rules import can_view_plan


def plan_campaign_list_for(user, *, active_only: bool = True) -> QuerySet[Campaign]:
    """Campaigns that reach into the user's scope (the campaigns app's rule), active ones by default."""
    return campaigns_selectors.campaign_list_for(user, status=CampaignStatus.ACTIVE if active_only else None)


def campaign_get_for(user, pk) -> Campaign:
    """A campaign the user may see that has started (plans are not written for a draft campaign)."""
    campaign = campaigns_selectors.campaign_get_for(user, pk)
    if campaign.status == CampaignStatus.DRAFT:
        raise NotFoundError()
    return campaign


def plan_campaigns_for_org(org: Organisation) -> QuerySet[Campaign]:
    """Active campaigns in which `org` owes a plan: those run by one of its ancestors, nearest first."""
    return campaigns_covering(org).exclude(organisation=org)


def plan_for(*, campaign: Campaign, org: Organisation, step: Step | None = None) -> Plan | None:
    """`org`'s overall plan in `campaign` (step empty), or its plan for `step` (阶段实施方案)."""
    return (
        Plan.objects.select_related("campaign", "organisation", "current_version", "step__stage")
        .filter(campaign=campaign, organisation=org, step=step)
        .first()
    )


def plan_steps(campaign: Campaign) -> list[Step]:
    """The steps of `campaign` for which the office requires a plan, in campaign order."""
    return list(Step.objects.filter(campaign=campaign, plan_required=True).select_related("stage"))


def step_get_for(campaign: Campaign, pk) -> Step:
    """A step of `campaign` that requires a plan, or NotFoundError."""
    step = (
        Step.objects.filter(campaign=campaign, plan_required=True, pk=pk).select_related("stage").first()
        if str(pk).isdigit()
        else None
    )
    if step is None:
        raise NotFoundError()
    return step


def plan_get_for(user, pk) -> Plan:
    plan = (
        Plan.objects.select_related("campaign", "organisation", "current_version", "step__stage")
        .filter(pk=pk)
        .first()
        if str(pk).isdigit()
        else None
    )
    if plan is None or not can_view_plan(user, plan):
        raise NotFoundError()
    return plan


def plan_history(plan: Plan) -> list:
    """Versions, newest first, each with its decisions and frozen attachments (three queries)."""
    return list(
        plan.versions.select_related("submitted_by")
        .prefetch_related("decisions__decided_by", "attachments")
        .order_by("-number")
    )


def plan_last_decision(plan: Plan):
    return plan.decisions.select_related("decided_by").order_by("-decided_at", "-id").first()


def attachment_list(plan: Plan) -> list[PlanAttachment]:
    """The working set of attachments (not yet frozen with a submission)."""
    return list(plan.attachments.filter(version__isnull=True).select_related("uploaded_by"))


def attachment_get_for(user, pk) -> PlanAttachment:
    att = (
        PlanAttachment.objects.select_related("plan__campaign", "plan__organisation").filter(pk=pk).first()
        if str(pk).isdigit()
        else None
    )
    if att is None or not can_view_plan(user, att.plan):
        raise NotFoundError()
    return att


def my_plan_orgs(user) -> QuerySet[Organisation]:
    """The organisations the user holds PLAN_WRITE on directly (the tops of their scope)."""
    return Organisation.objects.filter(
        path__in=scope_for(user, Cap.PLAN_WRITE).roots, is_active=True
    ).order_by("path")


def plan_home_for(user) -> list[dict]:
    """For each organisation the user writes for, each active campaign it owes a plan in, with the plan;
    then one row per step plan (阶段实施方案) the campaign requires, with its own deadline."""
    orgs = list(my_plan_orgs(user).select_related("parent"))
    ancestor_paths = {p for o in orgs for p in o.ancestor_paths}
    campaigns = list(
        Campaign.objects.filter(organisation__path__in=ancestor_paths, status=CampaignStatus.ACTIVE)
        .select_related("organisation__parent")
        .order_by("-starts_on", "-id")
    )
    plans = {
        (p.campaign_id, p.organisation_id, p.step_id): p
        for p in Plan.objects.filter(campaign__in=campaigns, organisation__in=orgs)
    }
    steps: dict[int, list[Step]] = {}
    for step in Step.objects.filter(campaign__in=campaigns, plan_required=True).select_related("stage"):
        steps.setdefault(step.campaign_id, []).append(step)
    return [
        {
            "org": o,
            "campaign": c,
            "step": step,
            "deadline": step.plan_deadline if step else c.plan_deadline,
            "plan": plans.get((c.pk, o.pk, step.pk if step else None)),
        }
        for o in orgs
        for c in campaigns
        if o.path.startswith(c.organisation.path) and o.path != c.organisation.path
        for step in [None, *steps.get(c.pk, [])]
    ]


def _reviewable_q(user, field: str = "organisation") -> Q:
    """Plans whose organisation's parent lies in the user's PLAN_REVIEW scope (strictly below a scope top)."""
    q = Q(pk__in=[])
    for p in scope_for(user, Cap.PLAN_REVIEW).roots:
        q |= Q(**{f"{field}__path__startswith": p, f"{field}__depth__gt": len(p) // SEGMENT - 1})
    return q


def review_queue_for(user, *, campaign: Campaign | None = None) -> QuerySet[Plan]:
    """Plans submitted by organisations below the user's review scope, awaiting a decision, oldest first."""
    qs = Plan.objects.filter(_reviewable_q(user), status=PlanStatus.SUBMITTED)
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    return qs.select_related(
        "campaign", "organisation", "organisation__parent", "current_version__submitted_by", "step"
    ).order_by("submitted_at", "id")


def progress_root_for(
    user, campaign: Campaign, org_id=None, *, cap: str = Cap.PROGRESS_VIEW, sector: str = ""
) -> Organisation:
    """The subtree a plans progress list covers: the one answer of campaigns.selectors.campaign_root_for,
    or with `sector` (a sector line, 条块结合) of campaign_line_root_for."""
    if sector:
        return campaigns_selectors.campaign_line_root_for(user, campaign, org_id, sector, cap=cap)
    return campaigns_selectors.campaign_root_for(user, campaign, org_id, cap=cap)


def progress_line_for(user, requested: str | None) -> str:
    """The sector line a plans progress list shows ("" for the whole subtree); a bad sector is refused."""
    sector = campaigns_selectors.line_sector_for(user, requested)
    if sector and sector not in Sector.values:
        raise ValidationError(str(_("行业无效，请从列表中选择")), field="sector")
    return sector


def _is_overdue(campaign: Campaign, today: datetime.date, step: Step | None = None) -> bool:
    deadline = campaign.plan_deadline if step is None else step.plan_deadline
    return deadline is not None and today > deadline


def org_progress_list(
    *,
    campaign: Campaign,
    root: Organisation,
    progress: str = "",
    today: datetime.date | None = None,
    step: Step | None = None,
    sector: str = "",
) -> QuerySet[Organisation]:
    """Active organisations below the campaign's own in `root`'s subtree (of `sector` only, if given: a
    sector line), each annotated in SQL with
    `plan_id`, `plan_status`, `plan_submitted_at`, `plan_is_late` and `progress` (a PlanProgress value).

    One LEFT JOIN on the campaign's plans; nothing is looped over in Python, so it pages and counts
    over tens of thousands of organisations. `step` set: the plans for that step instead of the overall plan.
    """
    today = today or timezone.localdate()
    late = _is_overdue(campaign, today, step)
    which = Q(plans__campaign_id=campaign.pk) & (
        Q(plans__step__isnull=True) if step is None else Q(plans__step_id=step.pk)
    )
    outstanding = Q(cplan__isnull=True) | Q(cplan__status__in=[PlanStatus.DRAFT, PlanStatus.RETURNED])
    whens = [When(outstanding, then=Value(PlanProgress.OVERDUE))] if late else []
    whens += [When(cplan__isnull=True, then=Value(PlanProgress.NOT_STARTED))]
    qs = (
        Organisation.objects.filter(
            subtree_q(root.path), is_active=True, depth__gt=campaign.organisation.depth
        )
        .annotate(cplan=FilteredRelation("plans", condition=which))
        .annotate(
            parent_name=F("parent__name"),
            plan_id=F("cplan__id"),
            plan_status=F("cplan__status"),
            plan_submitted_at=F("cplan__submitted_at"),
            plan_is_late=F("cplan__is_late"),
            progress=Case(*whens, default=F("cplan__status"), output_field=CharField()),
        )
    )
    if sector:
        qs = qs.filter(sector=sector)
    if progress:
        qs = qs.filter(_progress_is(progress, late, outstanding))
    return qs.order_by("path")


def _progress_is(progress: str, late: bool, outstanding: Q) -> Q:
    """`progress == value` said without the CASE, on the plan's own columns (the same rows).

    The planner cannot see through a CASE (it guesses 0.5 % of the rows match), so it joined and sorted the
    whole subtree for a page of 50: 380 ms at 46,000 organisations, ×2.7 at 460,000. On the columns it
    estimates the share well and walks the path index, stopping after the page: about 2 ms at any size."""
    if progress == PlanProgress.OVERDUE:
        return outstanding if late else Q(pk__in=[])
    if progress == PlanProgress.NOT_STARTED:
        return Q(pk__in=[]) if late else Q(cplan__isnull=True)
    status = Q(cplan__status=progress)
    return status & ~outstanding if late else status


def org_progress_counts(
    *,
    campaign: Campaign,
    root: Organisation,
    today: datetime.date | None = None,
    step: Step | None = None,
    sector: str = "",
) -> dict[str, int]:
    """{PlanProgress value: count} plus "total" over what org_progress_list lists.

    The overall plan's figures come from the roll-up counters (campaigns.tallies: a few rows, whatever the size
    of the subtree); a step's plans, which have no counters, and a root outside the campaign's subtree are
    counted from the rows (org_progress_counts_live, also the oracle of the tests)."""
    if step is not None or not root.path.startswith(campaign.organisation.path):
        return org_progress_counts_live(campaign=campaign, root=root, today=today, step=step, sector=sector)
    late = _is_overdue(campaign, today or timezone.localdate(), None)
    counts = plan_progress_from_counters(subtree_counts(campaign, root, sector), late)
    counts["total"] = sum(counts.values())
    return counts


def plan_progress_from_counters(t: dict[str, int], late: bool) -> dict[str, int]:
    """{PlanProgress value: count} from the plan counters (`plan_<status>`, `plan_none`), overdue decided now as
    org_progress_list does: past the deadline, no plan, a draft and a returned plan are overdue."""
    outstanding = t["plan_none"] + t["plan_draft"] + t["plan_returned"]
    return {
        PlanProgress.NOT_STARTED: 0 if late else t["plan_none"],
        PlanProgress.DRAFT: 0 if late else t["plan_draft"],
        PlanProgress.SUBMITTED: t["plan_submitted"],
        PlanProgress.RETURNED: 0 if late else t["plan_returned"],
        PlanProgress.APPROVED: t["plan_approved"],
        PlanProgress.OVERDUE: outstanding if late else 0,
    }


def org_progress_counts_live(
    *,
    campaign: Campaign,
    root: Organisation,
    today: datetime.date | None = None,
    step: Step | None = None,
    sector: str = "",
) -> dict[str, int]:
    """org_progress_counts from the rows: one GROUP BY over the subtree."""
    rows = (
        org_progress_list(campaign=campaign, root=root, today=today, step=step, sector=sector)
        .order_by()
        .values("progress")
        .annotate(n=Count("id"))
    )
    counts = dict.fromkeys(PlanProgress.values, 0)
    for r in rows:
        counts[r["progress"]] = r["n"]
    counts["total"] = sum(counts.values())
    return counts


def overdue_orgs(
    *, campaign: Campaign, root: Organisation | None = None, today=None, step: Step | None = None
) -> QuerySet[Organisation]:
    """Organisations with no plan submitted or approved after the deadline has passed (none before).

    `step` set: overdue with that step's plan (阶段实施方案), against the step's own deadline."""
    today = today or timezone.localdate()
    if not _is_overdue(campaign, today, step):
        return Organisation.objects.none()
    return org_progress_list(
        campaign=campaign,
        root=root or campaign.organisation,
        progress=PlanProgress.OVERDUE,
        today=today,
        step=step,
    )


def plan_deadline_of(campaign: Campaign, step: Step | None = None) -> datetime.date | None:
    """The deadline of the overall plan (step empty) or of `step`'s plan."""
    return campaign.plan_deadline if step is None else step.plan_deadline


def overdue_step_plans(*, today: datetime.date) -> QuerySet[Step]:
    """Steps of active campaigns whose required plan's deadline has passed (the sweep reminds for each)."""
    return Step.objects.filter(
        plan_required=True, plan_deadline__lt=today, campaign__status=CampaignStatus.ACTIVE
    ).select_related("campaign__organisation", "stage")


def step_plan_counts(*, campaign: Campaign, root: Organisation) -> list[tuple[Step, dict[str, int]]]:
    """For each step plan (阶段实施方案) the campaign requires: {PlanProgress value: count} in `root`'s
    subtree — one GROUP BY query per required step (a campaign requires a handful at most)."""
    return [
        (step, org_progress_counts(campaign=campaign, root=root, step=step)) for step in plan_steps(campaign)
    ]


def plan_summary_rows(*, campaign: Campaign, root: Organisation) -> list[dict]:
    """Every organisation in the subtree with its progress, theme and (submitted/approved) plan text."""
    orgs = list(org_progress_list(campaign=campaign, root=root))
    plan_ids = [o.plan_id for o in orgs if o.plan_status in (PlanStatus.SUBMITTED, PlanStatus.APPROVED)]
    plans = {p.pk: p for p in Plan.objects.filter(pk__in=plan_ids).select_related("current_version")}
    themes = _themes(campaign, orgs)
    return [
        {
            "org": o,
            "theme": themes.get(o.pk, ""),
            "progress": PlanProgress(o.progress),
            "submitted_at": o.plan_submitted_at,
            "is_late": bool(o.plan_is_late),
            "plan": plans.get(o.plan_id),
        }
        for o in orgs
    ]


def _themes(campaign: Campaign, orgs: list[Organisation]) -> dict[int, str]:
    """Each organisation's 争创主题 in the campaign."""
    return dict(
        OrgTheme.objects.filter(campaign=campaign, organisation__in=[o.pk for o in orgs]).values_list(
            "organisation_id", "theme"
        )
    )


def plan_progress_counts(*, campaign: Campaign, root: Organisation) -> dict[tuple[str, str], dict[str, int]]:
    """{(child path, sector): {PlanProgress value: count}} for the organisations below `root`, each counted
    under the child of `root` whose subtree holds it — one GROUP BY query, split by child or by sector in
    Python (a few hundred rows at most, whatever the number of organisations)."""
    qs = (
        org_progress_list(campaign=campaign, root=root)
        .filter(depth__gt=root.depth)
        .order_by()
        .annotate(child=Substr("path", 1, (root.depth + 2) * SEGMENT))
    )
    result: dict[tuple[str, str], dict[str, int]] = {}
    for row in qs.values("child", "sector", "progress").annotate(n=Count("id")):
        counts = result.setdefault((row["child"], row["sector"]), dict.fromkeys(PlanProgress.values, 0))
        counts[row["progress"]] = row["n"]
    return result


def plans_approved_by_month(
    *, campaign: Campaign, root: Organisation, months: int = 24
) -> list[tuple[datetime.date, int]]:
    """Approvals per calendar month (Asia/Shanghai) of the campaign, up to `months` recent months, in one
    query of conditional counts (truncating each row's timestamp is a per-row function call on SQLite)."""
    starts = approval_months(campaign, months)
    if not starts:
        return []
    tz = timezone.get_current_timezone()
    edges = [
        datetime.datetime.combine(d, datetime.time.min, tzinfo=tz)
        for d in [*starts, _add_months(starts[-1], 1)]
    ]
    counts = (
        PlanDecision.objects.filter(
            plan__campaign=campaign, plan__step__isnull=True, decision=PlanAction.APPROVE
        )
        .filter(subtree_q(root.path, "plan__organisation__path"))
        .aggregate(
            **{
                f"m{i}": Count("id", filter=Q(decided_at__gte=edges[i], decided_at__lt=edges[i + 1]))
                for i in range(len(starts))
            }
        )
    )
    return [(d, counts[f"m{i}"]) for i, d in enumerate(starts) if counts[f"m{i}"]]


def approval_months(campaign: Campaign, months: int = 24) -> list[datetime.date]:
    """The first days of the months the timeline shows approvals for: since the campaign's start, up to
    `months` recent months, this month last."""
    today = timezone.localdate()
    first = max(campaign.starts_on.replace(day=1), _add_months(today.replace(day=1), -(months - 1)))
    starts = []
    while first <= today:
        starts.append(first)
        first = _add_months(first, 1)
    return starts


def _add_months(day: datetime.date, n: int) -> datetime.date:
    month = day.month - 1 + n
    return datetime.date(day.year + month // 12, month % 12 + 1, 1)


def plan_reviewers(plan: Plan) -> list:
    """Who must act on a submitted plan (请审核): the users holding a plan-reviewing role on the nearest
    organisation at or above the parent that has any — the parent's secretary when there is one, else the
    next level up, and the office only when nobody below it reviews. One query.

    Everyone above may also review (can_review_plan), but telling them all would send the office one
    notice for every plan in the city.
    """
    parent = plan.organisation.parent
    if parent is None:
        return []
    roles = [role for role, caps in ROLE_CAPS.items() if Cap.PLAN_REVIEW in caps]
    grants = (
        RoleGrant.objects.filter(
            organisation__path__in=[*parent.ancestor_paths, parent.path],
            role__in=roles,
            revoked_at__isnull=True,
            user__is_active=True,
        )
        .select_related("user", "organisation")
        .order_by("-organisation__path", "user_id")
    )
    nearest, users = None, {}
    for g in grants:
        if nearest is not None and g.organisation.path != nearest:
            break
        nearest = g.organisation.path
        users[g.user_id] = g.user
    return list(users.values())
