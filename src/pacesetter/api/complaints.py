"""Case endpoints (群众举报、意见建议): the public channel (file, text code, status, rating) and the handlers'
inbox, triage queue, detail, actions and monthly statistics — the same services and selectors as the pages."""

import datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from pacesetter.complaints import selectors, services
from pacesetter.complaints.enums import NEXT_STEPS, CaseAction
from pacesetter.complaints.models import Case, Category
from pacesetter.core.errors import NotFoundError, ValidationError
from pacesetter.core.middleware import client_ip
from pacesetter.core.paging import offset_param
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.models import Organisation
from pacesetter.orgs.selectors import org_get_for, scope_for

from ._common import fields_from, window
from .schemas import PublicReportIn

router = Router(tags=["群众反映 complaints"])
LIMIT = 200


class CategoryOut(Schema):
    code: str
    name: str
    description: str
    ack_days: int
    verify_days: int
    reply_days: int
    close_days: int


class CaseFileIn(PublicReportIn):
    subject_type: str
    subject_id: int | None = None
    member_name: str = ""
    category: str


class CaseFiledOut(Schema):
    number: str
    password: str
    owner: str | None
    ack_by: datetime.date


class CodeIn(Schema):
    phone: str


class QueryIn(Schema):
    number: str
    password: str


class PublicEventOut(Schema):
    at: datetime.datetime
    action: str
    action_label: str
    organisation: str | None
    note: str


class PublicCaseOut(Schema):
    number: str
    status: str
    status_label: str
    outcome: str
    owner: str | None
    promised_date: datetime.date | None
    reply: str
    can_rate: bool
    next_steps: str
    events: list[PublicEventOut]


class RateIn(QueryIn):
    level: str
    reason: str = ""


class CaseRowOut(Schema):
    id: int
    number: str
    kind: str
    status: str
    category: str | None
    owner_id: int | None
    real_name: bool
    received_at: datetime.datetime
    ack_by: datetime.date
    verify_by: datetime.date
    reply_by: datetime.date
    close_by: datetime.date
    overdue: bool
    escalated: bool


class CaseDetailOut(CaseRowOut):
    text: str
    subject_type: str
    subject_org_id: int | None
    first_owner_id: int | None
    reporter_name: str
    reporter_phone: str
    finding: str
    reply: str
    satisfaction: str
    outcome: str
    allowed_actions: list[str]


class ActIn(Schema):
    action: str
    organisation: int | None = None
    reason: str = ""
    checked: str = ""
    checked_by: str = ""
    finding: str = ""
    evidence: str = ""
    reply: str = ""
    conclusion: str = ""
    category: str = ""
    summary: str = ""
    deadline: str = ""
    note: str = ""
    problem: str = ""
    measures_required: str = ""
    working_days: int = 0


class StatsRowOut(Schema):
    key: str
    name: str
    received: int
    ack_in_time: int
    ack_late: int
    verify_in_time: int
    verify_late: int
    reply_in_time: int
    reply_late: int
    close_in_time: int
    close_late: int
    verified: int
    verified_rate: float | None
    substantiated: int
    satisfied: int
    basic: int
    unsatisfied: int
    unrated: int
    satisfaction_rate: float | None


class CaseStatsOut(Schema):
    organisation_id: int
    month: str
    total: StatsRowOut
    rows: list[StatsRowOut]


def _row(c: Case) -> dict:
    return fields_from(
        c,
        CaseRowOut,
        category=c.category.name if c.category_id else None,
        overdue=c.is_overdue,
        escalated=c.escalated_at is not None,
    )


def _public(c: Case) -> dict:
    return fields_from(
        c,
        PublicCaseOut,
        status_label=str(c.get_status_display()),
        owner=c.owner.name if c.owner_id else None,
        promised_date=c.promised_date() if c.is_open else None,
        can_rate=c.status == "replied",
        next_steps=str(NEXT_STEPS) if c.outcome in ("final", "declined") else "",
        events=[
            fields_from(e, PublicEventOut, organisation=e.organisation.name if e.organisation else None)
            for e in selectors.public_events(c)
        ],
    )


