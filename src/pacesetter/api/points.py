"""The points ledger (积分): the same operations as the pages, through the same services and selectors."""

import datetime

from django.http import HttpRequest
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from pacesetter.campaigns.selectors import campaign_get_for
from pacesetter.core.errors import NotFoundError, ValidationError
from pacesetter.core.paging import limit_param, offset_param
from pacesetter.orgs.enums import Sector
from pacesetter.orgs.selectors import member_for_user, org_get_for
from pacesetter.points import selectors, services

from ._common import fields_from
from .schemas import ActionIn

router = Router(tags=["积分 points"])


class PointPeriodIn(Schema):
    campaign_id: int
    year: int


class PointPeriodOut(Schema):
    id: int
    campaign_id: int
    campaign_name: str
    year: int
    status: str


class PointActionIn(ActionIn):
    pass


class PointSweepOut(Schema):
    written: int


class PointRuleIn(Schema):
    """Numbers may come as text (from a spreadsheet): a value that does not parse is refused naming its field."""

    period_id: int
    name: str
    event_type: str
    points: int | str
    cap: int | str | None = None
    once_only: bool = False
    manual_by: str = "nobody"
    claimable: bool = False


class PointRulePatch(Schema):
    name: str | None = None
    event_type: str | None = None
    points: int | str | None = None
    cap: int | str | None = None
    once_only: bool | None = None
    manual_by: str | None = None
    claimable: bool | None = None


class PointRuleOut(Schema):
    id: int
    period_id: int
    name: str
    event_type: str
    points: int
    cap: int | None
    once_only: bool
    manual_by: str
    claimable: bool
    status: str


class PointEntryOut(Schema):
    id: int
    rule_id: int
    rule_name: str
    points: int
    source: str
    event_type: str
    event_id: int | None
    link: str
    reason: str
    occurred_on: datetime.date


class PointAccountOut(Schema):
    member_id: int
    member_name: str
    period_id: int
    total: int
    entries: list[PointEntryOut]
    has_more: bool


class PointAwardIn(Schema):
    rule_id: int
    member_id: int
    reason: str
    points: int | str | None = None
    occurred_on: datetime.date | None = None


class PointClaimOut(Schema):
    id: int
    rule_id: int
    rule_name: str
    member_id: int
    member_name: str
    text: str
    occurred_on: datetime.date
    has_evidence: bool
    status: str
    comment: str


class PointMemberRankOut(Schema):
    rank: int
    tied: bool
    member_id: int
    name: str
    points: int


class PointMemberStandingOut(Schema):
    organisation_id: int
    period_id: int
    sample: int
    ties: int
    rows: list[PointMemberRankOut]


class PointOrgRankOut(Schema):
    rank: int
    tied: bool
    organisation_id: int
    name: str
    member_count: int
    points: int
    per_member: float


class PointOrgStandingOut(Schema):
    organisation_id: int
    period_id: int
    sector: str
    depth: int
    sample: int
    ties: int
    rows: list[PointOrgRankOut]


def _period_out(p) -> dict:
    return fields_from(p, PointPeriodOut, campaign_name=p.campaign.name)


def _rule_out(r) -> dict:
    return fields_from(r, PointRuleOut)


def _claim_out(c) -> dict:
    return fields_from(
        c, PointClaimOut, rule_name=c.rule.name, member_name=c.member.name, has_evidence=bool(c.evidence)
    )


def _period_or_current(request, period_id, member=None):
    if period_id is not None:
        return selectors.period_get_for(request.user, period_id)
    period = selectors.current_period_for(request.user, member)
    if period is None:
        raise NotFoundError()
    return period


@router.get("/point-periods", response=list[PointPeriodOut], url_name="point-periods")
def period_list(request: HttpRequest):
    return [_period_out(p) for p in selectors.period_list_for(request.user)[:200]]


@router.post("/point-periods", response={201: PointPeriodOut}, url_name="point-periods")
def period_create(request: HttpRequest, data: PointPeriodIn):
    campaign = campaign_get_for(request.user, data.campaign_id)
    return Status(
        201, _period_out(services.period_create(actor=request.user, campaign=campaign, year=data.year))
    )


@router.post("/point-periods/{pk}/transitions", response=PointPeriodOut, url_name="point-period-transition")
def period_transition(request: HttpRequest, pk: int, data: PointActionIn):
    period = selectors.period_get_for(request.user, pk, manage=True)
    return _period_out(services.period_transition(actor=request.user, period=period, action=data.action))


@router.post("/point-periods/{pk}/sweep", response=PointSweepOut, url_name="point-period-sweep")
def period_sweep(request: HttpRequest, pk: int):
    """Write the automatic points of events not yet written (the same idempotent sweep the worker runs)."""
    period = selectors.period_get_for(request.user, pk, manage=True)
    return {"written": services.points_sweep(period=period, actor=request.user)}


@router.get("/point-rules", response=list[PointRuleOut], url_name="point-rules")
def rule_list(request: HttpRequest, period_id: int):
    return [_rule_out(r) for r in selectors.rule_list(selectors.period_get_for(request.user, period_id))]


@router.post("/point-rules", response={201: PointRuleOut}, url_name="point-rules")
def rule_create(request: HttpRequest, data: PointRuleIn):
    period = selectors.period_get_for(request.user, data.period_id, manage=True)
    rule = services.rule_create(actor=request.user, period=period, **data.dict(exclude={"period_id"}))
    return Status(201, _rule_out(rule))


@router.patch("/point-rules/{pk}", response=PointRuleOut, url_name="point-rule")
def rule_update(request: HttpRequest, pk: int, data: PointRulePatch):
    rule = selectors.rule_get_for(request.user, pk, manage=True)
    changes = data.dict(exclude_unset=True)
    return _rule_out(services.rule_update(actor=request.user, rule=rule, **changes))


