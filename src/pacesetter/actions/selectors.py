"""Reads for required and optional actions: one organisation's checklist, what is missing in a subtree, the
optional actions the office marked. Satisfaction is computed, never stored: a required action is done when a
linked record — or, where the action maps to a record kind, any record of that kind — of the organisation is
dated inside the step's window and the parent has not rejected it."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from pacesetter.campaigns import selectors as campaigns_selectors
from pacesetter.campaigns.models import Campaign, Step
from pacesetter.campaigns.windows import campaigns_covering
from pacesetter.core.errors import NotFoundError
from pacesetter.core.lookup import get_or_not_found
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.models import Organisation
from pacesetter.orgs.selectors import org_in_scope, subtree_q
from pacesetter.records.models import ActivityRecord

from .enums import ActionState, Highlight, LinkStatus
from .models import ActionLink, OptionalAction, RequiredAction


def step_dates(step: Step) -> tuple[datetime.date, datetime.date]:
    """The step's window as local calendar days: a record dated on either end day counts."""
    return timezone.localdate(step.opens_at), timezone.localdate(step.closes_at)


def required_action_list(campaign: Campaign) -> list[RequiredAction]:
    return list(RequiredAction.objects.filter(campaign=campaign).select_related("step__stage"))


def required_action_get_for(user, pk, *, cap: str = Cap.CAMPAIGN_VIEW) -> RequiredAction:
    action = get_or_not_found(
        RequiredAction.objects.select_related("campaign__organisation", "step__stage"), pk
    )
    campaigns_selectors.campaign_get_for(user, action.campaign_id, cap=cap)
    return action


def link_get_for(user, pk) -> ActionLink:
    link = get_or_not_found(
        ActionLink.objects.select_related("action__step", "action__campaign", "organisation", "record"), pk
    )
    if not org_in_scope(user, link.organisation, Cap.CAMPAIGN_VIEW):
        raise NotFoundError()
    return link


def optional_get_for(user, pk) -> OptionalAction:
    opt = get_or_not_found(
        OptionalAction.objects.select_related("campaign__organisation", "organisation", "record"), pk
    )
    if not org_in_scope(user, opt.organisation, Cap.CAMPAIGN_VIEW):
        raise NotFoundError()
    return opt


def action_campaigns_for_org(org: Organisation) -> QuerySet[Campaign]:
    """Active campaigns whose required actions `org` owes: those run by one of its ancestors, nearest first."""
    return campaigns_covering(org).exclude(organisation=org)


@dataclass
class ChecklistRow:
    action: RequiredAction
    state: str
    opens_on: datetime.date
    closes_on: datetime.date
    evidence: ActivityRecord | None = None
    evidence_link: ActionLink | None = None  # None for an auto-detected record nobody has rejected
    rejected: list[ActionLink] = field(default_factory=list)
    candidates: list[ActivityRecord] = field(default_factory=list)

    @property
    def state_label(self) -> str:
        return str(ActionState(self.state).label)


def _state(step: Step, satisfied: bool, now: datetime.datetime) -> str:
    if satisfied:
        return ActionState.DONE
    if now < step.opens_at:
        return ActionState.UPCOMING
    if now <= step.closes_at:
        return ActionState.PENDING
    return ActionState.MISSING


def checklist_for(
    *, campaign: Campaign, org: Organisation, now: datetime.datetime | None = None
) -> list[ChecklistRow]:
    """Each required action of `campaign` for `org`: its state, the evidence that satisfies it, rejected links,
    and the organisation's records inside the window that could be linked. Three queries."""
    now = now or timezone.now()
    actions = required_action_list(campaign)
    if not actions:
        return []
    first = min(step_dates(a.step)[0] for a in actions)
    last = max(step_dates(a.step)[1] for a in actions)
    records = list(
        ActivityRecord.objects.filter(
            organisation=org, is_deleted=False, occurred_on__gte=first, occurred_on__lte=last
        ).order_by("occurred_on", "id")
    )
    links = list(
        ActionLink.objects.filter(action__campaign=campaign, organisation=org)
        .select_related("record", "decided_by")
        .order_by("linked_at", "id")
    )
    rows = []
    for action in actions:
        opens_on, closes_on = step_dates(action.step)

        def inside(r: ActivityRecord, lo=opens_on, hi=closes_on) -> bool:
            return not r.is_deleted and lo <= r.occurred_on <= hi

        mine = [lk for lk in links if lk.action_id == action.pk]
        rejected_ids = {lk.record_id for lk in mine if lk.status == LinkStatus.REJECTED}
        row = ChecklistRow(action=action, state="", opens_on=opens_on, closes_on=closes_on)
        row.rejected = [lk for lk in mine if lk.status == LinkStatus.REJECTED]
        manual = [lk for lk in mine if lk.status == LinkStatus.LINKED and inside(lk.record)]
        if manual:
            row.evidence, row.evidence_link = manual[0].record, manual[0]
        elif action.record_kind:
            auto = [
                r for r in records if r.kind == action.record_kind and inside(r) and r.pk not in rejected_ids
            ]
            if auto:
                row.evidence = auto[0]
        linked_ids = {lk.record_id for lk in mine}
        row.candidates = [r for r in records if inside(r) and r.pk not in linked_ids]
        row.state = _state(action.step, row.evidence is not None, now)
        rows.append(row)
    return rows


