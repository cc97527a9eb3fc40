"""Writes to campaigns: common."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from pacesetter.core.errors import PermissionDeniedError, StateError, ValidationError
from pacesetter.core.text import clean_text
from pacesetter.orgs.enums import Role
from pacesetter.orgs.models import Organisation
from pacesetter.orgs.selectors import org_in_scope

from ..enums import (
    CampaignStatus,
    StepCapability,
)
from ..models import (
    Campaign,
    Step,
)

CAMPAIGN_FIELDS = [
    "name",
    "organisation",
    "requirement",
    "description",
    "starts_on",
    "ends_on",
    "plan_deadline",
]
STAGE_FIELDS = ["name", "starts_on", "ends_on", "order"]
STEP_FIELDS = ["kind", "capabilities", "opens_at", "closes_at", "plan_required", "plan_deadline"]
MAX_CARRIERS = 20
MAX_GROUP_ROWS = 60


def _require(actor, org: Organisation, cap: str) -> None:
    if actor is not None and not org_in_scope(actor, org, cap):
        raise PermissionDeniedError(_("您无权在“%(org)s”范围内执行此操作") % {"org": org.name})


def _require_in_campaign(campaign: Campaign, org: Organisation, field: str = "organisation") -> None:
    if not org.is_within(campaign.organisation):
        raise ValidationError(
            _("“%(org)s”不在活动“%(c)s”的范围内") % {"org": org.name, "c": campaign.name}, field=field
        )


def _require_not_closed(campaign: Campaign) -> None:
    if campaign.status == CampaignStatus.CLOSED:
        raise StateError(_("活动“%(c)s”已结束，不能再修改") % {"c": campaign.name})


_text = clean_text


def _fmt(value: datetime.datetime) -> str:
    return date_format(timezone.localtime(value), "Y-m-d H:i")


def secretaries_in_subtree(path: str):
    """Active users holding a secretary grant on an organisation at or below `path` (one query)."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            role_grants__role=Role.SECRETARY,
            role_grants__revoked_at__isnull=True,
            role_grants__organisation__path__startswith=path,
        )
        .distinct()
    )


def step_audience(step: Step, path: str) -> list:
    """Who must act when `step` opens or closes under `path`: leaders with a liaison organisation (联系点)
    there for a 领导点评 window, secretaries for every other capability (one or two queries)."""
    caps = set(step.capabilities)
    users: dict[int, object] = {}
    if StepCapability.REVIEWS in caps:
        leaders = get_user_model().objects.filter(
            is_active=True,
            liaisons__organisation__path__startswith=path,
            liaisons__organisation__is_active=True,
        )
        users.update((u.pk, u) for u in leaders.distinct())
    if caps - {StepCapability.REVIEWS}:
        users.update((u.pk, u) for u in secretaries_in_subtree(path))
    return list(users.values())
