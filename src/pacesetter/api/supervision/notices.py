"""通报: composed, edited and issued."""

import datetime

from django.http import HttpRequest
from ninja import Schema
from ninja.responses import Status

from pacesetter.campaigns.selectors import campaign_get_for
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.selectors import org_get_for
from pacesetter.supervision import services
from pacesetter.supervision.selectors import (
    notice_get_for,
    notice_list_for,
)

from .._common import fields_from
from ._common import LIMIT
from ._router import router


class NoticeOut(Schema):
    id: int
    organisation_id: int
    doc_number: str
    issuer_name: str
    title: str
    addressees: str
    body: str
    signed_on: datetime.date
    status: str


class NoticeIn(Schema):
    organisation_id: int
    campaign_id: int | None = None
    issuer_name: str = ""
    number_prefix: str = "创先争优办"


class NoticePatch(Schema):
    issuer_name: str | None = None
    title: str | None = None
    addressees: str | None = None
    body: str | None = None
    signed_on: datetime.date | None = None
    number: int | None = None


def _notice(n) -> dict:
    return fields_from(n, NoticeOut)


@router.get("/supervision/notices", response=list[NoticeOut], url_name="sup-notice-list")
def notice_list(request: HttpRequest, status: str = "", year: int | None = None):
    return [_notice(n) for n in notice_list_for(request.user, status=status, year=year)[:LIMIT]]


@router.post("/supervision/notices", response={201: NoticeOut}, url_name="sup-notice-list")
def notice_create(request: HttpRequest, payload: NoticeIn):
    org = org_get_for(request.user, payload.organisation_id, cap=Cap.CAMPAIGN_MANAGE)
    campaign = campaign_get_for(request.user, payload.campaign_id) if payload.campaign_id else None
    notice = services.notice_compose(
        actor=request.user,
        org=org,
        campaign=campaign,
        issuer_name=payload.issuer_name,
        number_prefix=payload.number_prefix,
    )
    return Status(201, _notice(notice))


@router.get("/supervision/notices/{pk}", response=NoticeOut, url_name="sup-notice-detail")
def notice_detail(request: HttpRequest, pk: int):
    return _notice(notice_get_for(request.user, pk))


@router.patch("/supervision/notices/{pk}", response=NoticeOut, url_name="sup-notice-detail")
def notice_update(request: HttpRequest, pk: int, payload: NoticePatch):
    fields = {k: v for k, v in payload.dict().items() if v is not None}
    return _notice(
        services.notice_update(actor=request.user, notice=notice_get_for(request.user, pk), **fields)
    )


@router.post("/supervision/notices/{pk}/issue", response=NoticeOut, url_name="sup-notice-issue")
def notice_issue(request: HttpRequest, pk: int):
    return _notice(services.notice_issue(actor=request.user, notice=notice_get_for(request.user, pk)))
