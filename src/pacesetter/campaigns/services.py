"""Writes to campaigns: stages, steps and windows, criteria, themes, leading groups, pairings; each audited."""

import datetime
import math

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from pacesetter.core.audit import audit_log, snapshot
from pacesetter.core.errors import PermissionDeniedError, StateError, ValidationError
from pacesetter.core.text import clean_text
from pacesetter.notifications.kinds import Kind
from pacesetter.notifications.services import notify
from pacesetter.orgs.enums import Cap, MemberStatus, Role
from pacesetter.orgs.models import Member, Organisation
from pacesetter.orgs.selectors import org_in_scope

from .criteria_seed import DEFAULT_CRITERIA, equal_weights
from .enums import (
    CAMPAIGN_TRANSITIONS,
    DEFAULT_STEP_CAPABILITIES,
    CampaignStatus,
    CriteriaSubject,
    GroupPosition,
    PairingKind,
    StepCapability,
    StepKind,
)
from .models import (
    Campaign,
    CriteriaIndicator,
    CriteriaItem,
    CriteriaSet,
    GroupMember,
    MemberRequirement,
    Milestone,
    OrgTheme,
    Pairing,
    PairingNote,
    Stage,
    Step,
    StepExtension,
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
    audit_log(
        actor=actor,
        action="campaign.create",
        obj=campaign,
        after=snapshot(campaign, CAMPAIGN_FIELDS),
        scope_path=organisation.path,
    )
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
    audit_log(
        actor=actor,
        action="campaign.update",
        obj=campaign,
        before=before,
        after=snapshot(campaign, CAMPAIGN_FIELDS),
        scope_path=campaign.organisation.path,
    )
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
    audit_log(
        actor=actor,
        action=TRANSITION_ACTIONS[(current, to_status)],
        obj=campaign,
        before={"status": current},
        after={"status": to_status},
        extra={"reason": reason} if reason else None,
        scope_path=campaign.organisation.path,
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
    audit_log(
        actor=actor,
        action="stage.create",
        obj=stage,
        after=snapshot(stage, STAGE_FIELDS),
        scope_path=campaign.organisation.path,
    )
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
    audit_log(
        actor=actor,
        action="stage.update",
        obj=stage,
        before=before,
        after=snapshot(stage, STAGE_FIELDS),
        scope_path=campaign.organisation.path,
    )
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
    audit_log(
        actor=actor,
        action="step.create",
        obj=step,
        after=snapshot(step, STEP_FIELDS),
        scope_path=campaign.organisation.path,
    )
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
    audit_log(
        actor=actor,
        action="step.update",
        obj=step,
        before=before,
        after=snapshot(step, STEP_FIELDS),
        scope_path=campaign.organisation.path,
    )
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


# ---------------------------------------------------------------- criteria


def criteria_seed_defaults(*, campaign: Campaign) -> list[CriteriaSet]:
    """Copy 五个好 and 五带头 (with 四比四看) into a new campaign; called by campaign_create."""
    sets = []
    for order, (name, subject, description, items) in enumerate(DEFAULT_CRITERIA, start=1):
        cset = CriteriaSet.objects.create(
            campaign=campaign, name=name, subject=subject, description=description, order=order
        )
        _write_items(cset, [{"name": n, "description": d, "indicators": i} for n, d, i in items], equal=True)
        sets.append(cset)
    return sets


def _write_items(cset: CriteriaSet, items: list[dict], *, equal: bool = False) -> None:
    weights = equal_weights(len(items)) if equal else [it["weight"] for it in items]
    existing = {i.pk: i for i in cset.items.all()}
    keep = []
    for order, (data, weight) in enumerate(zip(items, weights, strict=True), start=1):
        item = existing.get(data.get("id")) if data.get("id") else None
        if item is None:
            item = CriteriaItem(criteria_set=cset)
        item.name, item.description, item.weight, item.order = (
            data["name"],
            data.get("description", ""),
            weight,
            order,
        )
        item.save()
        keep.append(item.pk)
    cset.items.exclude(pk__in=keep).delete()
    CriteriaIndicator.objects.filter(item__criteria_set=cset).delete()
    CriteriaIndicator.objects.bulk_create(
        [
            CriteriaIndicator(item_id=item_id, name=name, order=n)
            for item_id, data in zip(keep, items, strict=True)
            for n, name in enumerate(data.get("indicators", []), start=1)
        ]
    )


def _clean_items(items: list[dict]) -> list[dict]:
    if not items:
        raise ValidationError(_("评价标准至少要有一项"), field="items")
    cleaned, names = [], set()
    for n, raw in enumerate(items, start=1):
        name = (raw.get("name") or "").strip()
        if not name:
            raise ValidationError(_("第 %(n)d 项没有填写名称") % {"n": n}, field="items")
        if len(name) > 100:
            raise ValidationError(_("第 %(n)d 项名称不能超过100个字") % {"n": n}, field="items")
        if name in names:
            raise ValidationError(_("标准项“%(name)s”重复") % {"name": name}, field="items")
        names.add(name)
        try:
            weight = int(raw.get("weight"))
        except (TypeError, ValueError):
            raise ValidationError(_("“%(name)s”的权重必须是整数") % {"name": name}, field="weight") from None
        if not 1 <= weight <= 100:
            raise ValidationError(_("“%(name)s”的权重应在 1 到 100 之间") % {"name": name}, field="weight")
        indicators = [i.strip() for i in raw.get("indicators") or [] if i and i.strip()]
        if any(len(i) > 100 for i in indicators):
            raise ValidationError(_("考察指标不能超过100个字"), field="indicators")
        cleaned.append(
            {
                "id": raw.get("id"),
                "name": name,
                "description": (raw.get("description") or "").strip(),
                "weight": weight,
                "indicators": list(dict.fromkeys(indicators)),
            }
        )
    total = sum(i["weight"] for i in cleaned)
    if total != 100:
        raise ValidationError(
            _("各项权重之和必须等于 100，现在是 %(total)d（%(detail)s）")
            % {"total": total, "detail": "、".join(f"{i['name']} {i['weight']}" for i in cleaned)},
            field="weight",
        )
    return cleaned


def _require_unlocked(cset: CriteriaSet) -> None:
    if cset.locked:
        raise StateError(
            _("评价标准“%(name)s”已被评议使用并锁定，不能再修改；如需调整请新建一套标准")
            % {"name": cset.name}
        )


def _items_snapshot(cset: CriteriaSet) -> list:
    return [
        [i.name, i.weight, [x.name for x in i.indicators.all()]]
        for i in cset.items.prefetch_related("indicators").order_by("order", "id")
    ]


@transaction.atomic
def criteria_set_create(
    *, actor, campaign: Campaign, name: str, subject: str, description: str = ""
) -> CriteriaSet:
    _require(actor, campaign.organisation, Cap.CAMPAIGN_MANAGE)
    _require_not_closed(campaign)
    name = _text(name, field="name", label=_("标准名称"), limit=100)
    if subject not in CriteriaSubject.values:
        raise ValidationError(_("无效的评价对象：%(v)s") % {"v": subject}, field="subject")
    if CriteriaSet.objects.filter(campaign=campaign, name=name).exists():
        raise ValidationError(_("本活动已有名为“%(name)s”的评价标准") % {"name": name}, field="name")
    order = (campaign.criteria_sets.aggregate(m=Max("order"))["m"] or 0) + 1
    cset = CriteriaSet.objects.create(
        campaign=campaign, name=name, subject=subject, description=(description or "").strip(), order=order
    )
    audit_log(
        actor=actor,
        action="criteria.create",
        obj=cset,
        after={"name": name, "subject": subject},
        scope_path=campaign.organisation.path,
    )
    return cset


@transaction.atomic
def criteria_set_update(
    *,
    actor,
    criteria_set: CriteriaSet,
    items: list[dict],
    name: str | None = None,
    description: str | None = None,
) -> CriteriaSet:
    """Replace the set's items (add, edit, remove in one go): `items` = [{id?, name, description, weight,
    indicators: [str]}]; the weights must add up to 100. A locked set refuses."""
    campaign = criteria_set.campaign
    _require(actor, campaign.organisation, Cap.CAMPAIGN_MANAGE)
    _require_not_closed(campaign)
    cset = CriteriaSet.objects.select_for_update(of=("self",)).get(pk=criteria_set.pk)
    _require_unlocked(cset)
    cleaned = _clean_items(items)
    before = {"name": cset.name, "items": _items_snapshot(cset)}
    fields = []
    if name is not None:
        name = _text(name, field="name", label=_("标准名称"), limit=100)
        if CriteriaSet.objects.filter(campaign=campaign, name=name).exclude(pk=cset.pk).exists():
            raise ValidationError(_("本活动已有名为“%(name)s”的评价标准") % {"name": name}, field="name")
        cset.name = name
        fields.append("name")
    if description is not None:
        cset.description = description.strip()
        fields.append("description")
    if fields:
        cset.save(update_fields=fields)
    _write_items(cset, cleaned)
    audit_log(
        actor=actor,
        action="criteria.update",
        obj=cset,
        before=before,
        after={"name": cset.name, "items": _items_snapshot(cset)},
        scope_path=campaign.organisation.path,
    )
    return cset


@transaction.atomic
def criteria_set_lock(*, actor, criteria_set: CriteriaSet) -> bool:
    """Lock a set once evaluation ballots use it; True if it was unlocked.

    Called by the evaluations app's own service after its checks (a ballot arriving is not an office act).
    """
    campaign = criteria_set.campaign
    changed = CriteriaSet.objects.filter(pk=criteria_set.pk, locked=False).update(
        locked=True, locked_at=timezone.now()
    )
    if changed:
        audit_log(
            actor=actor, action="criteria.lock", obj=criteria_set, scope_path=campaign.organisation.path
        )
        criteria_set.locked = True
    return bool(changed)


# ---------------------------------------------------------------- themes (分类指导)


def clean_carriers(carriers) -> list[str]:
    if isinstance(carriers, str):
        carriers = carriers.splitlines()
    lines = list(dict.fromkeys(c.strip() for c in carriers or [] if c and c.strip()))
    if len(lines) > MAX_CARRIERS:
        raise ValidationError(_("活动载体最多 %(n)d 条") % {"n": MAX_CARRIERS}, field="carriers")
    if any(len(c) > 100 for c in lines):
        raise ValidationError(_("每条活动载体不能超过100个字"), field="carriers")
    return lines


@transaction.atomic
def org_theme_set(
    *, actor, campaign: Campaign, organisation: Organisation, theme: str, carriers: list[str]
) -> OrgTheme:
    """Set an organisation's own 争创主题 and 活动载体 in `campaign` (its secretary, or the office)."""
    _require(actor, organisation, Cap.PLAN_WRITE)
    _require_in_campaign(campaign, organisation)
    _require_not_closed(campaign)
    theme = _text(theme, field="theme", label=_("争创主题"), limit=100)
    carriers = clean_carriers(carriers)
    row = (
        OrgTheme.objects.select_for_update(of=("self",))
        .filter(campaign=campaign, organisation=organisation)
        .first()
    )
    before = {"theme": row.theme, "carriers": row.carriers} if row else None
    if row is None:
        row = OrgTheme(campaign=campaign, organisation=organisation)
    row.theme, row.carriers, row.updated_by, row.updated_at = theme, carriers, actor, timezone.now()
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        raise StateError(_("主题刚被其他人修改，请刷新后重试")) from None
    audit_log(
        actor=actor,
        action="theme.set",
        obj=row,
        before=before,
        after={"theme": theme, "carriers": carriers},
        scope_path=organisation.path,
    )
    return row


# ---------------------------------------------------------------- leading group (领导小组) and office


@transaction.atomic
def group_members_replace(
    *, actor, campaign: Campaign, organisation: Organisation, rows: list[dict]
) -> list[GroupMember]:
    """Replace the organisation's 领导小组 and 办公室 list, in the given order.

    rows = [{name, position, unit, member_id?}]; a linked member must belong to the organisation's subtree.
    """
    _require(actor, organisation, Cap.PLAN_WRITE)
    _require_in_campaign(campaign, organisation)
    _require_not_closed(campaign)
    if len(rows) > MAX_GROUP_ROWS:
        raise ValidationError(_("领导小组和办公室成员最多 %(n)d 人") % {"n": MAX_GROUP_ROWS}, field="rows")
    member_ids = {int(r["member_id"]) for r in rows if r.get("member_id")}
    members = {
        m.pk: m
        for m in Member.objects.filter(pk__in=member_ids, organisation__path__startswith=organisation.path)
    }
    cleaned = []
    for n, r in enumerate(rows, start=1):
        name = (r.get("name") or "").strip()
        member_id = int(r["member_id"]) if r.get("member_id") else None
        if member_id is not None and member_id not in members:
            raise ValidationError(
                _("第 %(n)d 行关联的党员不在“%(org)s”的名册中") % {"n": n, "org": organisation.name},
                field="member_id",
            )
        if not name and member_id is not None:
            name = members[member_id].name
        if not name:
            raise ValidationError(_("第 %(n)d 行没有填写姓名") % {"n": n}, field="name")
        if len(name) > 50:
            raise ValidationError(_("第 %(n)d 行姓名不能超过50个字") % {"n": n}, field="name")
        position = r.get("position")
        if position not in GroupPosition.values:
            raise ValidationError(_("第 %(n)d 行职务无效") % {"n": n}, field="position")
        unit = (r.get("unit") or "").strip()
        if len(unit) > 200:
            raise ValidationError(_("第 %(n)d 行单位及职务不能超过200个字") % {"n": n}, field="unit")
        cleaned.append(
            GroupMember(
                campaign=campaign,
                organisation=organisation,
                name=name,
                position=position,
                unit=unit,
                member_id=member_id,
                order=n,
            )
        )
    existing = GroupMember.objects.filter(campaign=campaign, organisation=organisation)
    before = [[g.name, g.position, g.unit] for g in existing.order_by("order", "id")]
    existing.delete()
    created = GroupMember.objects.bulk_create(cleaned)
    audit_log(
        actor=actor,
        action="group.update",
        object_type="campaigns.groupmember",
        object_id=f"{campaign.pk}:{organisation.pk}",
        object_repr=f"{organisation.name} · {campaign.name}",
        before={"rows": before},
        after={"rows": [[g.name, g.position, g.unit] for g in created]},
        scope_path=organisation.path,
    )
    return created


# ---------------------------------------------------------------- pairings (帮带)


@transaction.atomic
def pairing_create(
    *,
    actor,
    campaign: Campaign,
    helper: Organisation,
    helped: Organisation,
    kind: str,
    goal: str = "",
    started_on: datetime.date | None = None,
) -> Pairing:
    _require(actor, campaign.organisation, Cap.CAMPAIGN_MANAGE)
    _require(actor, helper, Cap.CAMPAIGN_MANAGE)
    _require(actor, helped, Cap.CAMPAIGN_MANAGE)
    _require_not_closed(campaign)
    _require_in_campaign(campaign, helper, field="helper")
    _require_in_campaign(campaign, helped, field="helped")
    if helper.pk == helped.pk:
        raise ValidationError(_("帮扶组织和受帮扶组织不能是同一个组织"), field="helped")
    if kind not in PairingKind.values:
        raise ValidationError(_("无效的帮带形式：%(v)s") % {"v": kind}, field="kind")
    goal = _text(goal, field="goal", label=_("帮带目标"), limit=2000, required=False)
    if Pairing.objects.filter(campaign=campaign, helper=helper, helped=helped).exists():
        raise ValidationError(
            _("“%(a)s”与“%(b)s”已经结对") % {"a": helper.name, "b": helped.name}, field="helped"
        )
    pairing = Pairing.objects.create(
        campaign=campaign,
        helper=helper,
        helped=helped,
        kind=kind,
        goal=goal,
        started_on=started_on or timezone.localdate(),
        created_by=actor,
    )
    audit_log(
        actor=actor,
        action="pairing.create",
        obj=pairing,
        after={
            "helper": helper.pk,
            "helped": helped.pk,
            "kind": kind,
            "goal": goal,
            "started_on": pairing.started_on,
        },
        scope_path=campaign.organisation.path,
    )
    return pairing


@transaction.atomic
def pairing_note_add(*, actor, pairing: Pairing, date: datetime.date, text: str) -> PairingNote:
    """A progress note on a pairing, by the secretary of either organisation (or the office)."""
    if actor is not None and not (
        org_in_scope(actor, pairing.helper, Cap.PLAN_WRITE)
        or org_in_scope(actor, pairing.helped, Cap.PLAN_WRITE)
    ):
        raise PermissionDeniedError(_("只有结对双方组织的书记或活动办公室可以记录帮带进展"))
    _require_not_closed(pairing.campaign)
    text = _text(text, field="text", label=_("进展情况"), limit=5000)
    if not date:
        raise ValidationError(_("请填写日期"), field="date")
    if date > timezone.localdate():
        raise ValidationError(_("日期不能晚于今天"), field="date")
    if date < pairing.started_on:
        raise ValidationError(_("日期不能早于结对开始日期 %(d)s") % {"d": pairing.started_on}, field="date")
    note = PairingNote.objects.create(pairing=pairing, date=date, text=text, author=actor)
    audit_log(
        actor=actor,
        action="pairing.note",
        obj=note,
        after={"date": date, "text": text[:200]},
        scope_path=pairing.helped.path,
    )
    return note


# ---------------------------------------------------------------- requirements per member status (loop)


@transaction.atomic
def member_requirements_set(*, actor, campaign: Campaign, texts: dict[str, str]) -> list[MemberRequirement]:
    """区别在职和无职党员: the office writes the concrete requirement for each member status; an empty text
    removes that status's requirement. Shown to a member of that status when committing."""
    _require(actor, campaign.organisation, Cap.CAMPAIGN_MANAGE)
    _require_not_closed(campaign)
    bad = [k for k in texts if k not in MemberStatus.values]
    if bad:
        raise ValidationError(
            _("无效的党员类别：%(v)s") % {"v": "、".join(str(b)[:20] for b in bad)}, field="texts"
        )
    for k, v in texts.items():
        if not isinstance(v, str) or "\x00" in v:
            raise ValidationError(_("%(s)s的要求含有无效字符") % {"s": MemberStatus(k).label}, field=k)
    cleaned = {
        k: _text(v, field=k, label=str(MemberStatus(k).label), limit=1000, required=False)
        for k, v in texts.items()
    }
    current = {r.status: r for r in MemberRequirement.objects.select_for_update().filter(campaign=campaign)}
    before = {k: r.text for k, r in current.items()}
    now = timezone.now()
    for status, text in cleaned.items():
        row = current.get(status)
        if not text:
            if row is not None:
                row.delete()
            continue
        if row is None:
            MemberRequirement.objects.create(
                campaign=campaign, status=status, text=text, updated_by=actor, updated_at=now
            )
        elif row.text != text:
            row.text, row.updated_by, row.updated_at = text, actor, now
            row.save(update_fields=["text", "updated_by", "updated_at"])
    rows = list(MemberRequirement.objects.filter(campaign=campaign).order_by("status"))
    audit_log(
        actor=actor,
        action="campaign.member_requirements",
        obj=campaign,
        before=before,
        after={r.status: r.text for r in rows},
        scope_path=campaign.organisation.path,
    )
    return rows
