"""Writes to campaigns: organising."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.core.audit import audit_log
from pacesetter.core.errors import PermissionDeniedError, StateError, ValidationError
from pacesetter.orgs.enums import Cap, MemberStatus
from pacesetter.orgs.models import Member, Organisation
from pacesetter.orgs.selectors import org_in_scope

from ..enums import (
    GroupPosition,
    PairingKind,
)
from ..models import (
    Campaign,
    GroupMember,
    MemberRequirement,
    OrgTheme,
    Pairing,
    PairingNote,
)
from ._common import MAX_CARRIERS, MAX_GROUP_ROWS, _require, _require_in_campaign, _require_not_closed, _text

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
    )
    return rows
