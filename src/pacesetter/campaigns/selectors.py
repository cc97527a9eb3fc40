"""Reads of campaigns scoped to the caller: a campaign is visible to whoever holds campaign.view anywhere
in the subtree it covers (or above it); its organisation pages only for organisations in the caller's scope."""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from pacesetter.core.errors import NotFoundError
from pacesetter.core.lookup import get_or_not_found
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.models import Liaison, Member, Organisation, path_chain
from pacesetter.orgs.selectors import org_get_for, org_in_scope, scope_for, scope_q, subtree_q

from .enums import DEFAULT_THEMES, POSITION_BODY, CampaignStatus, GroupBody, StepCapability
from .models import (
    Campaign,
    CriteriaIndicator,
    CriteriaItem,
    CriteriaSet,
    GroupMember,
    Milestone,
    OrgTheme,
    Pairing,
    PairingNote,
    Stage,
    Step,
    StepExtension,
)


def _campaign_q(user, cap: str = Cap.CAMPAIGN_VIEW) -> Q:
    """Campaigns run by an ancestor of (or the same as) a scope root or a sector line's top, or inside the
    scope (a sector line: by an organisation of its sector)."""
    scope = scope_for(user, cap)
    if not scope:
        return Q(pk__in=[])
    paths = [*scope.roots, *(path for path, _sector in scope.lines)]
    above = {p for path in paths for p in path_chain(path)}
    return Q(organisation__path__in=sorted(above)) | scope.q("organisation__path")


def campaign_list_for(
    user, *, status: str | None = None, org: Organisation | None = None
) -> QuerySet[Campaign]:
    """Campaigns the user may see, newest first; `org`: only those covering that organisation."""
    qs = Campaign.objects.filter(_campaign_q(user)).select_related("organisation")
    if status:
        qs = qs.filter(status=status)
    if org is not None:
        qs = qs.filter(organisation__path__in=path_chain(org.path))
    return qs.order_by("-starts_on", "-id")


def campaign_get_for(user, pk, *, cap: str = Cap.CAMPAIGN_VIEW) -> Campaign:
    """A campaign the user may see (cap=campaign.view) or manage (cap=campaign.manage); else 404."""
    campaign = (
        Campaign.objects.select_related("organisation", "created_by").filter(pk=pk).first()
        if str(pk).isdigit()
        else None
    )
    if campaign is None:
        raise NotFoundError()
    if cap == Cap.CAMPAIGN_VIEW:
        if not Campaign.objects.filter(_campaign_q(user), pk=campaign.pk).exists():
            raise NotFoundError()
    elif not org_in_scope(user, campaign.organisation, cap):
        raise NotFoundError()
    return campaign


def can_manage_campaign(user, campaign: Campaign) -> bool:
    return org_in_scope(user, campaign.organisation, Cap.CAMPAIGN_MANAGE)


def _get_child(user, qs, pk, campaign_of, cap):
    obj = get_or_not_found(qs, pk)
    campaign_get_for(user, campaign_of(obj).pk, cap=cap)
    return obj


def stage_get_for(user, pk, *, cap: str = Cap.CAMPAIGN_MANAGE) -> Stage:
    return _get_child(
        user, Stage.objects.select_related("campaign__organisation"), pk, lambda s: s.campaign, cap
    )


def milestone_get_for(user, pk, *, cap: str = Cap.CAMPAIGN_MANAGE) -> Milestone:
    return _get_child(
        user,
        Milestone.objects.select_related("stage__campaign__organisation"),
        pk,
        lambda m: m.stage.campaign,
        cap,
    )


def step_get_for(user, pk, *, cap: str = Cap.CAMPAIGN_MANAGE) -> Step:
    return _get_child(
        user, Step.objects.select_related("campaign__organisation", "stage"), pk, lambda s: s.campaign, cap
    )


def criteria_set_get_for(user, pk, *, cap: str = Cap.CAMPAIGN_VIEW) -> CriteriaSet:
    return _get_child(
        user, CriteriaSet.objects.select_related("campaign__organisation"), pk, lambda c: c.campaign, cap
    )


def campaign_org_get_for(user, campaign: Campaign, org_id, *, cap: str = Cap.CAMPAIGN_VIEW) -> Organisation:
    """An organisation covered by `campaign` and inside the user's scope for `cap`; else 404."""
    org = (
        Organisation.objects.select_related("parent").filter(pk=org_id).first()
        if str(org_id).isdigit()
        else None
    )
    if org is None or not org.is_within(campaign.organisation) or not org_in_scope(user, org, cap):
        raise NotFoundError()
    return org


def manage_root_for(user) -> Organisation | None:
    """The top organisation the user may run campaigns for (the default for a new campaign)."""
    paths = scope_for(user, Cap.CAMPAIGN_MANAGE).roots
    return Organisation.objects.filter(path__in=paths).order_by("depth", "path").first() if paths else None


