"""Writes for required and optional actions (规定动作 / 自选动作): define, link evidence, reject, mark."""

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.campaigns.enums import CampaignStatus
from pacesetter.campaigns.models import Campaign, Step
from pacesetter.core.audit import audit_log, audit_status
from pacesetter.core.errors import PermissionDeniedError, StateError, ValidationError
from pacesetter.core.text import clean_text
from pacesetter.core.transitions import status_cas
from pacesetter.notifications.kinds import Kind
from pacesetter.notifications.services import notify
from pacesetter.orgs.enums import Role
from pacesetter.orgs.models import Organisation
from pacesetter.orgs.services import users_with_role_on
from pacesetter.records.enums import RecordKind
from pacesetter.records.models import ActivityRecord

from .enums import TRANSITIONS, Highlight, LinkAction, LinkSource, LinkStatus
from .models import ActionLink, OptionalAction, RequiredAction
from .rules import can_define_actions, can_link_actions, can_mark_optional, can_reject_link
from .selectors import step_dates

NAME_MAX = 100
TEXT_MAX = 2000
REASON_MAX = 300


_text = clean_text


def _require_running(campaign: Campaign) -> None:
    if campaign.status == CampaignStatus.CLOSED:
        raise StateError(_("活动“%(c)s”已结束") % {"c": campaign.name})


def _require_org_in_campaign(campaign: Campaign, org: Organisation) -> None:
    if not org.path.startswith(campaign.organisation.path) or org.pk == campaign.organisation_id:
        raise ValidationError(
            _("“%(org)s”不在活动“%(c)s”的下级组织范围内") % {"org": org.name, "c": campaign.name},
            field="organisation",
        )


def _transition(link: ActionLink, action: str, **fields) -> str:
    """The only place a link's status changes: compare-and-set from the status TRANSITIONS allows."""
    return status_cas(
        ActionLink,
        link,
        TRANSITIONS,
        action,
        LinkAction(action).label,
        not_now=_("佐证当前状态为“%(s)s”，不能%(a)s"),
        changed=_("佐证刚被其他人处理过，请刷新页面后重试"),
        **fields,
    )


@transaction.atomic
def required_action_create(
    *, actor, step: Step, name: str, description: str = "", record_kind: str = "", order: int = 1
) -> RequiredAction:
    """规定动作: the office lists what every organisation must do inside `step`'s window."""
    campaign = step.campaign
    if not can_define_actions(actor, campaign):
        raise PermissionDeniedError(_("只有活动办公室可以设置规定动作"))
    _require_running(campaign)
    name = _text(name, field="name", label=_("规定动作名称"), limit=NAME_MAX)
    description = _text(description, field="description", label=_("要求"), limit=TEXT_MAX, required=False)
    record_kind = record_kind or ""
    if record_kind and record_kind not in RecordKind.values:
        raise ValidationError(_("无效的记实类别：%(v)s") % {"v": record_kind[:20]}, field="record_kind")
    if not isinstance(order, int) or not 0 <= order <= 999:
        raise ValidationError(_("排序须为0到999之间的整数"), field="order")
    if RequiredAction.objects.filter(step=step, name=name).exists():
        raise ValidationError(_("该步骤已有规定动作“%(n)s”") % {"n": name}, field="name")
    action = RequiredAction.objects.create(
        campaign=campaign,
        step=step,
        name=name,
        description=description,
        record_kind=record_kind,
        order=order,
        created_by=actor,
    )
    audit_log(
        actor=actor,
        action="required_action.create",
        obj=action,
        after={"step": step.pk, "name": name, "record_kind": record_kind},
        scope_path=campaign.organisation.path,
    )
    return action


@transaction.atomic
def required_action_delete(*, actor, action: RequiredAction) -> None:
    campaign = action.campaign
    if not can_define_actions(actor, campaign):
        raise PermissionDeniedError(_("只有活动办公室可以设置规定动作"))
    _require_running(campaign)
    audit_log(
        actor=actor,
        action="required_action.delete",
        obj=action,
        before={"step": action.step_id, "name": action.name},
        scope_path=campaign.organisation.path,
    )
    action.delete()


def _require_record(action: RequiredAction, org: Organisation, record: ActivityRecord) -> None:
    if record.organisation_id != org.pk or record.is_deleted:
        raise ValidationError(_("只能关联本组织的记实"), field="record")
    opens_on, closes_on = step_dates(action.step)
    if not opens_on <= record.occurred_on <= closes_on:
        raise ValidationError(
            _("记实日期 %(d)s 不在“%(s)s”步骤的时间内（%(a)s 至 %(b)s）")
            % {"d": record.occurred_on, "s": action.step.get_kind_display(), "a": opens_on, "b": closes_on},
            field="record",
        )


