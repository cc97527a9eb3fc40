"""Honours conferred (one's own, the public roll) and the public's part: recommendations and 公示 objections."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.responses import Status

from pacesetter.core.errors import NotFoundError, ValidationError
from pacesetter.core.middleware import client_ip
from pacesetter.core.paging import offset_param
from pacesetter.honours import selectors, services
from pacesetter.honours.models import Nomination

from .._common import fields_from, window
from ..schemas import CountOnceIn, PublicReportIn
from ._common import LIMIT
from ._router import router


class HonourRecommendIn(CountOnceIn):
    pass


class HonourRecommendOut(Schema):
    counted: bool
    recommendations: int


class HonourCodeIn(Schema):
    phone: str


class HonourObjectionIn(PublicReportIn):
    nomination_id: int


class HonourObjectionOut(Schema):
    number: str
    password: str


class HonourOut(Schema):
    certificate_no: str
    year: int
    title: str
    display_name: str
    org_label: str
    programme: str


@router.get("/honours/mine", response=list[HonourOut], url_name="honours-mine")
def my_honours(request: HttpRequest):
    """The signed-in member's own honours (empty for an account without a member record)."""
    return [_honour(h) for h in selectors.my_honours(request.user)[:LIMIT]]


def _honour(h) -> dict:
    return fields_from(h, HonourOut, programme=h.decision.programme.title)


@router.get("/public/honours", response=list[HonourOut], auth=None, url_name="honours-roll")
def honour_roll(request: HttpRequest, year: int | None = None, offset: int = offset_param()):
    """The honour roll (光荣榜): what the decisions conferred, newest year first."""
    if year is not None and not 2000 <= year <= 2100:
        raise ValidationError(_("年度应为 2000 至 2100 之间的年份"), field="year")
    return [_honour(h) for h in selectors.honour_roll(year=year)[window(offset, LIMIT)]]


def _public_nomination(pk: int) -> Nomination:
    """A nomination on a published programme's public page; 404 for any other."""
    programme_id = Nomination.objects.filter(pk=pk).values_list("programme_id", flat=True).first()
    if programme_id is None:
        raise NotFoundError()
    return selectors.public_nomination_get(selectors.public_programme_get(programme_id), pk)


@router.post(
    "/public/honours/nominations/{int:pk}/code",
    auth=None,
    url_name="public-honours-recommend-code",
)
def public_recommend_code(request: HttpRequest, pk: int, payload: HonourCodeIn):
    """Text a code to recommend a nominee (群众推荐); 429 when one phone or address asks too often."""
    services.recommend_code_send(
        nomination=_public_nomination(pk), phone=payload.phone, ip=client_ip(request)
    )
    return {"sent": True}


@router.post(
    "/public/honours/nominations/{int:pk}/recommend",
    response=HonourRecommendOut,
    auth=None,
    url_name="public-honours-recommend",
)
def public_recommend(request: HttpRequest, pk: int, payload: HonourRecommendIn):
    """群众推荐 with a texted code (phone + code) or a printed slip; `counted` is false when this person had
    already recommended this nominee (each person counts once)."""
    n = _public_nomination(pk)
    counted = services.recommend(nomination=n, **payload.dict())
    n.refresh_from_db(fields=["recommendations"])
    return {"counted": counted, "recommendations": n.recommendations}


@router.post(
    "/public/honours/programmes/{int:pk}/objections/code", auth=None, url_name="public-honours-objection-code"
)
def public_objection_code(request: HttpRequest, pk: int, payload: HonourCodeIn):
    from pacesetter.onecount import phone_code_send

    selectors.public_programme_get(pk)
    phone_code_send(phone=payload.phone, client_ip=client_ip(request), purpose="objection")
    return {"sent": True}


@router.post(
    "/public/honours/programmes/{int:pk}/objections",
    response={201: HonourObjectionOut},
    auth=None,
    url_name="public-honours-objection",
)
def public_objection(request: HttpRequest, pk: int, payload: HonourObjectionIn):
    """提出异议 during 公示, real-name (phone confirmed by a texted code) or anonymous; returns the case number
    and query password (check it with `POST /public/cases/query`). 409 after the period, 429 when one address
    files too many."""
    n = _public_nomination(payload.nomination_id)
    if n.programme_id != pk:
        raise ValidationError(_("该对象不在本次公示中"), field="nomination_id")
    case, password = services.objection_file(
        nomination=n, ip=client_ip(request), **payload.dict(exclude={"nomination_id"})
    )
    return Status(201, {"number": case.number, "password": password})
