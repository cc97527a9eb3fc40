"""Writes to campaigns: steps."""

import datetime
import math

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.core.audit import audit_create, audit_log, audit_update, snapshot
from pacesetter.core.errors import StateError, ValidationError
from pacesetter.notifications.kinds import Kind
from pacesetter.notifications.services import notify
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.models import Organisation

from ..enums import (
    DEFAULT_STEP_CAPABILITIES,
    CampaignStatus,
    StepCapability,
    StepKind,
)
from ..models import (
    Stage,
    Step,
    StepExtension,
)
from ._common import (
    STEP_FIELDS,
    _fmt,
    _require,
    _require_in_campaign,
    _require_not_closed,
    _text,
    secretaries_in_subtree,
    step_audience,
)

# ---------------------------------------------------------------- steps and windows


def _clean_window(opens_at, closes_at) -> None:
    if opens_at is None:
        raise ValidationError(_("请填写开始时间"), field="opens_at")
    if closes_at is None:
        raise ValidationError(_("请填写结束时间"), field="closes_at")
    if closes_at <= opens_at:
        raise ValidationError(_("结束时间必须晚于开始时间"), field="closes_at")


def _clean_capabilities(capabilities) -> list[str]:
    values = list(dict.fromkeys(capabilities or []))
    bad = [c for c in values if c not in StepCapability.values]
    if bad:
        raise ValidationError(_("无效的开放功能：%(v)s") % {"v": "、".join(bad)}, field="capabilities")
    return [c for c in StepCapability.values if c in values]  # canonical order


@transaction.atomic
def step_create(
    *,
    actor,
    stage: Stage,
    kind: str,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    capabilities: list[str] | None = None,
) -> Step:
    campaign = stage.campaign
    _require(actor, campaign.organisation, Cap.CAMPAIGN_MANAGE)
    _require_not_closed(campaign)
    if kind not in StepKind.values:
        raise ValidationError(_("无效的步骤：%(v)s") % {"v": kind}, field="kind")
    _clean_window(opens_at, closes_at)
    caps = _clean_capabilities(DEFAULT_STEP_CAPABILITIES[kind] if capabilities is None else capabilities)
    if Step.objects.filter(stage=stage, kind=kind).exists():
        raise ValidationError(
            _("“%(stage)s”已有“%(step)s”步骤") % {"stage": stage.name, "step": StepKind(kind).label},
            field="kind",
        )
    step = Step.objects.create(
        campaign=campaign, stage=stage, kind=kind, capabilities=caps, opens_at=opens_at, closes_at=closes_at
    )
    audit_create(actor, "step.create", step, STEP_FIELDS, scope_path=campaign.organisation.path)
    return step


