"""Implementation plan (实施方案) endpoints: the same services and selectors as the pages."""

import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status

from pacesetter.core.errors import NotFoundError, PermissionDeniedError
from pacesetter.core.middleware import client_ip
from pacesetter.core.paging import limit_param, offset_param
from pacesetter.core.people import display_name
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.selectors import org_get_for
from pacesetter.plans import consultations, services
from pacesetter.plans.enums import PlanProgress
from pacesetter.plans.models import ConsultationComment
from pacesetter.plans.rules import can_write_plan
from pacesetter.plans.selectors import (
    campaign_get_for,
    org_progress_counts,
    org_progress_list,
    plan_campaign_list_for,
    plan_campaigns_for_org,
    plan_for,
    plan_get_for,
    plan_history,
    progress_line_for,
    progress_root_for,
    review_queue_for,
    step_get_for,
)

from ._common import campaign_or_first, fields_from
from .schemas import CountOnceIn

router = Router(tags=["实施方案 plans"])


class DecisionOut(Schema):
    decision: str
    comment: str
    decided_by: str
    decided_at: datetime.datetime


class VersionOut(Schema):
    number: int
    title: str
    body: str
    submitted_by: str
    submitted_at: datetime.datetime
    is_late: bool
    decisions: list[DecisionOut]


class PlanOut(Schema):
    id: int
    campaign_id: int
    step_id: int | None
    organisation_id: int
    organisation_name: str
    title: str
    body: str
    status: str
    version: int | None
    submitted_at: datetime.datetime | None
    is_late: bool


class PlanDetailOut(PlanOut):
    versions: list[VersionOut]


class PlanIn(Schema):
    title: str
    body: str = ""


class DecisionIn(Schema):
    decision: str
    comment: str = ""


class ProgressRowOut(Schema):
    organisation_id: int
    organisation_name: str
    parent_name: str | None
    progress: str
    plan_id: int | None
    submitted_at: datetime.datetime | None
    is_late: bool


class PlanProgressOut(Schema):
    campaign_id: int
    root_id: int
    counts: dict[str, int]
    items: list[ProgressRowOut]


def _name(user) -> str:
    return display_name(user) if user else ""


def _plan_out(plan) -> dict:
    return fields_from(
        plan,
        PlanOut,
        organisation_name=plan.organisation.name,
        version=plan.current_version.number if plan.current_version else None,
    )


def _detail_out(plan) -> dict:
    versions = [
        fields_from(
            v,
            VersionOut,
            submitted_by=_name(v.submitted_by),
            decisions=[
                fields_from(d, DecisionOut, decided_by=_name(d.decided_by)) for d in v.decisions.all()
            ],
        )
        for v in reversed(plan_history(plan))
    ]
    return {**_plan_out(plan), "versions": versions}


def _campaign_for(request, org, campaign_id):
    return campaign_or_first(
        campaign_get_for,
        request.user,
        campaign_id,
        plan_campaigns_for_org(org),
        "目前没有需要该组织报送实施方案的活动",
    )


@router.get("/plans/orgs/{org_id}", response=PlanDetailOut, url_name="plan-org")
def plan_for_org(
    request: HttpRequest, org_id: int, campaign_id: int | None = None, step_id: int | None = None
):
    """An organisation's plan in a campaign (default: the first active campaign it owes a plan in);
    with step_id its plan for that step (阶段实施方案)."""
    org = org_get_for(request.user, org_id, cap=Cap.PLAN_WRITE)
    campaign = _campaign_for(request, org, campaign_id)
    step = step_get_for(campaign, step_id) if step_id is not None else None
    plan = plan_for(campaign=campaign, org=org, step=step)
    if plan is None:
        raise NotFoundError("尚未起草实施方案")
    return _detail_out(plan)


@router.put("/plans/orgs/{org_id}", response=PlanDetailOut, url_name="plan-org")
def plan_save(
    request: HttpRequest,
    org_id: int,
    payload: PlanIn,
    campaign_id: int | None = None,
    step_id: int | None = None,
):
    org = org_get_for(request.user, org_id, cap=Cap.PLAN_WRITE)
    campaign = _campaign_for(request, org, campaign_id)
    plan = services.plan_save(
        actor=request.user,
        campaign=campaign,
        step=step_get_for(campaign, step_id) if step_id is not None else None,
        org=org,
        title=payload.title,
        body=payload.body,
    )
    return _detail_out(plan)


