"""Writes to implementation plans (实施方案): draft, submit, decide, attachments, overdue reminders."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from pacesetter.campaigns import tallies
from pacesetter.campaigns.enums import CampaignStatus, StepCapability
from pacesetter.campaigns.models import Campaign, Step
from pacesetter.campaigns.windows import require_open
from pacesetter.core.audit import audit_log, audit_status
from pacesetter.core.errors import PermissionDeniedError, StateError, ValidationError
from pacesetter.core.locking import locked
from pacesetter.core.uploads import check_upload
from pacesetter.notifications.kinds import Kind
from pacesetter.notifications.services import notification_resolve, notify
from pacesetter.orgs.enums import Cap, Role
from pacesetter.orgs.models import Organisation, RoleGrant
from pacesetter.orgs.selectors import org_in_scope
from pacesetter.orgs.services import users_with_role_on

from .consultations import consultation_blocks_approval
from .enums import (
    ATTACHMENT_MAX_BYTES,
    ATTACHMENT_TYPES,
    DECISIONS,
    DECISIONS_NEEDING_COMMENT,
    EDITABLE,
    TRANSITIONS,
    PlanAction,
    PlanStatus,
)
from .html import body_text, sanitise_body
from .models import Plan, PlanAttachment, PlanDecision, PlanReminder, PlanVersion
from .rules import can_review_plan, can_write_plan
from .selectors import overdue_orgs, plan_deadline_of, plan_reviewers
from .tally_source import plan_counter

User = get_user_model()
TITLE_MAX = 200
BODY_MAX = 200_000


def _require_write(actor, org: Organisation) -> None:
    if not can_write_plan(actor, org):
        raise PermissionDeniedError(_("您无权编写或报送“%(org)s”的实施方案") % {"org": org.name})


def _require_plan_org(campaign: Campaign, org: Organisation) -> None:
    if campaign.status != CampaignStatus.ACTIVE:
        raise StateError(_("活动“%(c)s”当前不在进行中") % {"c": campaign.name})
    if not org.path.startswith(campaign.organisation.path) or org.pk == campaign.organisation_id:
        raise ValidationError(
            _("“%(org)s”不在活动“%(c)s”的下级组织范围内，无需报送实施方案")
            % {"org": org.name, "c": campaign.name}
        )
    if not org.is_active:
        raise StateError(_("“%(org)s”已撤销") % {"org": org.name})


def _require_step(campaign: Campaign, step: Step | None) -> None:
    """A step plan (阶段实施方案) only for a step of this campaign the office requires one for."""
    if step is None:
        return
    if step.campaign_id != campaign.pk or not step.plan_required:
        raise ValidationError(
            _("活动“%(c)s”没有要求报送“%(s)s”步骤的实施方案") % {"c": campaign.name, "s": step},
            field="step",
        )


def _require_transition(plan: Plan, action: str) -> str:
    """The status `action` leads to from the plan's current status, or a StateError saying why not."""
    target = TRANSITIONS[action].get(plan.status)
    if target is None:
        raise StateError(
            _("方案当前状态为“%(s)s”，不能%(a)s")
            % {"s": PlanStatus(plan.status).label, "a": PlanAction(action).label}
        )
    return target


def _transition(plan: Plan, action: str, *, now, **fields) -> str:
    """The only place a plan's status changes: compare-and-set from the status TRANSITIONS allows.

    Returns the status it had before.
    """
    before = plan.status
    target = _require_transition(plan, action)
    changed = Plan.objects.filter(pk=plan.pk, status=before).update(status=target, updated_at=now, **fields)
    if not changed:
        raise StateError(_("方案刚被其他人修改过，请刷新页面后重试"))
    plan.status, plan.updated_at = target, now
    for name, value in fields.items():
        setattr(plan, name, value)
    _tally(plan, **{plan_counter(before): -1, plan_counter(target): +1})
    return before


def _tally(plan: Plan, **deltas: int) -> None:
    """The dashboard counts the overall plan (no step) of an active organisation (campaigns.tallies)."""
    if plan.step_id is None and plan.organisation.is_active:
        tallies.bump(plan.campaign_id, plan.organisation, **deltas)