def satisfied_q(action: RequiredAction, field: str = "pk") -> Q:
    """Organisations (or rows whose `field` is an organisation id) for which `action` is satisfied."""
    opens_on, closes_on = step_dates(action.step)
    in_window = Q(
        record__is_deleted=False, record__occurred_on__gte=opens_on, record__occurred_on__lte=closes_on
    )
    manual = ActionLink.objects.filter(
        in_window, action=action, organisation_id=OuterRef(field), status=LinkStatus.LINKED
    )
    q = Q(Exists(manual))
    if action.record_kind:
        rejected = ActionLink.objects.filter(
            action=action, record_id=OuterRef("pk"), status=LinkStatus.REJECTED
        )
        auto = ActivityRecord.objects.filter(
            organisation_id=OuterRef(field),
            kind=action.record_kind,
            is_deleted=False,
            occurred_on__gte=opens_on,
            occurred_on__lte=closes_on,
        ).exclude(Exists(rejected))
        q |= Q(Exists(auto))
    return q


def _owing(campaign: Campaign, root: Organisation) -> QuerySet[Organisation]:
    """The organisations that owe the campaign's required actions inside `root`'s subtree."""
    return Organisation.objects.filter(
        subtree_q(root.path), is_active=True, depth__gt=campaign.organisation.depth
    )


@dataclass
class MissingCount:
    action: RequiredAction
    state: str  # MISSING once the step has closed, PENDING while open
    not_done: int
    total: int


def missing_counts(
    *, campaign: Campaign, root: Organisation, now: datetime.datetime | None = None
) -> list[MissingCount]:
    """For each required action whose step has opened: how many organisations in `root`'s subtree have not
    done it (缺项 once closed, 待完成 while open). One COUNT per action."""
    now = now or timezone.now()
    opened = [a for a in required_action_list(campaign) if now >= a.step.opens_at]
    if not opened:
        return []
    owing = _owing(campaign, root)
    total = owing.count()
    result = []
    for action in opened:
        not_done = owing.exclude(satisfied_q(action)).count()
        state = ActionState.PENDING if now <= action.step.closes_at else ActionState.MISSING
        result.append(MissingCount(action=action, state=state, not_done=not_done, total=total))
    return result


def missing_orgs(
    *, campaign: Campaign, root: Organisation, now: datetime.datetime | None = None, limit: int = 20
) -> list[tuple[str, list[str]]]:
    """(organisation name, [required actions it missed]) for steps already closed, in tree order — the 通报
    draft's list. One query per closed action, at most `limit` organisations each."""
    now = now or timezone.now()
    owing = _owing(campaign, root)
    missed: dict[str, tuple[str, list[str]]] = {}
    for action in required_action_list(campaign):
        if now <= action.step.closes_at:
            continue
        for path, name in (
            owing.exclude(satisfied_q(action)).order_by("path").values_list("path", "name")[:limit]
        ):
            missed.setdefault(path, (name, []))[1].append(action.name)
    return [missed[p] for p in sorted(missed)][:limit]


def optional_list(
    *,
    campaign: Campaign,
    org: Organisation | None = None,
    root: Organisation | None = None,
    marked: bool = False,
) -> QuerySet[OptionalAction]:
    qs = OptionalAction.objects.filter(campaign=campaign).select_related("organisation__parent", "record")
    if org is not None:
        qs = qs.filter(organisation=org)
    if root is not None:
        qs = qs.filter(subtree_q(root.path, "organisation__path"))
    if marked:
        qs = qs.exclude(highlight=Highlight.NONE)
    return qs


def record_of_org(org: Organisation, pk) -> ActivityRecord | None:
    """One of `org`'s own records by id (None when the id is not one), for a link form."""
    if not str(pk).isdigit() or len(str(pk)) > 18:
        return None
    return ActivityRecord.objects.filter(pk=pk, organisation=org, is_deleted=False).first()


def recent_records(org: Organisation, limit: int = 50) -> list[ActivityRecord]:
    """`org`'s latest records, the choices of an optional action's evidence."""
    return list(
        ActivityRecord.objects.filter(organisation=org, is_deleted=False).order_by("-occurred_on", "-id")[
            :limit
        ]
    )
