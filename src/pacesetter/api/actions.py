"""Required and optional action (规定动作 / 自选动作) endpoints: the same services and selectors as the pages."""

import datetime

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from pacesetter.actions import services
from pacesetter.actions.selectors import (
    action_campaigns_for_org,
    checklist_for,
    missing_counts,
    optional_get_for,
    optional_list,
    record_of_org,
    required_action_get_for,
    required_action_list,
)
from pacesetter.campaigns import selectors as campaigns_selectors
from pacesetter.core.errors import ValidationError
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.selectors import org_get_for

from ._common import campaign_or_first, fields_from

router = Router(tags=["规定动作 actions"])


class RequiredActionOut(Schema):
    id: int
    campaign_id: int
    step_id: int
    step_kind: str
    name: str
    description: str
    record_kind: str
    order: int


class RequiredActionIn(Schema):
    step_id: int
    name: str
    description: str = ""
    record_kind: str = ""
    order: int = 1


class ActionRecordOut(Schema):
    id: int
    title: str
    occurred_on: datetime.date
    kind: str


class ChecklistRowOut(Schema):
    action_id: int
    name: str
    step_kind: str
    opens_on: datetime.date
    closes_on: datetime.date
    state: str
    evidence: ActionRecordOut | None
    auto_detected: bool
    rejected_record_ids: list[int]


class ChecklistOut(Schema):
    campaign_id: int
    organisation_id: int
    items: list[ChecklistRowOut]


class ActionLinkIn(Schema):
    record_id: int


class ActionRejectIn(Schema):
    record_id: int
    reason: str


class ActionLinkOut(Schema):
    id: int
    action_id: int
    organisation_id: int
    record_id: int
    source: str
    status: str
    reason: str


class OptionalActionIn(Schema):
    title: str
    description: str = ""
    record_id: int | None = None


class OptionalActionOut(Schema):
    id: int
    campaign_id: int
    organisation_id: int
    title: str
    description: str
    record_id: int | None
    highlight: str


class OptionalMarkIn(Schema):
    highlight: str


class MissingActionOut(Schema):
    action_id: int
    name: str
    state: str
    not_done: int
    total: int


def _required_out(a) -> dict:
    return fields_from(a, RequiredActionOut, step_kind=a.step.kind)


def _campaign(request, org, campaign_id):
    return campaign_or_first(
        campaigns_selectors.campaign_get_for,
        request.user,
        campaign_id,
        action_campaigns_for_org(org),
        "目前没有需要该组织完成规定动作的活动",
    )


def _record(org, record_id):
    record = record_of_org(org, record_id) if record_id is not None else None
    if record is None:
        raise ValidationError("请选择本组织的一条记实", field="record_id")
    return record


@router.get("/campaigns/{pk}/required-actions", response=list[RequiredActionOut], url_name="action-required")
def required_actions(request: HttpRequest, pk: int):
    campaign = campaigns_selectors.campaign_get_for(request.user, pk)
    return [_required_out(a) for a in required_action_list(campaign)]


@router.post(
    "/campaigns/{pk}/required-actions", response={201: RequiredActionOut}, url_name="action-required"
)
def required_action_create(request: HttpRequest, pk: int, payload: RequiredActionIn):
    campaign = campaigns_selectors.campaign_get_for(request.user, pk)
    step = campaign.steps.filter(pk=payload.step_id).first()
    if step is None:
        raise ValidationError("该活动没有这个步骤", field="step_id")
    action = services.required_action_create(
        actor=request.user, step=step, **payload.dict(exclude={"step_id"})
    )
    return Status(201, _required_out(action))


@router.get("/actions/orgs/{org_id}/checklist", response=ChecklistOut, url_name="action-checklist")
def checklist(request: HttpRequest, org_id: int, campaign_id: int | None = None):
    """One organisation's required actions: done / pending / missing / upcoming, with the evidence."""
    org = org_get_for(request.user, org_id, cap=Cap.CAMPAIGN_VIEW)
    campaign = _campaign(request, org, campaign_id)
    return {
        "campaign_id": campaign.pk,
        "organisation_id": org.pk,
        "items": [
            fields_from(
                r,
                ChecklistRowOut,
                action_id=r.action.pk,
                name=r.action.name,
                step_kind=r.action.step.kind,
                auto_detected=r.evidence is not None and r.evidence_link is None,
                rejected_record_ids=[lk.record_id for lk in r.rejected],
            )
            for r in checklist_for(campaign=campaign, org=org)
        ],
    }


@router.post(
    "/actions/orgs/{org_id}/required/{pk}/links", response={201: ActionLinkOut}, url_name="action-link"
)
def link_create(request: HttpRequest, org_id: int, pk: int, payload: ActionLinkIn):
    org = org_get_for(request.user, org_id, cap=Cap.RECORD_LOG)
    action = required_action_get_for(request.user, pk)
    link = services.action_link_create(
        actor=request.user, action=action, org=org, record=_record(org, payload.record_id)
    )
    return Status(201, link)


@router.post(
    "/actions/orgs/{org_id}/required/{pk}/reject", response=ActionLinkOut, url_name="action-link-reject"
)
def link_reject(request: HttpRequest, org_id: int, pk: int, payload: ActionRejectIn):
    org = org_get_for(request.user, org_id, cap=Cap.CAMPAIGN_VIEW)
    action = required_action_get_for(request.user, pk)
    return services.action_link_reject(
        actor=request.user,
        action=action,
        org=org,
        record=_record(org, payload.record_id),
        reason=payload.reason,
    )


@router.get("/actions/orgs/{org_id}/optional", response=list[OptionalActionOut], url_name="action-optional")
def optional_actions(request: HttpRequest, org_id: int, campaign_id: int | None = None):
    org = org_get_for(request.user, org_id, cap=Cap.CAMPAIGN_VIEW)
    return list(optional_list(campaign=_campaign(request, org, campaign_id), org=org)[:500])


@router.post("/actions/orgs/{org_id}/optional", response={201: OptionalActionOut}, url_name="action-optional")
def optional_create(
    request: HttpRequest, org_id: int, payload: OptionalActionIn, campaign_id: int | None = None
):
    org = org_get_for(request.user, org_id, cap=Cap.RECORD_LOG)
    opt = services.optional_action_create(
        actor=request.user,
        campaign=_campaign(request, org, campaign_id),
        org=org,
        title=payload.title,
        description=payload.description,
        record=_record(org, payload.record_id) if payload.record_id is not None else None,
    )
    return Status(201, opt)


@router.post("/actions/optional/{pk}/mark", response=OptionalActionOut, url_name="action-optional-mark")
def optional_mark(request: HttpRequest, pk: int, payload: OptionalMarkIn):
    opt = optional_get_for(request.user, pk)
    return services.optional_action_mark(actor=request.user, optional=opt, highlight=payload.highlight)


@router.get("/campaigns/{pk}/missing-actions", response=list[MissingActionOut], url_name="action-missing")
def missing_actions(request: HttpRequest, pk: int, org_id: int | None = None):
    """Per required action whose step has opened: organisations in the subtree that have not done it."""
    campaign = campaigns_selectors.campaign_get_for(request.user, pk)
    root = campaigns_selectors.campaign_root_for(request.user, campaign, org_id, cap=Cap.PROGRESS_VIEW)
    return [
        fields_from(m, MissingActionOut, action_id=m.action.pk, name=m.action.name)
        for m in missing_counts(campaign=campaign, root=root)
    ]