@router.get("/plans/review-queue", response=list[PlanOut], url_name="plan-review-queue")
def plan_review_queue(
    request: HttpRequest,
    campaign_id: int | None = None,
    limit: int = limit_param(100, 500),
    offset: int = offset_param(),
):
    campaign = campaign_get_for(request.user, campaign_id) if campaign_id is not None else None
    return [_plan_out(p) for p in review_queue_for(request.user, campaign=campaign)[offset : offset + limit]]


@router.get("/plans/progress", response=PlanProgressOut, url_name="plan-progress")
def plan_progress(
    request: HttpRequest,
    campaign_id: int | None = None,
    org_id: int | None = None,
    progress: str = "",
    step_id: int | None = None,
    sector: str = "",
    limit: int = limit_param(100, 1000),
    offset: int = offset_param(),
):
    """Each organisation's plan status in a subtree (progress=overdue for the overdue list), with counts;
    with step_id the plans for that step (阶段实施方案) instead of the overall plan; with sector (or by
    default for a sector-guidance account) only that sector line's organisations (条块结合)."""
    if campaign_id is not None:
        campaign = campaign_get_for(request.user, campaign_id)
    else:
        campaign = plan_campaign_list_for(request.user).exclude(plan_deadline__isnull=True).first()
        if campaign is None:
            raise NotFoundError("没有设置了报送截止日期的进行中活动")
    sector = progress_line_for(request.user, sector[:40])
    root = progress_root_for(request.user, campaign, org_id, sector=sector)
    progress = progress if progress in PlanProgress.values else ""
    step = step_get_for(campaign, step_id) if step_id is not None else None
    rows = org_progress_list(campaign=campaign, root=root, progress=progress, step=step, sector=sector)[
        offset : offset + limit
    ]
    return {
        "campaign_id": campaign.pk,
        "root_id": root.pk,
        "counts": org_progress_counts(campaign=campaign, root=root, step=step, sector=sector),
        "items": [
            {
                "organisation_id": o.pk,
                "organisation_name": o.name,
                "parent_name": o.parent_name,
                "progress": o.progress,
                "plan_id": o.plan_id,
                "submitted_at": o.plan_submitted_at,
                "is_late": bool(o.plan_is_late),
            }
            for o in rows
        ],
    }


@router.get("/plans/{pk}", response=PlanDetailOut, url_name="plan-detail")
def plan_detail(request: HttpRequest, pk: int):
    return _detail_out(plan_get_for(request.user, pk))


@router.post("/plans/{pk}/submit", response={201: PlanDetailOut}, url_name="plan-submit")
def plan_submit(request: HttpRequest, pk: int):
    plan = plan_get_for(request.user, pk)
    services.plan_submit(actor=request.user, plan=plan)
    return Status(201, _detail_out(plan_get_for(request.user, pk)))


@router.post("/plans/{pk}/decide", response=PlanDetailOut, url_name="plan-decide")
def plan_decide(request: HttpRequest, pk: int, payload: DecisionIn):
    plan = plan_get_for(request.user, pk)
    services.plan_decide(actor=request.user, plan=plan, decision=payload.decision, comment=payload.comment)
    return _detail_out(plan_get_for(request.user, pk))


# ---------------------------------------------------------------- 征求意见 (consultation on a draft plan)


class PlanConsultCommentOut(Schema):
    id: int
    source: str
    verification: str
    body: str
    created_at: datetime.datetime
    moderation: str
    handling: str
    reason: str


class PlanConsultationOut(Schema):
    id: int
    plan_id: int
    title: str
    body: str
    opened_at: datetime.datetime
    closes_on: datetime.date
    status: str
    summary: str
    answered_at: datetime.datetime | None
    counts: dict[str, int]
    comments: list[PlanConsultCommentOut]


class PlanConsultOpenIn(Schema):
    closes_on: datetime.date


class PlanConsultModerateIn(Schema):
    approve: bool


class PlanConsultHandleIn(Schema):
    handling: str
    reason: str = ""


class PlanConsultSummaryIn(Schema):
    summary: str


class PlanConsultPhoneIn(Schema):
    phone: str


class PlanConsultPhoneOut(Schema):
    sent_to: str


class PlanConsultCommentIn(CountOnceIn):
    body: str


def _comment_out(x) -> dict:
    return fields_from(x, PlanConsultCommentOut)


