"""Writes to campaigns: campaigns."""

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from pacesetter.core.audit import audit_create, audit_log, audit_status, audit_update, snapshot
from pacesetter.core.errors import StateError, ValidationError
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.models import Organisation

from .. import tallies
from ..enums import (
    CAMPAIGN_TRANSITIONS,
    CampaignStatus,
)
from ..models import (
    Campaign,
    Milestone,
    Stage,
)
from ._common import CAMPAIGN_FIELDS, STAGE_FIELDS, _require, _require_not_closed, _text
from .criteria import criteria_seed_defaults

# ---------------------------------------------------------------- campaigns


def _clean_campaign(name, starts_on, ends_on, plan_deadline, requirement, description) -> dict:
    name = _text(name, field="name", label=_("活动名称"), limit=200)
    if not starts_on:
        raise ValidationError(_("请填写开始日期"), field="starts_on")
    if not ends_on:
        raise ValidationError(_("请填写结束日期"), field="ends_on")
    if ends_on < starts_on:
        raise ValidationError(_("结束日期不能早于开始日期"), field="ends_on")
    if plan_deadline and not (starts_on <= plan_deadline <= ends_on):
        raise ValidationError(_("实施方案报送截止日期应在活动起止日期之内"), field="plan_deadline")
    return {
        "name": name,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "plan_deadline": plan_deadline or None,
        "requirement": (requirement or "").strip(),
        "description": (description or "").strip(),
    }


@transaction.atomic
def campaign_create(
    *,
    actor,
    organisation: Organisation,
    name: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    plan_deadline: datetime.date | None = None,
    requirement: str | None = None,
    description: str = "",
) -> Campaign:
    """Create a campaign in draft, covering `organisation`'s subtree, with its own copy of the standards."""
    _require(actor, organisation, Cap.CAMPAIGN_MANAGE)
    if not organisation.is_active:
        raise StateError(
            _("“%(org)s”已撤销，不能组织活动") % {"org": organisation.name}, field="organisation"
        )
    data = _clean_campaign(name, starts_on, ends_on, plan_deadline, requirement, description)
    if requirement is None:
        data.pop("requirement")  # keep the model's default (四句话)
    campaign = Campaign.objects.create(organisation=organisation, created_by=actor, **data)
    tallies.rebuild(campaign)  # the dashboard's counters start with every organisation below, no plan
    audit_create(actor, "campaign.create", campaign, CAMPAIGN_FIELDS, scope_path=organisation.path)
    criteria_seed_defaults(campaign=campaign)
    return campaign


@transaction.atomic
def campaign_update(
    *,
    actor,
    campaign: Campaign,
    name: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    plan_deadline: datetime.date | None = None,
    requirement: str = "",
    description: str = "",
) -> Campaign:
    _require(actor, campaign.organisation, Cap.CAMPAIGN_MANAGE)
    campaign = (
        Campaign.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=campaign.pk)
    )
    before = snapshot(campaign, CAMPAIGN_FIELDS)
    data = _clean_campaign(name, starts_on, ends_on, plan_deadline, requirement, description)
    for key, value in data.items():
        setattr(campaign, key, value)
    campaign.save(update_fields=list(data))
    audit_update(actor, "campaign.update", campaign, before, CAMPAIGN_FIELDS)
    return campaign


TRANSITION_ACTIONS = {
    (CampaignStatus.DRAFT, CampaignStatus.ACTIVE): "campaign.activate",
    (CampaignStatus.ACTIVE, CampaignStatus.CLOSED): "campaign.close",
    (CampaignStatus.CLOSED, CampaignStatus.ACTIVE): "campaign.reopen",
}


@transaction.atomic
def campaign_transition(*, actor, campaign: Campaign, to_status: str, reason: str = "") -> Campaign:
    """The one place a campaign's status changes (table: enums.CAMPAIGN_TRANSITIONS)."""
    _require(actor, campaign.organisation, Cap.CAMPAIGN_MANAGE)
    if to_status not in CampaignStatus.values:
        raise ValidationError(_("无效的活动状态：%(s)s") % {"s": to_status}, field="status")
    campaign = (
        Campaign.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=campaign.pk)
    )
    current = campaign.status
    if to_status not in CAMPAIGN_TRANSITIONS.get(current, frozenset()):
        raise StateError(
            _("活动当前为“%(from)s”，不能改为“%(to)s”")
            % {"from": CampaignStatus(current).label, "to": CampaignStatus(to_status).label},
            field="status",
        )
    reason = (reason or "").strip()
    if (current, to_status) == (CampaignStatus.CLOSED, CampaignStatus.ACTIVE) and not reason:
        raise ValidationError(_("重新开启已结束的活动须说明理由"), field="reason")
    campaign.status = to_status
    campaign.save(update_fields=["status"])
    audit_status(
        actor,
        TRANSITION_ACTIONS[(current, to_status)],
        campaign,
        current,
        extra={"reason": reason} if reason else None,
    )
    return campaign