@transaction.atomic
def plan_save(
    *, actor, campaign: Campaign, org: Organisation, title: str, body: str, step: Step | None = None
) -> Plan:
    """Create or edit the working text of `org`'s plan; allowed while it is a draft or returned.

    `step` empty: the campaign's overall plan; set: the plan for that step (阶段实施方案), which has the
    same versions, decisions and review.
    """
    _require_write(actor, org)
    _require_plan_org(campaign, org)
    _require_step(campaign, step)
    title = (title or "").strip()
    if not title:
        raise ValidationError(_("请填写方案标题"), field="title")
    if len(title) > TITLE_MAX:
        raise ValidationError(_("方案标题不能超过%(n)d个字") % {"n": TITLE_MAX}, field="title")
    body = sanitise_body(body)
    if len(body) > BODY_MAX:
        raise ValidationError(_("方案正文过长"), field="body")
    now = timezone.now()
    plan = (
        Plan.objects.select_for_update(of=("self",))
        .filter(campaign=campaign, organisation=org, step=step)
        .first()
    )
    if plan is None:
        plan = Plan.objects.create(
            campaign=campaign,
            organisation=org,
            step=step,
            title=title,
            body=body,
            created_by=actor,
            updated_by=actor,
            created_at=now,
            updated_at=now,
        )
        _tally(plan, **{plan_counter(None): -1, plan_counter(plan.status): +1})
        audit_log(
            actor=actor,
            action="plan.create",
            obj=plan,
            after={"title": title, "body_chars": len(body), "step": step.pk if step else None},
        )
        return plan
    if plan.status not in EDITABLE:
        raise StateError(
            _("方案已%(s)s，不能修改；如需修改，请上级组织退回") % {"s": PlanStatus(plan.status).label}
        )
    before = {"title": plan.title, "body_chars": len(plan.body)}
    plan.title, plan.body, plan.updated_by, plan.updated_at = title, body, actor, now
    plan.save(update_fields=["title", "body", "updated_by", "updated_at"])
    audit_log(
        actor=actor,
        action="plan.update",
        obj=plan,
        before=before,
        after={"title": title, "body_chars": len(body)},
    )
    return plan


