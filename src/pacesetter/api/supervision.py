"""Leader review (领导点评) and supervision (督查, 随机抽查, 整改, 通报) endpoints: the pages' services and selectors."""

import datetime
from typing import Annotated, Literal

from django.http import FileResponse, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.params.models import Form, FormModel
from ninja.responses import Status

from pacesetter.campaigns.selectors import campaign_get_for
from pacesetter.core.errors import NotFoundError, ValidationError
from pacesetter.core.holidays import HolidayLine, check_year, holiday_days_of
from pacesetter.core.workdays import holidays_unknown_message
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.selectors import org_get_for
from pacesetter.supervision import holidays, services
from pacesetter.supervision.selectors import (
    draw_get_public,
    draw_list_for,
    evidence_get_for,
    finding_get_for,
    inspection_get_for,
    inspection_list_for,
    liaison_status_list_for,
    low_case_get_for,
    notice_get_for,
    notice_list_for,
    rectification_get_for,
    rectification_list_for,
    rectification_reports,
    review_get_for,
    review_items,
    review_list_for,
    team_get_for,
    team_list_for,
)

router = Router(tags=["领导点评与督查 supervision"])
LIMIT = 200


class _FormOrJsonModel(FormModel):
    """Form fields read from a multipart body, or from a JSON object when the request is JSON: an endpoint
    that takes text (JSON) can also take files (multipart) without breaking its JSON clients."""

    @classmethod
    def get_request_data(cls, request, api, path_params):
        if request.content_type == "application/json":
            try:
                data = api.parser.parse_body(request) if request.body else {}
            except Exception as exc:
                raise HttpError(400, "Cannot parse request body") from exc
            return data if isinstance(data, dict) else {}
        return super().get_request_data(request, api, path_params)


class FormOrJson(Form):
    _model = _FormOrJsonModel

    @classmethod
    def _param_source(cls) -> str:
        return "form"  # documented as a form field (multipart together with File)


class LiaisonOut(Schema):
    leader_id: int
    organisation_id: int
    organisation_name: str
    last_reviewed_at: datetime.datetime | None
    due_on: datetime.date
    state: str


class ReviewItemOut(Schema):
    commitment_id: int
    title: str
    progress: int
    remark: str
    flagged: bool


class ReviewOut(Schema):
    id: int
    organisation_id: int
    leader_id: int
    rating: str
    status: str
    achievements: str
    problems: str
    direction: str
    response: str
    reviewed_at: datetime.datetime
    published_at: datetime.datetime | None
    guidance: bool  # 行业指导点评 (#18): filed by a guiding body, not a liaison leader


class ReviewDetailOut(ReviewOut):
    items: list[ReviewItemOut]


class ReviewRemarkIn(Schema):
    commitment_id: int
    remark: str = ""
    flagged: bool = False


class ReviewIn(Schema):
    organisation_id: int
    achievements: str
    problems: str
    direction: str
    rating: str
    remarks: list[ReviewRemarkIn] = []


class TextIn(Schema):
    text: str


class ReviewPublishIn(Schema):
    publish: bool = True


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


class TeamOut(Schema):
    id: int
    name: str
    organisation_id: int
    member_ids: list[int]


class TeamIn(Schema):
    organisation_id: int
    name: str
    member_ids: list[int]


class InspectionOut(Schema):
    id: int
    organisation_id: int
    team_id: int | None
    method: str
    planned_on: datetime.date
    subject: str
    status: str
    record: str
    findings: list[dict]


class InspectionIn(Schema):
    organisation_id: int
    method: str
    planned_on: datetime.date
    subject: str
    team_id: int | None = None
    draw_id: int | None = None


class CancelIn(Schema):
    reason: str = ""


class FileIn(Schema):
    record: str
    findings: list[str] = []


class DrawOut(Schema):
    id: int
    title: str
    organisation_id: int
    filters: dict
    public_value: str
    seed: str
    algorithm: str
    candidates: list[list]
    candidate_digest: str
    n: int
    chosen_ids: list[int]
    created_at: datetime.datetime