def _filed(case: Case, password: str) -> dict:
    """What the filer is told once (`CaseFiledOut`): the number and password to query with, who handles it, by when."""
    return {
        "number": case.number,
        "password": password,
        "owner": case.owner.name if case.owner_id else None,
        "ack_by": case.ack_by,
    }


# ------------------------------------------------------------------ public


@router.get("/cases/categories", response=list[CategoryOut], auth=None, url_name="case-categories")
def categories(request: HttpRequest):
    return list(Category.objects.filter(is_active=True))


@router.post("/public/cases", response={201: CaseFiledOut}, auth=None, url_name="public-case-file")
def public_case_file(request: HttpRequest, payload: CaseFileIn):
    """File a report (JSON; with photos use `POST /public/cases/with-files`). 422 on bad input, 429 when one address files too many."""
    case, password = services.case_file_public(**payload.dict(), ip=client_ip(request))
    return Status(201, _filed(case, password))


@router.post(
    "/public/cases/with-files", response={201: CaseFiledOut}, auth=None, url_name="public-case-file-multipart"
)
def public_case_file_multipart(
    request: HttpRequest, payload: Form[CaseFileIn], files: File[list[UploadedFile]] = None
):
    """File a report with photos or files: multipart/form-data with the fields of `POST /public/cases` and
    `files` (repeatable, at most 3; JPEG, PNG, WebP, PDF, Word or Excel, each at most 8 MB, checked by content as on
    the page; nothing is stored when one is refused). 422 on bad input, 429 when one address files too many."""
    case, password = services.case_file_public(
        **payload.dict(), files=list(files or []), ip=client_ip(request)
    )
    return Status(201, _filed(case, password))


@router.post("/public/cases/code", auth=None, url_name="public-case-code")
def public_case_code(request: HttpRequest, payload: CodeIn):
    from pacesetter.onecount import phone_code_send

    phone_code_send(phone=payload.phone, client_ip=client_ip(request), purpose="case")
    return {"sent": True}


@router.post("/public/cases/query", response=PublicCaseOut, auth=None, url_name="public-case-query")
def public_case_query(request: HttpRequest, payload: QueryIn):
    """Status by number + password (POST keeps the password out of URLs); wrong passwords are limited per
    case, numbers that do not exist per address (429 with a Chinese message after 10 in 24 hours)."""
    return _public(
        services.case_query(number=payload.number, password=payload.password, ip=client_ip(request))
    )


@router.post("/public/cases/rate", response=PublicCaseOut, auth=None, url_name="public-case-rate")
def public_case_rate(request: HttpRequest, payload: RateIn):
    case = services.case_query(number=payload.number, password=payload.password, ip=client_ip(request))
    case = services.case_rate(case=case, level=payload.level, reason=payload.reason)
    return _public(Case.objects.select_related("owner").get(pk=case.pk))


# ------------------------------------------------------------------ handlers


@router.get("/cases", response=list[CaseRowOut], url_name="case-list")
def case_list(request: HttpRequest, status: str = "", overdue: bool = False, offset: int = offset_param()):
    qs = selectors.case_list_for(request.user, status=status, overdue=overdue)
    return [_row(c) for c in qs[window(offset, LIMIT)]]


@router.get("/cases/triage", response=list[CaseRowOut], url_name="case-triage")
def case_triage(request: HttpRequest, offset: int = offset_param()):
    qs = selectors.triage_queue_for(request.user)
    return [_row(c) for c in qs[window(offset, LIMIT)]]


def _detail(user, c: Case) -> dict:
    from pacesetter.complaints.rules import can_see_reporter

    shown = can_see_reporter(user, c)
    return fields_from(
        c,
        CaseDetailOut,
        **_row(c),
        reporter_name=c.reporter_name if shown else "",
        reporter_phone=c.reporter_phone if shown else "",
        allowed_actions=services.allowed_actions(user, c),
    )