def home_org_for(user, campaign: Campaign) -> Organisation | None:
    """The organisation the user acts for in this campaign: the top of their scope inside it."""
    paths = scope_for(user, Cap.CAMPAIGN_VIEW).roots
    root = campaign.organisation.path
    if any(root.startswith(p) for p in paths):
        return campaign.organisation
    inside = sorted((p for p in paths if p.startswith(root)), key=lambda p: (len(p), p))
    if not inside:
        return None
    return Organisation.objects.filter(path=inside[0]).first()


# ---------------------------------------------------------------- the campaign page


@dataclass
class StepState:
    """A step as one organisation sees it: `state` open / upcoming / closed, with its own close time."""

    step: Step
    state: str
    opens_at: datetime.datetime
    closes_at: datetime.datetime  # including an extension on the organisation or an ancestor
    extended: bool
    extensions: list[StepExtension]

    @property
    def capability_labels(self) -> list[str]:
        return [str(StepCapability(c).label) for c in self.step.capabilities if c in StepCapability.values]


def step_state(step: Step, *, extensions: list[StepExtension], org: Organisation | None, at) -> StepState:
    """Per-step view of the same rule windows.step_window_for applies per capability."""
    paths = set(path_chain(org.path)) if org is not None else set()
    mine = [e.closes_at for e in extensions if e.organisation.path in paths]
    closes = max([step.closes_at, *mine])
    if step.campaign.status != CampaignStatus.ACTIVE:
        state = "inactive"
    elif at < step.opens_at:
        state = "upcoming"
    elif at < closes:
        state = "open"
    else:
        state = "closed"
    return StepState(step, state, step.opens_at, closes, closes > step.closes_at, extensions)


def campaign_stages(campaign: Campaign, *, org: Organisation | None = None, at=None) -> list[Stage]:
    """Stages with `milestone_list` and `step_states` (open/upcoming/closed for `org`); four queries."""
    at = at or timezone.now()
    stages = list(
        Stage.objects.filter(campaign=campaign)
        .prefetch_related(
            "milestones",
            Prefetch(
                "steps",
                queryset=Step.objects.order_by("opens_at", "id").prefetch_related(
                    Prefetch(
                        "extensions",
                        queryset=StepExtension.objects.select_related("organisation").order_by(
                            "organisation__path"
                        ),
                    )
                ),
            ),
        )
        .order_by("order", "starts_on")
    )
    for stage in stages:
        stage.milestone_list = list(stage.milestones.all())
        steps = list(stage.steps.all())
        for s in steps:
            s.campaign = campaign
        stage.step_states = [
            step_state(s, extensions=list(s.extensions.all()), org=org, at=at) for s in steps
        ]
    return stages


def campaign_root_for(user, campaign: Campaign, org_id=None, *, cap: str = Cap.PROGRESS_VIEW) -> Organisation:
    """The subtree a progress page of `campaign` covers — one answer for the dashboard, plans and the API.

    `org_id` given: that organisation if it is in the user's scope (else 404) and inside the campaign; an
    organisation above the campaign's falls back to the campaign's own; one beside it is 404.
    Not given: the user's first scope root (by path) inside the campaign, else the campaign's organisation
    when the user's scope covers it, else 404.
    """
    if org_id:
        org = org_get_for(user, org_id, cap=cap)
        if org.path.startswith(campaign.organisation.path):
            return org
        if campaign.organisation.path.startswith(org.path):
            return campaign.organisation
        raise NotFoundError()
    for p in sorted(scope_for(user, cap).roots):
        if p.startswith(campaign.organisation.path):
            return Organisation.objects.get(path=p)
        if campaign.organisation.path.startswith(p):
            return campaign.organisation
    raise NotFoundError()


def campaign_line_root_for(user, campaign: Campaign, org_id, sector: str, *, cap: str = Cap.PROGRESS_VIEW):
    """The root of a sector line's (条块结合) progress page of `campaign` — one answer for the dashboard and
    the plans list: the organisation asked for (or the top of the user's scope inside the campaign), which
    the user must cover for `sector` — a whole subtree holding it, a line of that sector whose top it is,
    or, below such a top, an organisation of the sector or one holding some (a district with schools, so
    the line can be drilled down to them). Else NotFoundError."""
    scope = scope_for(user, cap)
    tops = [*scope.roots, *(p for p, s in scope.lines if s == sector)]
    if org_id:
        org = Organisation.objects.filter(pk=org_id).first() if str(org_id).isdigit() else None
        if org is None or not org.is_within(campaign.organisation):
            raise NotFoundError()
    else:
        inside = sorted((p for p in tops if p.startswith(campaign.organisation.path)), key=len)
        if any(campaign.organisation.path.startswith(p) for p in tops) or not inside:
            org = campaign.organisation
        else:
            org = Organisation.objects.get(path=inside[0])
    lines = [p for p, s in scope.lines if s == sector]
    if not (
        any(org.path.startswith(p) for p in scope.roots)
        or org.path in lines
        or (any(org.path.startswith(p) for p in lines) and _holds_sector(org, sector))
    ):
        raise NotFoundError()
    return org


