"""Implementation plan (实施方案) endpoints: the same services and selectors as the pages."""

import datetime

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from pacesetter.core.errors import NotFoundError
from pacesetter.core.paging import limit_param, offset_param
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.selectors import org_get_for
from pacesetter.plans import services
from pacesetter.plans.enums import PlanProgress
from pacesetter.plans.selectors import (
    campaign_get_for,
    org_progress_counts,
    org_progress_list,
    plan_campaign_list_for,
    plan_campaigns_for_org,
    plan_for,
    plan_get_for,
    plan_history,
    progress_root_for,
    review_queue_for,
    step_get_for,
)

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
    return (user.get_full_name() or user.get_username()) if user else ""


def _plan_out(plan) -> dict:
    return {
        "id": plan.pk,
        "campaign_id": plan.campaign_id,
        "step_id": plan.step_id,
        "organisation_id": plan.organisation_id,
        "organisation_name": plan.organisation.name,
        "title": plan.title,
        "body": plan.body,
        "status": plan.status,
        "version": plan.current_version.number if plan.current_version else None,
        "submitted_at": plan.submitted_at,
        "is_late": plan.is_late,
    }


def _detail_out(plan) -> dict:
    versions = [
        {
            "number": v.number,
            "title": v.title,
            "body": v.body,
            "submitted_by": _name(v.submitted_by),
            "submitted_at": v.submitted_at,
            "is_late": v.is_late,
            "decisions": [
                {
                    "decision": d.decision,
                    "comment": d.comment,
                    "decided_by": _name(d.decided_by),
                    "decided_at": d.decided_at,
                }
                for d in v.decisions.all()
            ],
        }
        for v in reversed(plan_history(plan))
    ]
    return {**_plan_out(plan), "versions": versions}


def _campaign_for(request, org, campaign_id):
    if campaign_id is not None:
        return campaign_get_for(request.user, campaign_id)
    campaign = plan_campaigns_for_org(org).first()
    if campaign is None:
        raise NotFoundError("目前没有需要该组织报送实施方案的活动")
    return campaign


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
    limit: int = limit_param(100, 1000),
    offset: int = offset_param(),
):
    """Each organisation's plan status in a subtree (progress=overdue for the overdue list), with counts;
    with step_id the plans for that step (阶段实施方案) instead of the overall plan."""
    if campaign_id is not None:
        campaign = campaign_get_for(request.user, campaign_id)
    else:
        campaign = plan_campaign_list_for(request.user).exclude(plan_deadline__isnull=True).first()
        if campaign is None:
            raise NotFoundError("没有设置了报送截止日期的进行中活动")
    root = progress_root_for(request.user, campaign, org_id)
    progress = progress if progress in PlanProgress.values else ""
    step = step_get_for(campaign, step_id) if step_id is not None else None
    rows = org_progress_list(campaign=campaign, root=root, progress=progress, step=step)[
        offset : offset + limit
    ]
    return {
        "campaign_id": campaign.pk,
        "root_id": root.pk,
        "counts": org_progress_counts(campaign=campaign, root=root, step=step),
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