@transaction.atomic
def plan_submit(*, actor, plan: Plan) -> PlanVersion:
    """报送: freeze the text as the next version and send it to the parent organisation.

    The overall plan only while the campaign's PLANS step is open for the organisation (windows.require_open
    says why not); after the office's plan_deadline it is still accepted while the window is open, flagged
    逾期报送. A step plan is accepted while the campaign runs and the office still requires it, flagged
    逾期报送 after the step's plan_deadline.
    """
    plan = locked(Plan.objects.select_related("campaign", "organisation", "step__stage"), plan.pk)
    _require_write(actor, plan.organisation)
    _require_plan_org(plan.campaign, plan.organisation)
    _require_step(plan.campaign, plan.step)
    _require_transition(plan, PlanAction.SUBMIT)
    if plan.step is None:
        require_open(campaign=plan.campaign, capability=StepCapability.PLANS, org=plan.organisation)
    if not body_text(plan.body):
        raise ValidationError(_("方案正文为空，请填写后再报送"), field="body")
    now = timezone.now()
    deadline = plan.campaign.plan_deadline if plan.step is None else plan.step.plan_deadline
    is_late = deadline is not None and timezone.localdate(now) > deadline
    number = (plan.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = PlanVersion.objects.create(
        plan=plan,
        number=number,
        title=plan.title,
        body=plan.body,
        submitted_by=actor,
        submitted_at=now,
        is_late=is_late,
    )
    PlanAttachment.objects.bulk_create(
        [
            PlanAttachment(
                plan=plan,
                version=version,
                file=a.file.name,
                original_name=a.original_name,
                size=a.size,
                uploaded_by_id=a.uploaded_by_id,
                uploaded_at=a.uploaded_at,
            )
            for a in plan.attachments.filter(version__isnull=True)
        ]
    )
    before = _transition(
        plan,
        PlanAction.SUBMIT,
        now=now,
        current_version=version,
        submitted_at=now,
        is_late=is_late,
        updated_by=actor,
    )
    audit_status(actor, "plan.submit", plan, before, extra={"version": number, "late": is_late})
    recipients = plan_reviewers(plan)
    notify(
        kind=Kind.PLAN_REVIEW,
        recipients=recipients,
        title=_("%(org)s报送了实施方案，请审核") % {"org": plan.organisation.name},
        body=_("《%(title)s》（第 %(n)d 版%(late)s）等待您审核。")
        % {"title": plan.title, "n": number, "late": _("，逾期报送") if is_late else ""},
        url=reverse("plans:plan-detail", args=[plan.pk]),
    )
    return version


@transaction.atomic
def plan_decide(*, actor, plan: Plan, decision: str, comment: str = "") -> PlanDecision:
    """审核: the parent organisation approves or returns the submitted version (or reopens an approval)."""
    plan = locked(Plan.objects.select_related("campaign", "organisation", "current_version"), plan.pk)
    if decision not in DECISIONS:
        raise ValidationError(_("审核结果无效：%(v)s") % {"v": decision}, field="decision")
    if not can_review_plan(actor, plan):
        raise PermissionDeniedError(
            _("只有上级组织可以审核“%(org)s”的实施方案") % {"org": plan.organisation.name}
        )
    comment = (comment or "").strip()
    if decision in DECISIONS_NEEDING_COMMENT and not comment:
        raise ValidationError(_("退回时请填写审核意见，说明需要修改的地方"), field="comment")
    if len(comment) > 2000:
        raise ValidationError(_("审核意见不能超过2000字"), field="comment")
    version = plan.current_version
    _require_transition(plan, decision)
    if version.submitted_by_id is not None and version.submitted_by_id == actor.pk:
        raise PermissionDeniedError(_("不能审核自己报送的方案"))
    if decision == PlanAction.APPROVE and (why := consultation_blocks_approval(plan)):
        raise StateError(why)  # 征求意见: approval waits for the period's end and the 采纳情况
    now = timezone.now()
    before = _transition(plan, decision, now=now, decided_at=now, updated_by=actor)
    row = PlanDecision.objects.create(
        plan=plan, version=version, decision=decision, comment=comment, decided_by=actor, decided_at=now
    )
    if decision == PlanAction.APPROVE and plan.step_id is None:  # the dashboard's timeline counts approvals
        day = timezone.localdate(now, timezone.get_default_timezone())
        tallies.bump_month(plan.campaign_id, plan.organisation, day, plans_approved=1)
    audit_status(
        actor, f"plan.{decision}", plan, before, extra={"version": version.number, "comment": comment}
    )
    # the other reviewers asked to act (请审核) have nothing left to do on this version
    notification_resolve(url=reverse("plans:plan-detail", args=[plan.pk]), recipients=plan_reviewers(plan))
    notify(
        kind=Kind.PLAN_RESULT,
        recipients=users_with_role_on([plan.organisation_id], Role.SECRETARY),
        title=_("实施方案%(d)s：%(title)s") % {"d": PlanAction(decision).label, "title": plan.title},
        body=comment or _("上级组织已审核通过您报送的实施方案。"),
        url=reverse("plans:plan-detail", args=[plan.pk]),
    )
    return row


@transaction.atomic
def attachment_add(*, actor, plan: Plan, upload) -> PlanAttachment:
    plan = locked(Plan.objects.select_related("organisation", "campaign"), plan.pk)
    _require_write(actor, plan.organisation)
    if plan.status not in EDITABLE:
        raise StateError(_("方案已%(s)s，不能再添加附件") % {"s": PlanStatus(plan.status).label})
    name = check_upload(upload, allowed=ATTACHMENT_TYPES, max_bytes=ATTACHMENT_MAX_BYTES).name
    att = PlanAttachment(plan=plan, original_name=name, size=upload.size, uploaded_by=actor)
    att.file.save(name, upload, save=False)
    att.save()
    audit_log(actor=actor, action="plan.attachment_add", obj=plan, extra={"file": name, "size": upload.size})
    return att


@transaction.atomic
def attachment_remove(*, actor, attachment: PlanAttachment) -> None:
    """Remove from the working set; the stored file stays while a submitted version refers to it."""
    plan = (
        Plan.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=attachment.plan_id)
    )
    _require_write(actor, plan.organisation)
    if attachment.version_id is not None:
        raise StateError(_("已随方案报送的附件不能删除"))
    if plan.status not in EDITABLE:
        raise StateError(_("方案已%(s)s，不能删除附件") % {"s": PlanStatus(plan.status).label})
    name = attachment.original_name
    still_used = PlanAttachment.objects.filter(file=attachment.file.name).exclude(pk=attachment.pk).exists()
    storage, path = attachment.file.storage, attachment.file.name
    attachment.delete()
    if not still_used:
        transaction.on_commit(lambda: storage.delete(path))
    audit_log(actor=actor, action="plan.attachment_remove", obj=plan, extra={"file": name})