# ---------------------------------------------------------------- stages and milestones


def _clean_stage(campaign, name, starts_on, ends_on) -> tuple[str, datetime.date, datetime.date]:
    name = _text(name, field="name", label=_("阶段名称"), limit=200)
    if not starts_on or not ends_on:
        raise ValidationError(_("请填写阶段的起止日期"), field="starts_on" if not starts_on else "ends_on")
    if ends_on < starts_on:
        raise ValidationError(_("结束日期不能早于开始日期"), field="ends_on")
    if starts_on < campaign.starts_on or ends_on > campaign.ends_on:
        raise ValidationError(
            _("阶段应在活动起止日期（%(s)s 至 %(e)s）之内")
            % {"s": campaign.starts_on, "e": campaign.ends_on},
            field="starts_on" if starts_on < campaign.starts_on else "ends_on",
        )
    return name, starts_on, ends_on


@transaction.atomic
def stage_create(
    *, actor, campaign: Campaign, name: str, starts_on: datetime.date, ends_on: datetime.date
) -> Stage:
    _require(actor, campaign.organisation, Cap.CAMPAIGN_MANAGE)
    _require_not_closed(campaign)
    name, starts_on, ends_on = _clean_stage(campaign, name, starts_on, ends_on)
    order = (campaign.stages.aggregate(m=Max("order"))["m"] or 0) + 1
    stage = Stage.objects.create(
        campaign=campaign, name=name, starts_on=starts_on, ends_on=ends_on, order=order
    )
    audit_create(actor, "stage.create", stage, STAGE_FIELDS, scope_path=campaign.organisation.path)
    return stage


@transaction.atomic
def stage_update(
    *, actor, stage: Stage, name: str, starts_on: datetime.date, ends_on: datetime.date
) -> Stage:
    campaign = stage.campaign
    _require(actor, campaign.organisation, Cap.CAMPAIGN_MANAGE)
    _require_not_closed(campaign)
    stage = Stage.objects.select_for_update(of=("self",)).get(pk=stage.pk)
    before = snapshot(stage, STAGE_FIELDS)
    stage.name, stage.starts_on, stage.ends_on = _clean_stage(campaign, name, starts_on, ends_on)
    stage.save(update_fields=["name", "starts_on", "ends_on"])
    audit_update(actor, "stage.update", stage, before, STAGE_FIELDS, scope_path=campaign.organisation.path)
    return stage


@transaction.atomic
def milestone_create(*, actor, stage: Stage, name: str, date: datetime.date) -> Milestone:
    campaign = stage.campaign
    _require(actor, campaign.organisation, Cap.CAMPAIGN_MANAGE)
    _require_not_closed(campaign)
    name = _text(name, field="name", label=_("节点名称"), limit=200)
    if not date:
        raise ValidationError(_("请填写节点日期"), field="date")
    if not (campaign.starts_on <= date <= campaign.ends_on):
        raise ValidationError(_("节点日期应在活动起止日期之内"), field="date")
    milestone = Milestone.objects.create(stage=stage, name=name, date=date)
    audit_log(
        actor=actor,
        action="milestone.create",
        obj=milestone,
        after={"name": name, "date": date, "stage": stage.pk},
        scope_path=campaign.organisation.path,
    )
    return milestone


@transaction.atomic
def milestone_delete(*, actor, milestone: Milestone) -> None:
    campaign = milestone.stage.campaign
    _require(actor, campaign.organisation, Cap.CAMPAIGN_MANAGE)
    _require_not_closed(campaign)
    audit_log(
        actor=actor,
        action="milestone.delete",
        obj=milestone,
        before={"name": milestone.name, "date": milestone.date, "stage": milestone.stage_id},
        scope_path=campaign.organisation.path,
    )
    milestone.delete()