def default_windows(stage: Stage) -> list[tuple[str, datetime.datetime, datetime.datetime]]:
    """The seven steps one after another over the stage, in equal shares of its days."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(stage.starts_on, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(stage.ends_on + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    days = (end - start).days
    kinds = list(StepKind.values)
    bounds = [start + datetime.timedelta(days=math.floor(days * i / len(kinds))) for i in range(len(kinds))]
    bounds.append(end)
    windows = []
    for i, kind in enumerate(kinds):
        opens, closes = bounds[i], bounds[i + 1]
        if closes <= opens:  # a stage shorter than seven days: give each step at least an hour
            closes = opens + datetime.timedelta(hours=1)
        windows.append((kind, opens, closes))
    return windows


@transaction.atomic
def steps_lay_out_defaults(*, actor, stage: Stage) -> list[Step]:
    """Create the seven steps (动员部署 … 评选表彰) for `stage` with default capabilities; skip existing kinds."""
    campaign = stage.campaign
    _require(actor, campaign.organisation, Cap.CAMPAIGN_MANAGE)
    _require_not_closed(campaign)
    existing = set(Step.objects.filter(stage=stage).values_list("kind", flat=True))
    steps = Step.objects.bulk_create(
        [
            Step(
                campaign=campaign,
                stage=stage,
                kind=kind,
                capabilities=_clean_capabilities(DEFAULT_STEP_CAPABILITIES[kind]),
                opens_at=opens,
                closes_at=closes,
            )
            for kind, opens, closes in default_windows(stage)
            if kind not in existing
        ]
    )
    if not steps:
        raise StateError(_("“%(stage)s”的七个步骤都已存在") % {"stage": stage.name})
    audit_log(
        actor=actor,
        action="stage.layout",
        obj=stage,
        extra={"steps": [s.kind for s in steps]},
        scope_path=campaign.organisation.path,
    )
    return steps


@transaction.atomic
def step_update(
    *,
    actor,
    step: Step,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    capabilities: list[str],
    plan_required: bool | None = None,
    plan_deadline: datetime.date | None = None,
) -> Step:
    """Change a step's window and flags. Moving an announced edge into the future re-arms its announcement.

    `plan_required` None leaves the step-plan requirement (阶段实施方案) as it is; False clears it and its
    deadline; True requires every organisation below the campaign's to submit a plan for this step.
    """
    campaign = step.campaign
    _require(actor, campaign.organisation, Cap.CAMPAIGN_MANAGE)
    _require_not_closed(campaign)
    _clean_window(opens_at, closes_at)
    caps = _clean_capabilities(capabilities)
    if (
        plan_required
        and plan_deadline is not None
        and not (campaign.starts_on <= plan_deadline <= campaign.ends_on)
    ):
        raise ValidationError(_("步骤方案报送截止日期须在活动起止日期之内"), field="plan_deadline")
    step = Step.objects.select_for_update(of=("self",)).get(pk=step.pk)
    before = snapshot(step, STEP_FIELDS)
    now = timezone.now()
    step.opens_at, step.closes_at, step.capabilities = opens_at, closes_at, caps
    fields = ["opens_at", "closes_at", "capabilities"]
    if plan_required is not None:
        step.plan_required = bool(plan_required)
        step.plan_deadline = plan_deadline if plan_required else None
        fields += ["plan_required", "plan_deadline"]
    if opens_at > now and step.opened_announced_at is not None:
        step.opened_announced_at = None
        fields.append("opened_announced_at")
    if closes_at > now and step.closed_announced_at is not None:
        step.closed_announced_at = None
        fields.append("closed_announced_at")
    step.save(update_fields=fields)
    audit_update(actor, "step.update", step, before, STEP_FIELDS, scope_path=campaign.organisation.path)
    return step


@transaction.atomic
def step_extension_create(
    *, actor, step: Step, organisation: Organisation, closes_at: datetime.datetime, reason: str
) -> StepExtension:
    """Keep `step` open longer for `organisation`'s subtree (延期); notifies that subtree's secretaries."""
    campaign = step.campaign
    _require(actor, organisation, Cap.CAMPAIGN_MANAGE)
    _require(actor, campaign.organisation, Cap.CAMPAIGN_MANAGE)
    _require_not_closed(campaign)
    _require_in_campaign(campaign, organisation)
    reason = _text(reason, field="reason", label=_("延期理由"), limit=300)
    if closes_at is None:
        raise ValidationError(_("请填写延至的时间"), field="closes_at")
    if closes_at <= step.closes_at:
        raise ValidationError(
            _("延期后的截止时间必须晚于步骤原定的截止时间 %(end)s") % {"end": _fmt(step.closes_at)},
            field="closes_at",
        )
    extension = StepExtension.objects.filter(step=step, organisation=organisation).first()
    before = {"closes_at": extension.closes_at, "reason": extension.reason} if extension else None
    if extension is None:
        extension = StepExtension(step=step, organisation=organisation)
    extension.closes_at, extension.reason, extension.granted_by = closes_at, reason, actor
    extension.save()
    audit_log(
        actor=actor,
        action="step.extend",
        obj=extension,
        before=before,
        after={"closes_at": closes_at, "reason": reason, "organisation": organisation.pk},
        scope_path=organisation.path,
    )
    notify(
        kind=Kind.CAMPAIGN,
        recipients=list(secretaries_in_subtree(organisation.path)),
        title=_("“%(step)s”步骤对“%(org)s”延期至 %(end)s")
        % {"step": step.get_kind_display(), "org": organisation.name, "end": _fmt(closes_at)},
        body=_("活动：%(c)s。理由：%(r)s") % {"c": campaign.name, "r": reason},
        url=reverse("campaigns:campaign-detail", args=[campaign.pk]),
    )
    return extension


def step_announce(*, step_id: int, edge: str, now: datetime.datetime | None = None) -> bool:
    """Announce a step's opening or closing once: compare-and-set the marker, audit, notify the subtree.

    Returns False when another worker announced it first (or the edge has not passed yet).
    """
    now = now or timezone.now()
    marker, at_field, action = (
        ("opened_announced_at", "opens_at", "step.open")
        if edge == "open"
        else ("closed_announced_at", "closes_at", "step.close")
    )
    with transaction.atomic():
        won = Step.objects.filter(
            pk=step_id,
            campaign__status=CampaignStatus.ACTIVE,
            **{f"{marker}__isnull": True, f"{at_field}__lte": now},
        ).update(**{marker: now})
        if not won:
            return False
        step = Step.objects.select_related("campaign__organisation", "stage").get(pk=step_id)
        if edge == "open" and step.closes_at <= now:
            return (
                True  # opened and closed while nobody watched (e.g. a draft); the close is announced instead
            )
        campaign = step.campaign
        audit_log(
            actor=None,
            action=action,
            obj=step,
            extra={"at": getattr(step, at_field), "campaign": campaign.pk},
            scope_path=campaign.organisation.path,
        )
        labels = "、".join(str(StepCapability(c).label) for c in step.capabilities) or _("无")
        if edge == "open":
            title = _("“%(step)s”步骤已开始：%(c)s") % {"step": step.get_kind_display(), "c": campaign.name}
            body = _("%(stage)s。开放至 %(end)s，期间可以：%(what)s。") % {
                "stage": step.stage.name,
                "end": _fmt(step.closes_at),
                "what": labels,
            }
        else:
            title = _("“%(step)s”步骤已截止：%(c)s") % {"step": step.get_kind_display(), "c": campaign.name}
            body = _("%(stage)s。已于 %(end)s 截止（获准延期的组织除外），不再开放：%(what)s。") % {
                "stage": step.stage.name,
                "end": _fmt(step.closes_at),
                "what": labels,
            }
        notify(
            kind=Kind.CAMPAIGN,
            recipients=step_audience(step, campaign.organisation.path),
            title=title,
            body=body,
            url=reverse("campaigns:campaign-detail", args=[campaign.pk]),
        )
    return True