class DrawIn(Schema):
    organisation_id: int
    title: str
    n: int
    sector: str = ""
    org_type: str = ""
    flags: list[str] = []
    campaign_id: int | None = None
    public_value: str = ""


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


def _review(r, items=None) -> dict:
    data = {k: getattr(r, k) for k in ReviewOut.model_fields if k not in ("id",)} | {"id": r.pk}
    if items is not None:
        data["items"] = [
            {
                "commitment_id": i.commitment_id,
                "title": i.title,
                "progress": i.progress,
                "remark": i.remark,
                "flagged": i.flagged,
            }
            for i in items
        ]
    return data


def _order(o) -> dict:
    return {k: getattr(o, k) for k in RectificationOut.model_fields if k not in ("overdue",)} | {
        "overdue": o.is_overdue()
    }


def _inspection(i) -> dict:
    return {
        **{k: getattr(i, k) for k in InspectionOut.model_fields if k != "findings"},
        "findings": [{"id": f.pk, "description": f.description} for f in i.findings.all()],
    }


def _draw(d) -> dict:
    return {k: getattr(d, k) for k in DrawOut.model_fields}


def _notice(n) -> dict:
    return {k: getattr(n, k) for k in NoticeOut.model_fields}


@router.get("/supervision/liaisons", response=list[LiaisonOut], url_name="sup-liaison-list")
def liaison_list(request: HttpRequest, mine: bool = False, state: str = ""):
    """Liaison organisations (联系点) with their review due date and state (ok / due / overdue)."""
    return [
        {
            "leader_id": r.liaison.leader_id,
            "organisation_id": r.organisation.pk,
            "organisation_name": r.organisation.name,
            "last_reviewed_at": r.last_reviewed_at,
            "due_on": r.due_on,
            "state": r.state,
        }
        for r in liaison_status_list_for(request.user, mine=mine, state=state)
    ]


@router.get("/supervision/reviews", response=list[ReviewOut], url_name="sup-review-list")
def review_list(request: HttpRequest, org_id: int | None = None, status: str = "", rating: str = ""):
    org = org_get_for(request.user, org_id, cap=Cap.PROGRESS_VIEW) if org_id else None
    return [_review(r) for r in review_list_for(request.user, org=org, status=status, rating=rating)[:LIMIT]]


@router.post("/supervision/reviews", response={201: ReviewDetailOut}, url_name="sup-review-list")
def review_create(request: HttpRequest, payload: ReviewIn):
    org = org_get_for(request.user, payload.organisation_id, cap=Cap.REVIEW_WRITE)
    review = services.review_file(
        actor=request.user,
        org=org,
        achievements=payload.achievements,
        problems=payload.problems,
        direction=payload.direction,
        rating=payload.rating,
        remarks={r.commitment_id: (r.remark, r.flagged) for r in payload.remarks},
    )
    return Status(201, _review(review, review_items(review)))


@router.post(
    "/supervision/guidance-reviews", response={201: ReviewDetailOut}, url_name="sup-guidance-review-create"
)
def guidance_review_create(request: HttpRequest, payload: ReviewIn):
    """行业指导点评 (条块结合): a guiding body reviews an organisation of its sector line while the campaign's
    领导点评 window is open. Publishing it and ordering rectification stay with the office."""
    try:
        org = org_get_for(request.user, payload.organisation_id, cap=Cap.GUIDANCE_REVIEW)
    except NotFoundError:
        raise NotFoundError(
            _("该组织不在您指导的行业范围内，不能作行业指导点评"), field="organisation_id"
        ) from None
    review = services.review_file(
        actor=request.user,
        org=org,
        achievements=payload.achievements,
        problems=payload.problems,
        direction=payload.direction,
        rating=payload.rating,
        remarks={r.commitment_id: (r.remark, r.flagged) for r in payload.remarks},
        guidance=True,
    )
    return Status(201, _review(review, review_items(review)))


@router.get("/supervision/reviews/{pk}", response=ReviewDetailOut, url_name="sup-review-detail")
def review_detail(request: HttpRequest, pk: int):
    review = review_get_for(request.user, pk)
    return _review(review, review_items(review))


