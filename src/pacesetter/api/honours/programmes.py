"""Programmes (评选表彰): listed, set up with their categories and quotas, and opened for nominations."""

import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.responses import Status

from pacesetter.campaigns.models import Campaign
from pacesetter.core.errors import NotFoundError, ValidationError
from pacesetter.honours import selectors, services
from pacesetter.honours.models import Category, Programme
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.selectors import org_get_for

from .._common import fields_from
from ._common import LIMIT
from ._router import router


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


class HonourCategoryIn(Schema):
    name: str
    subject: str
    quota: int
    rules: list[dict] = []


class HonourQuotaIn(Schema):
    organisation_id: int
    amount: int


class HonourQuotaOut(Schema):
    category_id: int
    organisation_id: int
    amount: int


def _programme(p: Programme) -> dict:
    return fields_from(
        p,
        ProgrammeOut,
        status_label=str(p.get_status_display()),
        categories=[_category_out(c) for c in p.categories.all()],
    )


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


def _category_out(c: Category) -> dict:
    return fields_from(c, HonourCategoryOut, rules=c.rule_texts)


@router.post(
    "/honours/programmes/{int:pk}/categories",
    response={201: HonourCategoryOut},
    url_name="honours-category-list",
)
def category_create(request: HttpRequest, pk: int, payload: HonourCategoryIn):
    """Add a category before 公示. `rules` as stored: `{"rule": "no_open_rectification"}`,
    `{"rule": "no_upheld_report"}`, `{"rule": "party_years", "years": 3}`, `{"rule": "org_type", "types":
    [...]}`, `{"rule": "assessment_grade", "min": "good" | "fairly_good" | "excellent" | "qualified"}`,
    `{"rule": "district_rank", "top": 5}` (collective only: within the top 1–50 of the campaign's district
    ranking among its siblings). 422 names the field."""
    p = selectors.programme_get_for(request.user, pk)
    c = services.category_save(actor=request.user, programme=p, **payload.dict())
    return Status(201, _category_out(c))


def _category(request: HttpRequest, pk: int) -> Category:
    c = Category.objects.select_related("programme").filter(pk=pk).first()
    if c is None:
        raise NotFoundError()
    selectors.programme_get_for(request.user, c.programme_id)
    return c


@router.put("/honours/categories/{int:pk}", response=HonourCategoryOut, url_name="honours-category-detail")
def category_update(request: HttpRequest, pk: int, payload: HonourCategoryIn):
    c = _category(request, pk)
    c = services.category_save(actor=request.user, programme=c.programme, category=c, **payload.dict())
    return _category_out(c)


@router.post(
    "/honours/categories/{int:pk}/quotas", response=HonourQuotaOut, url_name="honours-quota-allocate"
)
def quota_allocate(request: HttpRequest, pk: int, payload: HonourQuotaIn):
    """Pass places to an organisation one level down (0 takes them back); 422 names the numbers when the
    parent's share would be exceeded."""
    c = _category(request, pk)
    org = org_get_for(request.user, payload.organisation_id, cap=Cap.ORG_VIEW)
    services.quota_allocate(actor=request.user, category=c, organisation=org, amount=payload.amount)
    return {"category_id": c.pk, "organisation_id": org.pk, "amount": payload.amount}


@router.post("/honours/programmes/{int:pk}/open", response=ProgrammeOut, url_name="honours-programme-open")
def programme_open(request: HttpRequest, pk: int):
    p = services.programme_open(actor=request.user, programme=selectors.programme_get_for(request.user, pk))
    return _programme(p)


@router.get("/honours/programmes/{int:pk}", response=ProgrammeOut, url_name="honours-programme-detail")
def programme_detail(request: HttpRequest, pk: int):
    return _programme(selectors.programme_get_for(request.user, pk))
