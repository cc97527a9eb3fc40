"""Commendation endpoints (评选表彰): programmes, nominations with their review, 公示 and the 表彰决定, and the
public honour roll — the same services and selectors as the pages."""

import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status

from pacesetter.campaigns.models import Campaign
from pacesetter.core.errors import NotFoundError, ValidationError
from pacesetter.honours import selectors, services
from pacesetter.honours.models import Category, Nomination, Programme
from pacesetter.honours.rules import parties_for
from pacesetter.massorgs.selectors import mass_org_get_for
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.models import Member
from pacesetter.orgs.selectors import org_get_for

router = Router(tags=["评选表彰 honours"])
LIMIT = 200
MAX_OFFSET = 1_000_000


def _window(offset: int) -> slice:
    start = min(max(offset, 0), MAX_OFFSET)
    return slice(start, start + LIMIT)


class HonourCategoryOut(Schema):
    id: int
    name: str
    subject: str
    quota: int
    rules: list[str]


class ProgrammeOut(Schema):
    id: int
    title: str
    issuer_name: str
    organisation_id: int
    year: int
    status: str
    status_label: str
    nominate_until: datetime.date
    notice_days: int
    notice_starts_on: datetime.date | None
    notice_ends_on: datetime.date | None
    categories: list[HonourCategoryOut]


class ProgrammeIn(Schema):
    campaign_id: int
    organisation_id: int
    title: str
    issuer_name: str
    year: int
    nominate_until: datetime.date
    notice_days: int = 7


class NominationOut(Schema):
    id: int
    category: str
    display_name: str
    gender: str
    org_label: str
    post: str
    summary: str
    nominator: str
    reviewer: str | None
    status: str
    status_label: str
    recommendations: int
    objection: str
    removal_note: str


class NominationIn(Schema):
    category_id: int
    nominator_id: int
    subject_org_id: int | None = None
    subject_member_id: int | None = None
    # groups: a 群团组织 in a collective category (its Party organisation stands in for scope and places)
    subject_mass_org_id: int | None = None
    post: str = ""
    summary: str
    deed: str


class HonourReviewIn(Schema):
    action: str
    comment: str = ""


class HonourDecisionIn(Schema):
    number: str
    title: str = ""


class HonourDecisionOut(Schema):
    id: int
    number: str
    title: str
    supplementary: bool
    issued_on: datetime.date
    honours: int


class HonourOut(Schema):
    certificate_no: str
    year: int
    title: str
    display_name: str
    org_label: str
    programme: str


def _programme(p: Programme) -> dict:
    return {
        "id": p.pk,
        "title": p.title,
        "issuer_name": p.issuer_name,
        "organisation_id": p.organisation_id,
        "year": p.year,
        "status": p.status,
        "status_label": str(p.get_status_display()),
        "nominate_until": p.nominate_until,
        "notice_days": p.notice_days,
        "notice_starts_on": p.notice_starts_on,
        "notice_ends_on": p.notice_ends_on,
        "categories": [
            {"id": c.pk, "name": c.name, "subject": c.subject, "quota": c.quota, "rules": c.rule_texts}
            for c in p.categories.all()
        ],
    }


def _nomination(n: Nomination, objection: str = "") -> dict:
    return {
        "id": n.pk,
        "category": n.category.name,
        "display_name": n.display_name,
        "gender": n.gender,
        "org_label": n.org_label,
        "post": n.post,
        "summary": n.summary,
        "nominator": n.nominator.name,
        "reviewer": n.reviewer.name if n.reviewer_id else None,
        "status": n.status,
        "status_label": str(n.get_status_display()),
        "recommendations": n.recommendations,
        "objection": objection,
        "removal_note": n.removal_note,
    }


@router.get("/honours/programmes", response=list[ProgrammeOut], url_name="honours-programme-list")
def programme_list(request: HttpRequest):
    return [_programme(p) for p in selectors.programme_list_for(request.user)[:LIMIT]]


@router.post("/honours/programmes", response={201: ProgrammeOut}, url_name="honours-programme-list")
def programme_create(request: HttpRequest, payload: ProgrammeIn):
    """Set up a programme with the three usual categories (edit them on the page). 403 without honours.manage
    on the organisation; 422 names the field."""
    org = org_get_for(request.user, payload.organisation_id, cap=Cap.HONOURS_MANAGE)
    campaign = Campaign.objects.filter(pk=payload.campaign_id).first()
    if campaign is None:
        raise ValidationError(_("找不到该活动"), field="campaign_id")
    data = payload.dict(exclude={"campaign_id", "organisation_id"})
    p = services.programme_create(actor=request.user, campaign=campaign, organisation=org, **data)
    return Status(201, _programme(p))


@router.get("/honours/programmes/{int:pk}", response=ProgrammeOut, url_name="honours-programme-detail")
def programme_detail(request: HttpRequest, pk: int):
    return _programme(selectors.programme_get_for(request.user, pk))