def _holds_sector(org: Organisation, sector: str) -> bool:
    """`org` is of `sector` or has an active organisation of it below (one indexed range probe)."""
    return (
        org.sector == sector
        or Organisation.objects.filter(subtree_q(org.path), sector=sector, is_active=True).exists()
    )


def line_sector_for(user, requested: str | None, *, cap: str = Cap.PROGRESS_VIEW) -> str:
    """The sector line a progress page shows: the one asked for, else — for a user who follows a sector line
    and no whole subtree — their line; "" for the ordinary subtree page."""
    scope = scope_for(user, cap)
    if not requested and not scope.roots and scope.lines:
        return scope.lines[0][1]
    return requested or ""


# ---------------------------------------------------------------- criteria


def criteria_sets_for(campaign: Campaign) -> list[CriteriaSet]:
    """The campaign's criteria sets with items and indicators (three queries)."""
    return list(
        CriteriaSet.objects.filter(campaign=campaign)
        .prefetch_related(
            Prefetch(
                "items",
                queryset=CriteriaItem.objects.order_by("order", "id").prefetch_related(
                    Prefetch("indicators", queryset=CriteriaIndicator.objects.order_by("order", "id"))
                ),
            )
        )
        .order_by("order", "id")
    )


def criteria_items(criteria_set: CriteriaSet) -> list[CriteriaItem]:
    return list(criteria_set.items.prefetch_related("indicators").order_by("order", "id"))


# ---------------------------------------------------------------- an organisation in a campaign


@dataclass
class ThemeView:
    theme: str
    carriers: list[str]
    is_default: bool
    row: OrgTheme | None


def org_theme_for(campaign: Campaign, org: Organisation) -> ThemeView:
    """The organisation's own theme, or the sector's default theme proposed (分类指导)."""
    row = OrgTheme.objects.select_related("updated_by").filter(campaign=campaign, organisation=org).first()
    if row is not None:
        return ThemeView(row.theme, list(row.carriers), False, row)
    return ThemeView(DEFAULT_THEMES.get(org.sector, ""), [], True, None)


def group_members_for(campaign: Campaign, org: Organisation) -> dict[str, list[GroupMember]]:
    """{"group": [...], "office": [...]} in the organisation's order."""
    rows = list(
        GroupMember.objects.filter(campaign=campaign, organisation=org)
        .select_related("member")
        .order_by("order", "id")
    )
    result: dict[str, list[GroupMember]] = {GroupBody.LEADING_GROUP: [], GroupBody.OFFICE: []}
    for r in rows:
        result[POSITION_BODY[r.position]].append(r)
    return result


def group_member_rows(campaign: Campaign, org: Organisation) -> list[GroupMember]:
    return list(GroupMember.objects.filter(campaign=campaign, organisation=org).order_by("order", "id"))


def group_member_choices(org: Organisation, *, limit: int = 500) -> list[Member]:
    """Members the organisation may link a group row to (its own roster)."""
    return list(Member.objects.filter(organisation=org, is_active=True).order_by("name", "id")[:limit])


def liaison_leaders_for(org: Organisation) -> list[Liaison]:
    """Leaders whose liaison organisation (联系点) is `org`."""
    return list(
        Liaison.objects.filter(organisation=org).select_related("leader").order_by("created_at", "id")
    )


def pairing_list_for(
    user,
    *,
    campaign: Campaign,
    org: Organisation | None = None,
    kind: str | None = None,
) -> QuerySet[Pairing]:
    """Pairings in `campaign` where either side is in the user's scope; `org`: either side in its subtree."""
    qs = Pairing.objects.filter(campaign=campaign).filter(
        scope_q(user, Cap.CAMPAIGN_VIEW, field="helper__path")
        | scope_q(user, Cap.CAMPAIGN_VIEW, field="helped__path")
    )
    if org is not None:
        qs = qs.filter(Q(helper__path__startswith=org.path) | Q(helped__path__startswith=org.path))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.select_related("helper", "helped").order_by("-started_on", "-id")


def pairings_of_org(user, *, campaign: Campaign, org: Organisation, limit: int = 50) -> list[Pairing]:
    """Pairings in which `org` itself is the helper or the helped organisation."""
    qs = pairing_list_for(user, campaign=campaign).filter(Q(helper=org) | Q(helped=org))
    return list(qs[:limit])


def pairing_get_for(user, pk) -> Pairing:
    pairing = (
        Pairing.objects.select_related("campaign__organisation", "helper", "helped").filter(pk=pk).first()
        if str(pk).isdigit()
        else None
    )
    if pairing is None or not (
        org_in_scope(user, pairing.helper, Cap.CAMPAIGN_VIEW)
        or org_in_scope(user, pairing.helped, Cap.CAMPAIGN_VIEW)
    ):
        raise NotFoundError()
    return pairing


def can_note_pairing(user, pairing: Pairing) -> bool:
    return org_in_scope(user, pairing.helper, Cap.PLAN_WRITE) or org_in_scope(
        user, pairing.helped, Cap.PLAN_WRITE
    )


def pairing_notes(pairing: Pairing) -> QuerySet[PairingNote]:
    return pairing.notes.select_related("author").order_by("-date", "-id")