@router.get("/cases/{int:pk}", response=CaseDetailOut, url_name="case-detail")
def case_detail(request: HttpRequest, pk: int):
    return _detail(request.user, selectors.case_get_for(request.user, pk))


@router.post("/cases/{int:pk}/actions", response=CaseDetailOut, url_name="case-act")
def case_act(request: HttpRequest, pk: int, payload: ActIn):
    """Take one action: assign, acknowledge, transfer, verify, reply, close, decline, review_conclude; the
    office's recategorise, publish (redacted summary + reply) and note (责任追究); rectify (a supervision
    order from a verified finding). 403 not a party, 409 not allowed in this state, 422 bad input."""
    u, p = request.user, payload
    case = selectors.case_get_for(u, pk)

    def org():
        found = Organisation.objects.filter(pk=p.organisation).first() if p.organisation else None
        if found is None:
            raise ValidationError("请选择党组织", field="organisation")
        return found

    a = p.action
    if a == CaseAction.ASSIGN:
        case = services.case_assign(actor=u, case=case, organisation=org())
    elif a == CaseAction.ACKNOWLEDGE:
        case = services.case_acknowledge(actor=u, case=case)
    elif a == CaseAction.TRANSFER:
        case = services.case_transfer(actor=u, case=case, organisation=org(), reason=p.reason)
    elif a == CaseAction.VERIFY:
        case = services.case_verify(
            actor=u, case=case, **p.dict(include={"checked", "checked_by", "finding", "evidence"})
        )
    elif a == CaseAction.REPLY:
        case = services.case_reply(actor=u, case=case, reply=p.reply)
    elif a == CaseAction.CLOSE:
        case = services.case_close(actor=u, case=case)
    elif a == CaseAction.DECLINE:
        case = services.case_decline(actor=u, case=case, reason=p.reason)
    elif a == CaseAction.REVIEW_CONCLUDE:
        case = services.case_review_conclude(actor=u, case=case, conclusion=p.conclusion)
    elif a == "recategorise":
        category = Category.objects.filter(code=p.category, is_active=True).first()
        if category is None:
            raise ValidationError("请选择问题类别", field="category")
        case = services.case_recategorise(actor=u, case=case, category=category)
    elif a == "publish":
        case = services.case_publish(actor=u, case=case, summary=p.summary, reply=p.reply)
    elif a == "note":
        services.accountability_note_add(actor=u, case=case, deadline=p.deadline, note=p.note)
    elif a == "rectify":
        services.case_rectify(
            actor=u, case=case, **p.dict(include={"problem", "measures_required", "working_days"})
        )
    else:
        raise ValidationError("未知操作", field="action")
    try:
        return _detail(u, selectors.case_get_for(u, pk))
    except NotFoundError:
        return _detail(
            u, case
        )  # handed on (transfer/review) beyond the caller's scope: the last state they saw


@router.get("/cases/stats", response=CaseStatsOut, url_name="case-stats")
def case_stats(request: HttpRequest, org: int | None = None, month: str = ""):
    """Monthly statistics of a subtree (default: the caller's first scope) by the month cases were received."""
    try:
        day = datetime.date.fromisoformat(f"{month}-01") if month else timezone.localdate().replace(day=1)
    except ValueError:
        raise ValidationError("月份格式应为 YYYY-MM", field="month") from None
    if org is not None:
        o = org_get_for(request.user, org, cap=Cap.CASE_VIEW)
    else:
        roots = scope_for(request.user, Cap.CASE_VIEW).roots
        o = Organisation.objects.get(path=roots[0])
    total, rows = selectors.monthly_stats(o, day)

    def out(r):
        return {**r.__dict__, "verified_rate": r.verified_rate, "satisfaction_rate": r.satisfaction_rate}

    return {
        "organisation_id": o.pk,
        "month": f"{day:%Y-%m}",
        "total": out(total),
        "rows": [out(r) for r in rows],
    }