@router.post("/supervision/reviews/{pk}/respond", response=ReviewOut, url_name="sup-review-respond")
def review_respond(request: HttpRequest, pk: int, payload: TextIn):
    return _review(
        services.review_respond(
            actor=request.user, review=review_get_for(request.user, pk), response=payload.text
        )
    )


@router.post("/supervision/reviews/{pk}/publish", response=ReviewOut, url_name="sup-review-publish")
def review_publish(request: HttpRequest, pk: int, payload: ReviewPublishIn):
    review = review_get_for(request.user, pk)
    return _review(services.review_publish(actor=request.user, review=review, publish=payload.publish))


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
        actor=request.user,
        problem=payload.problem,
        measures_required=payload.measures_required,
        working_days=payload.working_days,
        **origin,
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
    try:
        handle = ev.file.open("rb")
    except FileNotFoundError as exc:
        raise NotFoundError(_("附件文件已丢失，请联系管理员")) from exc
    return FileResponse(handle, as_attachment=True, filename=ev.original_name)


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


@router.get("/supervision/teams", response=list[TeamOut], url_name="sup-team-list")
def team_list(request: HttpRequest):
    return [
        {
            "id": t.pk,
            "name": t.name,
            "organisation_id": t.organisation_id,
            "member_ids": [m.pk for m in t.members.all()],
        }
        for t in team_list_for(request.user)[:LIMIT]
    ]


@router.post("/supervision/teams", response={201: TeamOut}, url_name="sup-team-list")
def team_create(request: HttpRequest, payload: TeamIn):
    from django.contrib.auth import get_user_model

    org = org_get_for(request.user, payload.organisation_id, cap=Cap.CAMPAIGN_MANAGE)
    members = list(get_user_model().objects.filter(pk__in=payload.member_ids))
    if len(members) != len(set(payload.member_ids)):
        raise ValidationError("成员不存在", field="member_ids")
    team = services.team_create(actor=request.user, org=org, name=payload.name, members=members)
    out = {"id": team.pk, "name": team.name, "organisation_id": org.pk, "member_ids": [m.pk for m in members]}
    return Status(201, out)


@router.get("/supervision/inspections", response=list[InspectionOut], url_name="sup-inspection-list")
def inspection_list(request: HttpRequest, org_id: int | None = None, method: str = "", status: str = ""):
    org = org_get_for(request.user, org_id, cap=Cap.PROGRESS_VIEW) if org_id else None
    qs = inspection_list_for(request.user, org=org, method=method, status=status).prefetch_related("findings")
    return [_inspection(i) for i in qs[:LIMIT]]


@router.post("/supervision/inspections", response={201: InspectionOut}, url_name="sup-inspection-list")
def inspection_create(request: HttpRequest, payload: InspectionIn):
    org = org_get_for(request.user, payload.organisation_id, cap=Cap.CAMPAIGN_MANAGE)
    inspection = services.inspection_plan(
        actor=request.user,
        org=org,
        method=payload.method,
        planned_on=payload.planned_on,
        subject=payload.subject,
        team=team_get_for(request.user, payload.team_id) if payload.team_id else None,
        draw=draw_get_public(payload.draw_id) if payload.draw_id else None,
    )
    return Status(201, _inspection(inspection))


@router.get("/supervision/inspections/{pk}", response=InspectionOut, url_name="sup-inspection-detail")
def inspection_detail(request: HttpRequest, pk: int):
    return _inspection(inspection_get_for(request.user, pk))


@router.post("/supervision/inspections/{pk}/file", response=InspectionOut, url_name="sup-inspection-file")
def inspection_file(request: HttpRequest, pk: int, payload: FileIn):
    inspection = inspection_get_for(request.user, pk)
    services.inspection_file(
        actor=request.user, inspection=inspection, record=payload.record, findings=payload.findings
    )
    return _inspection(inspection_get_for(request.user, pk))


@router.post("/supervision/inspections/{pk}/cancel", response=InspectionOut, url_name="sup-inspection-cancel")
def inspection_cancel(request: HttpRequest, pk: int, payload: CancelIn | None = None):
    """Call off a planned inspection (the office above, or a member of its team), with an optional reason."""
    inspection = inspection_get_for(request.user, pk)
    services.inspection_cancel(
        actor=request.user, inspection=inspection, reason=payload.reason if payload else ""
    )
    return _inspection(inspection_get_for(request.user, pk))