def _consultation_out(c, comments) -> dict:
    return fields_from(
        c,
        PlanConsultationOut,
        counts=consultations.consultation_counts(c),
        comments=[_comment_out(x) for x in comments],
    )


def _writer_plan(request, pk: int):
    plan = plan_get_for(request.user, pk)
    if not can_write_plan(request.user, plan.organisation):
        raise PermissionDeniedError(_("只有方案起草单位可以管理征求意见"))
    return plan


def _writer_consultation(request, pk: int):
    c = consultations.consultation_for(_writer_plan(request, pk))
    if c is None:
        raise NotFoundError()
    return c


def _writer_comment(request, pk: int):
    row = ConsultationComment.objects.select_related("consultation").filter(pk=pk).first()
    if row is None:
        raise NotFoundError()
    _writer_plan(request, row.consultation.plan_id)
    return row


@router.get("/plans/{pk}/consultation", response=PlanConsultationOut, url_name="plan-consultation")
def plan_consultation(request: HttpRequest, pk: int):
    """The drafter's view of the plan's consultation: every comment, moderated or not."""
    c = _writer_consultation(request, pk)
    return _consultation_out(c, consultations.comment_list(c))


@router.post("/plans/{pk}/consultation", response={201: PlanConsultationOut}, url_name="plan-consultation")
def plan_consultation_open(request: HttpRequest, pk: int, data: PlanConsultOpenIn):
    """Open the draft for comment until `closes_on` (inclusive)."""
    c = consultations.consultation_open(
        actor=request.user, plan=_writer_plan(request, pk), closes_on=data.closes_on
    )
    return Status(201, _consultation_out(c, []))


@router.post(
    "/plans/{pk}/consultation/answer", response=PlanConsultationOut, url_name="plan-consultation-answer"
)
def plan_consultation_answer(request: HttpRequest, pk: int, data: PlanConsultSummaryIn):
    """Publish the 采纳情况 once the period has ended and every public comment is answered."""
    c = consultations.consultation_answer(
        actor=request.user, consultation=_writer_consultation(request, pk), summary=data.summary
    )
    return _consultation_out(c, consultations.comment_list(c))


@router.post(
    "/plans/consultation-comments/{pk}/moderate",
    response=PlanConsultCommentOut,
    url_name="plan-consultation-comment-moderate",
)
def plan_consultation_comment_moderate(request: HttpRequest, pk: int, data: PlanConsultModerateIn):
    row = consultations.comment_moderate(
        actor=request.user, comment=_writer_comment(request, pk), approve=data.approve
    )
    return _comment_out(row)


@router.post(
    "/plans/consultation-comments/{pk}/answer",
    response=PlanConsultCommentOut,
    url_name="plan-consultation-comment-answer",
)
def plan_consultation_comment_answer(request: HttpRequest, pk: int, data: PlanConsultHandleIn):
    row = consultations.comment_answer(
        actor=request.user, comment=_writer_comment(request, pk), handling=data.handling, reason=data.reason
    )
    return _comment_out(row)


@router.get("/consultations/{pk}", response=PlanConsultationOut, url_name="public-consultation", auth=None)
def public_consultation(request: HttpRequest, pk: int):
    """The public side of a consultation (no sign-in): the draft, the public comments and the 采纳情况."""
    c = consultations.public_consultation_get(pk)
    return _consultation_out(c, consultations.public_comments(c))


@router.post(
    "/consultations/{pk}/phone-code",
    response={202: PlanConsultPhoneOut},
    url_name="public-consultation-phone-code",
    auth=None,
)
def public_consultation_phone_code(request: HttpRequest, pk: int, data: PlanConsultPhoneIn):
    """Text a code to a phone before commenting. 422 for a malformed phone, 429 past the daily limits."""
    c = consultations.public_consultation_get(pk)
    masked = consultations.comment_phone_code_send(consultation=c, phone=data.phone, ip=client_ip(request))
    return Status(202, {"sent_to": masked})


@router.post(
    "/consultations/{pk}/comments",
    response={201: PlanConsultCommentOut},
    url_name="public-consultation-comments",
    auth=None,
)
def public_consultation_comment(request: HttpRequest, pk: int, data: PlanConsultCommentIn):
    """Comment as a member of the public (a confirmed phone or a slip), once per person; 409 the second time."""
    c = consultations.public_consultation_get(pk)
    row = consultations.comment_submit(consultation=c, ip=client_ip(request), **data.dict())
    return Status(201, _comment_out(row))