@router.get(
    "/honours/programmes/{int:pk}/nominations",
    response=list[NominationOut],
    url_name="honours-nomination-list",
)
def nomination_list(request: HttpRequest, pk: int, status: str = "", offset: int = 0):
    p = selectors.programme_get_for(request.user, pk)
    rows = list(selectors.nomination_list_for(request.user, p, status=status)[_window(offset)])
    objections = services.objections_for([n.pk for n in rows])
    return [_nomination(n, services.objection_state(objections.get(n.pk, []))) for n in rows]


@router.post(
    "/honours/programmes/{int:pk}/nominations",
    response={201: NominationOut},
    url_name="honours-nomination-list",
)
def nomination_create(request: HttpRequest, pk: int, payload: NominationIn):
    """Nominate within the nominator's places (photos go through the page). 422 names the rule that failed:
    over quota, duplicate, outside the nominator's subtree, ineligible."""
    p = selectors.programme_get_for(request.user, pk)
    category = Category.objects.filter(programme=p, pk=payload.category_id).first()
    if category is None:
        raise ValidationError(_("找不到该表彰类别"), field="category_id")
    nominator = org_get_for(request.user, payload.nominator_id, cap=Cap.HONOURS_NOMINATE)
    subject_org = (
        org_get_for(request.user, payload.subject_org_id, cap=Cap.ORG_VIEW)
        if payload.subject_org_id
        else None
    )
    subject_member = None
    if payload.subject_member_id:
        subject_member = (
            Member.objects.select_related("organisation").filter(pk=payload.subject_member_id).first()
        )
        if subject_member is None:
            raise ValidationError(_("找不到该党员"), field="subject_member_id")
    subject_mass_org = (
        mass_org_get_for(request.user, payload.subject_mass_org_id) if payload.subject_mass_org_id else None
    )
    n = services.nomination_create(
        actor=request.user,
        category=category,
        nominator=nominator,
        subject_org=subject_org,
        subject_member=subject_member,
        subject_mass_org=subject_mass_org,
        post=payload.post,
        summary=payload.summary,
        deed=payload.deed,
    )
    return Status(201, _nomination(n))


@router.get("/honours/nominations/{int:pk}", response=NominationOut, url_name="honours-nomination-detail")
def nomination_detail(request: HttpRequest, pk: int):
    n = selectors.nomination_get_for(request.user, pk)
    return _nomination(n, services.objection_state(services.objections_for([n.pk]).get(n.pk, [])))


@router.post(
    "/honours/nominations/{int:pk}/review", response=NominationOut, url_name="honours-nomination-review"
)
def nomination_review(request: HttpRequest, pk: int, payload: HonourReviewIn):
    """approve (up one level; at the office: the final list), return or reject (with a comment)."""
    n = selectors.nomination_get_for(request.user, pk)
    if not parties_for(request.user, n):
        raise NotFoundError()
    n = services.nomination_review(
        actor=request.user, nomination=n, action=payload.action, comment=payload.comment
    )
    return _nomination(n)


@router.post("/honours/programmes/{int:pk}/notice", response=ProgrammeOut, url_name="honours-notice-start")
def notice_start(request: HttpRequest, pk: int):
    p = services.notice_start(actor=request.user, programme=selectors.programme_get_for(request.user, pk))
    return _programme(p)


@router.post(
    "/honours/programmes/{int:pk}/decisions",
    response={201: HonourDecisionOut},
    url_name="honours-decision-issue",
)
def decision_issue(request: HttpRequest, pk: int, payload: HonourDecisionIn):
    """The 表彰决定 for every nominee whose 公示 ended without an open or upheld objection; 409 before the
    period has ended."""
    p = selectors.programme_get_for(request.user, pk)
    d = services.decision_issue(actor=request.user, programme=p, number=payload.number, title=payload.title)
    return Status(
        201,
        {
            "id": d.pk,
            "number": d.number,
            "title": d.title,
            "supplementary": d.supplementary,
            "issued_on": d.issued_on,
            "honours": d.honours.count(),
        },
    )


@router.get("/public/honours", response=list[HonourOut], auth=None, url_name="honours-roll")
def honour_roll(request: HttpRequest, year: int | None = None, offset: int = 0):
    """The honour roll (光荣榜): what the decisions conferred, newest year first."""
    if year is not None and not 2000 <= year <= 2100:
        raise ValidationError(_("年度应为 2000 至 2100 之间的年份"), field="year")
    rows = selectors.honour_roll(year=year)[_window(offset)]
    return [
        {
            "certificate_no": h.certificate_no,
            "year": h.year,
            "title": h.title,
            "display_name": h.display_name,
            "org_label": h.org_label,
            "programme": h.decision.programme.title,
        }
        for h in rows
    ]