@router.post("/supervision/inspections/{pk}/findings", response={201: dict}, url_name="sup-finding-add")
def finding_add(request: HttpRequest, pk: int, payload: TextIn):
    finding = services.finding_add(
        actor=request.user, inspection=inspection_get_for(request.user, pk), description=payload.text
    )
    return Status(201, {"id": finding.pk, "description": finding.description})


@router.get("/supervision/draws", response=list[DrawOut], url_name="sup-draw-list")
def draw_list(request: HttpRequest):
    return [_draw(d) for d in draw_list_for(request.user).defer(None)[:LIMIT]]


@router.post("/supervision/draws", response={201: DrawOut}, url_name="sup-draw-list")
def draw_create(request: HttpRequest, payload: DrawIn):
    root = org_get_for(request.user, payload.organisation_id, cap=Cap.CAMPAIGN_MANAGE)
    campaign = campaign_get_for(request.user, payload.campaign_id) if payload.campaign_id else None
    draw = services.draw_create(
        actor=request.user,
        root=root,
        n=payload.n,
        title=payload.title,
        sector=payload.sector,
        org_type=payload.org_type,
        flags=payload.flags,
        campaign=campaign,
        public_value=payload.public_value,
    )
    return Status(201, _draw(draw))


@router.get("/supervision/draws/{pk}", response=DrawOut, url_name="sup-draw-detail", auth=None)
def draw_detail(request: HttpRequest, pk: int):
    """Public: a draw's seed, candidate list and result, to re-run it (see supervision/draws.py)."""
    return _draw(draw_get_public(pk))


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


# ---------------------------------------------------------------- holidays (节假日安排)


class HolidayDayIn(Schema):
    date: datetime.date
    kind: Literal["off", "work"]
    note: str = ""


class HolidayDayOut(Schema):
    date: datetime.date
    kind: str
    note: str
    source: str


class HolidayYearIn(Schema):
    """The whole year, replacing what is there: `days`, or `text` in the import format (`2027-01-01 休`)."""

    days: list[HolidayDayIn] | None = None
    text: str | None = None


class ProvisionalDeadlineOut(Schema):
    id: int
    organisation_id: int
    deadline: datetime.date


class HolidayYearOut(Schema):
    year: int
    known: bool
    message: str
    days: list[HolidayDayOut]
    provisional_rectifications: list[ProvisionalDeadlineOut]
    recomputed_rectifications: list[int] = []


def _holiday_year(user, year: int, recomputed=()) -> dict:
    days = holiday_days_of(year)
    return {
        "year": year,
        "known": bool(days),
        "message": "" if days else holidays_unknown_message([year]),
        "days": [{"date": d.date, "kind": d.kind, "note": d.note, "source": d.source} for d in days],
        "provisional_rectifications": [
            {"id": o.pk, "organisation_id": o.organisation_id, "deadline": o.deadline}
            for o in holidays.provisional_rectifications_for(user)[:LIMIT]
        ],
        "recomputed_rectifications": [o.pk for o in recomputed],
    }


@router.get("/supervision/holidays", response=HolidayYearOut, url_name="sup-holiday-year")
def holiday_year_get(request: HttpRequest, year: int):
    return _holiday_year(request.user, check_year(year))


@router.put("/supervision/holidays", response=HolidayYearOut, url_name="sup-holiday-year")
def holiday_year_put(request: HttpRequest, year: int, payload: HolidayYearIn):
    if (payload.days is None) == (payload.text is None):
        raise ValidationError(_("请提供 days（日期列表）或 text（每行一天）其中之一"))
    days = (
        None
        if payload.days is None
        else [HolidayLine(d.date, d.kind, d.note.strip()[:60]) for d in payload.days]
    )
    result = holidays.holiday_year_publish(actor=request.user, year=year, text=payload.text, days=days)
    return _holiday_year(request.user, result.year, result.recomputed)
