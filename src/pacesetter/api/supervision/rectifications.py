"""Rectification orders (限期整改): issued, reported with evidence, verified."""

import datetime
from typing import Annotated

from django.http import HttpRequest
from django.urls import reverse
from ninja import File, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from pacesetter.core.downloads import stored_attachment
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.selectors import org_get_for
from pacesetter.supervision import services
from pacesetter.supervision.selectors import (
    evidence_get_for,
    finding_get_for,
    low_case_get_for,
    rectification_get_for,
    rectification_list_for,
    rectification_reports,
    review_get_for,
)

from .._common import fields_from
from ._common import LIMIT, FormOrJson
from ._router import router


class RectificationOut(Schema):
    id: int
    organisation_id: int
    source: str
    problem: str
    measures_required: str
    working_days: int
    deadline: datetime.date
    # True while the deadline was counted on weekends only (the year's holidays not yet published);
    # deadline_note is then the plain sentence saying so, else "".
    deadline_provisional: bool
    deadline_note: str
    status: str
    overdue: bool
    overdue_at: datetime.datetime | None
    escalated_at: datetime.datetime | None


class RectificationIn(Schema):
    review_id: int | None = None
    finding_id: int | None = None
    low_case_id: int | None = None
    problem: str
    measures_required: str
    working_days: int


class VerifyIn(Schema):
    decision: str
    note: str = ""


def _order(o) -> dict:
    return fields_from(o, RectificationOut, overdue=o.is_overdue())


@router.get("/supervision/rectifications", response=list[RectificationOut], url_name="sup-rectification-list")
def rectification_list(
    request: HttpRequest,
    org_id: int | None = None,
    status: str = "",
    source: str = "",
    overdue: bool | None = None,
):
    org = org_get_for(request.user, org_id, cap=Cap.PROGRESS_VIEW) if org_id else None
    qs = rectification_list_for(request.user, org=org, status=status, source=source, overdue=overdue)
    return [_order(o) for o in qs[:LIMIT]]


@router.post(
    "/supervision/rectifications", response={201: RectificationOut}, url_name="sup-rectification-list"
)
def rectification_create(request: HttpRequest, payload: RectificationIn):
    origin = {}
    if payload.review_id:
        origin["review"] = review_get_for(request.user, payload.review_id)
    if payload.finding_id:
        origin["finding"] = finding_get_for(request.user, payload.finding_id)
    if payload.low_case_id:
        origin["low_case"] = low_case_get_for(request.user, payload.low_case_id)
    order = services.rectification_issue(
        actor=request.user, **origin, **payload.dict(exclude={"review_id", "finding_id", "low_case_id"})
    )
    return Status(201, _order(order))


@router.get(
    "/supervision/rectifications/{pk}", response=RectificationOut, url_name="sup-rectification-detail"
)
def rectification_detail(request: HttpRequest, pk: int):
    return _order(rectification_get_for(request.user, pk))


@router.post(
    "/supervision/rectifications/{pk}/report", response=RectificationOut, url_name="sup-rectification-report"
)
def rectification_report(
    request: HttpRequest,
    pk: int,
    text: Annotated[str, FormOrJson(..., description="整改措施及成效")],
    files: File[list[UploadedFile]] = None,
):
    """Report measures taken, with evidence: multipart/form-data with `text` and `files` (repeatable; PDF,
    Word, Excel, JPEG or PNG, each at most 10 MB, checked by content as on the page; all are checked before
    any is stored). A JSON body `{"text": ...}` is still accepted for a report without files."""
    order = rectification_get_for(request.user, pk)
    services.rectification_report(
        actor=request.user, rectification=order, measures_taken=text, uploads=list(files or [])
    )
    return _order(rectification_get_for(request.user, pk))


class EvidenceOut(Schema):
    id: int
    report_id: int
    original_name: str
    size: int
    uploaded_at: datetime.datetime
    url: str


@router.get(
    "/supervision/rectifications/{pk}/evidence",
    response=list[EvidenceOut],
    url_name="sup-rectification-evidence",
)
def rectification_evidence(request: HttpRequest, pk: int):
    """The evidence files of every report on an order, with their download URLs."""
    order = rectification_get_for(request.user, pk)
    return [
        {
            "id": ev.pk,
            "report_id": report.pk,
            "original_name": ev.original_name,
            "size": ev.size,
            "uploaded_at": ev.uploaded_at,
            "url": reverse("api-1.0.0:sup-evidence-download", args=[ev.pk]),
        }
        for report in rectification_reports(order)
        for ev in report.evidence.all()
    ]


@router.get("/supervision/evidence/{pk}", url_name="sup-evidence-download")
def evidence_download(request: HttpRequest, pk: int):
    """Download one evidence file (404 unless the order is visible to the caller, as on the page)."""
    ev = evidence_get_for(request.user, pk)
    return stored_attachment(ev.file, ev.original_name)


@router.post(
    "/supervision/rectifications/{pk}/verify", response=RectificationOut, url_name="sup-rectification-verify"
)
def rectification_verify(request: HttpRequest, pk: int, payload: VerifyIn):
    order = rectification_get_for(request.user, pk)
    return _order(
        services.rectification_verify(
            actor=request.user, rectification=order, decision=payload.decision, note=payload.note
        )
    )