@router.post("/point-rules/{pk}/transitions", response=PointRuleOut, url_name="point-rule-transition")
def rule_transition(request: HttpRequest, pk: int, data: PointActionIn):
    rule = selectors.rule_get_for(request.user, pk, manage=True)
    return _rule_out(services.rule_transition(actor=request.user, rule=rule, action=data.action))


@router.get("/point-account", response=PointAccountOut, url_name="point-account")
def account(
    request: HttpRequest,
    member_id: int | None = None,
    period_id: int | None = None,
    limit: int = limit_param(100, 500),
    offset: int = offset_param(),
):
    """A member's account (default: the caller's own) in a period (default: the current one)."""
    if member_id is None:
        member = member_for_user(request.user)
        if member is None:
            raise ValidationError("您的账号没有关联党员信息，请提供 member_id", field="member_id")
    else:
        member = selectors.account_member_get_for(request.user, member_id)
    period = _period_or_current(request, period_id, member)
    a = selectors.account_for(member, period, limit=limit, offset=offset)
    return {
        "member_id": member.pk,
        "member_name": member.name,
        "period_id": period.pk,
        "total": a.total,
        "has_more": a.has_more,
        "entries": [_entry(e) for e in a.entries],
    }


def _entry(e) -> dict:
    return fields_from(e, PointEntryOut, rule_name=e.rule.name)


@router.post("/point-awards", response={201: PointEntryOut}, url_name="point-awards")
def award(request: HttpRequest, data: PointAwardIn):
    """A manual award or deduction with its reason; refused (422, field named) over the cap or without reason."""
    rule = selectors.rule_get_for(request.user, data.rule_id)
    member = selectors.account_member_get_for(request.user, data.member_id)
    e = services.points_award(
        actor=request.user, rule=rule, member=member, **data.dict(exclude={"rule_id", "member_id"})
    )
    return Status(201, _entry(e))


@router.get("/point-claims", response=list[PointClaimOut], url_name="point-claims")
def claim_list(request: HttpRequest, mine: bool = False, status: str = ""):
    """mine=true: the caller's own claims; else the claims the caller may decide."""
    return [
        _claim_out(c) for c in selectors.claim_list_for(request.user, mine=mine, status=status or None)[:200]
    ]


@router.post("/point-claims", response={201: PointClaimOut}, url_name="point-claims")
def claim_file(
    request: HttpRequest,
    rule_id: Form[int],
    text: Form[str],
    occurred_on: Form[datetime.date | None] = None,
    evidence: UploadedFile | None = File(None),  # noqa: B008 (django-ninja's way to declare a file part)
):
    """Multipart: rule_id, text, occurred_on, and optionally `evidence` (a photo, PDF or Office file)."""
    rule = selectors.rule_get_for(request.user, rule_id)
    claim = services.claim_file(
        actor=request.user, rule=rule, text=text, occurred_on=occurred_on, evidence=evidence
    )
    return Status(201, _claim_out(claim))


@router.post("/point-claims/{pk}/transitions", response=PointClaimOut, url_name="point-claim-transition")
def claim_transition(request: HttpRequest, pk: int, data: PointActionIn):
    """approve / return (comment required) by the branch; resubmit by the member."""
    claim = selectors.claim_get_for(request.user, pk)
    return _claim_out(
        services.claim_transition(actor=request.user, claim=claim, action=data.action, comment=data.comment)
    )


@router.get("/point-standings/members", response=PointMemberStandingOut, url_name="point-member-standing")
def member_standing(request: HttpRequest, org_id: int, period_id: int | None = None):
    org = org_get_for(request.user, org_id)
    period = _period_or_current(request, period_id)
    s = selectors.member_standing(org, period)
    return {
        "organisation_id": org.pk,
        "period_id": period.pk,
        "sample": s.sample,
        "ties": s.ties,
        "rows": [
            {"rank": m.rank, "tied": m.tied, "member_id": m.pk, "name": m.name, "points": m.points}
            for m in s.rows
        ],
    }


class PointOrgStandingFilter(Schema):
    org_id: int
    period_id: int | None = None
    sector: Sector | None = None
    depth: int | None = None


@router.get("/point-standings/orgs", response=PointOrgStandingOut, url_name="point-org-standing")
def org_standing(
    request: HttpRequest,
    filters: Query[PointOrgStandingFilter],
    limit: int = limit_param(100, 1000),
    offset: int = offset_param(),
):
    """Organisations of one level (depth; default the level below org) in org's subtree, ranked per member.

    One page (`offset`, `limit`) of the ranking of the whole sample: ranks and ties are over all `sample`
    organisations, so a page may start with a rank shared with the page before."""
    org = org_get_for(request.user, filters.org_id)
    period = _period_or_current(request, filters.period_id)
    depth = filters.depth if filters.depth is not None else org.depth + 1
    if not org.depth < depth <= org.depth + 20:
        raise ValidationError("depth 应大于所选组织的层级", field="depth")
    s = selectors.org_standing(
        org, period, sector=filters.sector or "", depth=depth, limit=limit, offset=offset
    )
    return {
        "organisation_id": org.pk,
        "period_id": period.pk,
        "sector": filters.sector or "",
        "depth": depth,
        "sample": s.sample,
        "ties": s.ties,
        "rows": [
            {
                "rank": r.rank,
                "tied": r.tied,
                "organisation_id": r.id,
                "name": r.name,
                "member_count": r.member_count,
                "points": r.points,
                "per_member": r.per_member,
            }
            for r in s.rows
        ],
    }