@transaction.atomic
def action_link_create(
    *, actor, action: RequiredAction, org: Organisation, record: ActivityRecord
) -> ActionLink:
    """The organisation offers one of its records, dated inside the step's window, as the evidence."""
    if not can_link_actions(actor, org):
        raise PermissionDeniedError(_("您无权为“%(org)s”关联记实") % {"org": org.name})
    _require_running(action.campaign)
    _require_org_in_campaign(action.campaign, org)
    _require_record(action, org, record)
    existing = ActionLink.objects.filter(action=action, organisation=org, record=record).first()
    if existing is not None:
        if existing.status == LinkStatus.REJECTED:
            raise StateError(_("这条记实已被上级组织驳回，请关联其他记实"))
        raise StateError(_("这条记实已关联到该规定动作"))
    try:
        with transaction.atomic():
            link = ActionLink.objects.create(
                action=action, organisation=org, record=record, source=LinkSource.MANUAL, linked_by=actor
            )
    except IntegrityError:
        raise StateError(_("这条记实已关联到该规定动作")) from None
    audit_log(
        actor=actor,
        action="action_link.create",
        obj=link,
        after={"action": action.pk, "record": record.pk, "status": link.status},
        scope_path=org.path,
    )
    return link


@transaction.atomic
def action_link_reject(
    *, actor, action: RequiredAction, org: Organisation, record: ActivityRecord, reason: str
) -> ActionLink:
    """The parent organisation rejects a record as the evidence (linked by hand or detected automatically)."""
    if not can_reject_link(actor, org):
        raise PermissionDeniedError(_("只有上级组织可以驳回“%(org)s”的佐证") % {"org": org.name})
    reason = _text(reason, field="reason", label=_("驳回理由"), limit=REASON_MAX)
    if record.organisation_id != org.pk:
        raise ValidationError(_("只能驳回本组织的记实"), field="record")
    link = (
        ActionLink.objects.select_for_update().filter(action=action, organisation=org, record=record).first()
    )
    if link is None:
        if action.record_kind != record.kind:
            raise ValidationError(_("这条记实没有关联到该规定动作"), field="record")
        link = ActionLink.objects.create(
            action=action, organisation=org, record=record, source=LinkSource.AUTO, linked_by=None
        )
    now = timezone.now()
    before = _transition(link, LinkAction.REJECT, reason=reason, decided_by=actor, decided_at=now)
    audit_status(
        actor,
        "action_link.reject",
        link,
        before,
        extra={"reason": reason, "record": record.pk, "action": action.pk},
        scope_path=org.path,
    )
    url = f"{reverse('actions:checklist', args=[org.pk])}?campaign={action.campaign_id}"
    notify(
        kind=Kind.ACTION_EVIDENCE,
        recipients=users_with_role_on([org.pk], Role.SECRETARY),
        title=_("规定动作佐证被驳回：%(a)s") % {"a": action.name},
        body=_("“%(r)s”不能作为“%(a)s”的佐证：%(why)s")
        % {"r": record.title, "a": action.name, "why": reason},
        url=url,
    )
    return link


@transaction.atomic
def action_link_restore(*, actor, link: ActionLink) -> ActionLink:
    """The parent organisation takes back a rejection."""
    if not can_reject_link(actor, link.organisation):
        raise PermissionDeniedError(
            _("只有上级组织可以恢复“%(org)s”的佐证") % {"org": link.organisation.name}
        )
    now = timezone.now()
    before = _transition(link, LinkAction.RESTORE, reason="", decided_by=actor, decided_at=now)
    audit_status(actor, "action_link.restore", link, before)
    return link


@transaction.atomic
def optional_action_create(
    *,
    actor,
    campaign: Campaign,
    org: Organisation,
    title: str,
    description: str = "",
    record: ActivityRecord | None = None,
) -> OptionalAction:
    """自选动作: an organisation records something it chose to do, optionally with a record as evidence."""
    if not can_link_actions(actor, org):
        raise PermissionDeniedError(_("您无权为“%(org)s”添加自选动作") % {"org": org.name})
    _require_running(campaign)
    _require_org_in_campaign(campaign, org)
    title = _text(title, field="title", label=_("自选动作名称"), limit=NAME_MAX)
    description = _text(
        description, field="description", label=_("做法与成效"), limit=TEXT_MAX, required=False
    )
    if record is not None and (record.organisation_id != org.pk or record.is_deleted):
        raise ValidationError(_("只能关联本组织的记实"), field="record")
    opt = OptionalAction.objects.create(
        campaign=campaign,
        organisation=org,
        title=title,
        description=description,
        record=record,
        created_by=actor,
    )
    audit_log(
        actor=actor,
        action="optional_action.create",
        obj=opt,
        after={"title": title, "record": record.pk if record else None},
        scope_path=org.path,
    )
    return opt


@transaction.atomic
def optional_action_mark(*, actor, optional: OptionalAction, highlight: str) -> OptionalAction:
    """The office marks an optional action 特色 or 品牌 for publicity (or clears the mark)."""
    if not can_mark_optional(actor, optional.campaign):
        raise PermissionDeniedError(_("只有活动办公室可以标记特色、品牌"))
    if highlight not in Highlight.values:
        raise ValidationError(_("无效的标记：%(v)s") % {"v": str(highlight)[:20]}, field="highlight")
    opt = OptionalAction.objects.select_for_update().get(pk=optional.pk)
    before = opt.highlight
    opt.highlight = highlight
    opt.save(update_fields=["highlight"])
    audit_status(actor, "optional_action.mark", opt, before, field="highlight")
    return opt