@transaction.atomic
def plan_remind_overdue(
    *,
    actor,
    campaign: Campaign,
    root: Organisation | None = None,
    today: datetime.date | None = None,
    step: Step | None = None,
) -> int:
    """催报: notify the secretaries of overdue organisations, at most once a day per organisation and plan.

    `step` empty: the overall plan; set: that step's plan (阶段实施方案), against the step's own deadline.
    `actor` None is the hourly sweep; a person needs CAMPAIGN_MANAGE over `root`. Returns how many
    organisations were reminded now.
    """
    root = root or campaign.organisation
    if actor is not None and not org_in_scope(actor, root, Cap.CAMPAIGN_MANAGE):
        raise PermissionDeniedError(_("只有活动办公室可以催报"))
    _require_step(campaign, step)
    today = today or timezone.localdate()
    deadline = plan_deadline_of(campaign, step)
    if deadline is None or today <= deadline:
        if actor is None:
            return 0
        raise StateError(_("实施方案报送截止日期还没到，暂无逾期组织"))
    sent = PlanReminder.objects.filter(organisation=OuterRef("pk"), day=today)
    sent = sent.filter(campaign=campaign, step__isnull=True) if step is None else sent.filter(step=step)
    pending = overdue_orgs(campaign=campaign, root=root, today=today, step=step).exclude(Exists(sent))
    org_ids = list(pending.values_list("pk", flat=True))
    if not org_ids:
        return 0
    grants = list(
        RoleGrant.objects.filter(
            organisation__in=pending.values("pk"),
            role=Role.SECRETARY,
            revoked_at__isnull=True,
            user__is_active=True,
        ).values_list("organisation_id", "user_id")
    )
    per_org: dict[int, int] = {}
    for org_id, _user_id in grants:
        per_org[org_id] = per_org.get(org_id, 0) + 1
    PlanReminder.objects.bulk_create(
        [
            PlanReminder(
                campaign=campaign,
                organisation_id=o,
                step=step,
                day=today,
                recipients=per_org.get(o, 0),
                sent_by=actor,
            )
            for o in org_ids
        ],
        batch_size=1000,
    )
    day = date_format(deadline, "Y年n月j日")
    recipients = User.objects.filter(pk__in={u for _o, u in grants})
    if step is None:
        title = _("请尽快报送实施方案：%(c)s") % {"c": campaign.name}
        body = _(
            "“%(c)s”实施方案的报送截止日期是 %(d)s，您负责的组织尚未报送（或退回后未重新报送），请尽快报送。"
        ) % {"c": campaign.name, "d": day}
    else:
        title = _("请尽快报送“%(s)s”阶段实施方案：%(c)s") % {"s": step, "c": campaign.name}
        body = _(
            "“%(c)s”“%(s)s”阶段实施方案的报送截止日期是 %(d)s，您负责的组织尚未报送（或退回后未重新报送），"
            "请尽快报送。"
        ) % {"c": campaign.name, "s": step, "d": day}
    notify(
        kind=Kind.PLAN_REMINDER, recipients=recipients, title=title, body=body, url=reverse("plans:plan-home")
    )
    audit_log(
        actor=actor,
        action="plan.remind",
        obj=campaign,
        object_repr=str(campaign),
        scope_path=root.path,
        extra={
            "organisations": len(org_ids),
            "recipients": len({u for _o, u in grants}),
            **({"step": step.pk} if step is not None else {}),
        },
    )
    return len(org_ids)
