"""Writes to the points ledger (积分): periods, rules, the automatic sweep, manual awards and deductions,
members' claims and their decisions.

Each service checks permission first, validates with a refusal naming the field, changes inside one
transaction and writes an audit entry. `_transition` is the only code that assigns a status. Every entry is
written through `_post`, which also keeps PointOrgTotal in step, and every limit (cap, once-only) is checked
under a lock on the period row, so two awards at once cannot both pass a cap.
"""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.campaigns.models import Campaign
from pacesetter.core.audit import audit_create, audit_log, audit_status, audit_update, snapshot
from pacesetter.core.errors import PermissionDeniedError, StateError, ValidationError
from pacesetter.core.text import clean_text
from pacesetter.core.uploads import check_upload
from pacesetter.orgs.models import Member
from pacesetter.orgs.selectors import member_for_user

from .enums import (
    AUTOMATIC_TYPES,
    CLAIM_TRANSITIONS,
    EVIDENCE_MAX_BYTES,
    EVIDENCE_TYPES,
    MAX_CAP,
    MAX_POINTS,
    NEEDS_COMMENT,
    PERIOD_TRANSITIONS,
    REASON_LIMIT,
    RULE_TRANSITIONS,
    ClaimAction,
    ClaimStatus,
    EntrySource,
    EventType,
    ManualBy,
    PeriodStatus,
    RuleStatus,
)
from .events import SOURCES
from .models import PointClaim, PointEntry, PointOrgTotal, PointPeriod, PointRule
from .rules import can_award, can_decide_claim, can_manage_points

RULE_FIELDS = ["name", "event_type", "points", "cap", "once_only", "manual_by", "claimable"]
SWEEP_BATCH = 2000
TEXT_LIMIT = 2000


# ------------------------------------------------------------------ parsing


def _int(value, field: str, label: str, *, required: bool = True) -> int | None:
    """An integer from a form, the API or a spreadsheet, or a refusal naming the field (never a 500)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError(_("请填写%(f)s") % {"f": label}, field=field)
        return None
    if isinstance(value, bool):
        raise ValidationError(_("%(f)s应为整数") % {"f": label}, field=field)
    if isinstance(value, int):
        n = value
    else:
        text = str(value).strip()
        if len(text) > 12 or not text.lstrip("+-").isdigit() or not text.isascii():
            raise ValidationError(_("%(f)s应为整数") % {"f": label}, field=field)
        n = int(text)
    if abs(n) > MAX_CAP * 10:
        raise ValidationError(_("%(f)s超出允许范围") % {"f": label}, field=field)
    return n


_text = clean_text


def _day(value, field: str, period: PointPeriod) -> datetime.date:
    if value is None or value == "":
        return timezone.localdate()
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError(_("日期格式应为 YYYY-MM-DD"), field=field) from None
    if not isinstance(value, datetime.date):
        raise ValidationError(_("日期格式应为 YYYY-MM-DD"), field=field)
    if value.year != period.year:
        raise ValidationError(_("日期应在 %(y)d 年度内") % {"y": period.year}, field=field)
    if value > timezone.localdate():
        raise ValidationError(_("日期不能晚于今天"), field=field)
    return value


def clean_rule(period: PointPeriod, data: dict, *, rule: PointRule | None = None) -> dict:
    """A rule's fields, or the first thing wrong with them, named: what does not parse, then what contradicts."""
    name = _text(data.get("name"), "name", _("规则名称"), limit=100)
    event_type = str(data.get("event_type") or "")
    if event_type not in EventType.values:
        raise ValidationError(_("请从列表中选择计分事项"), field="event_type")
    points = _int(data.get("points"), "points", _("每次分值"))
    assert points is not None
    if points == 0:
        raise ValidationError(_("每次分值不能为 0（正数加分，负数减分）"), field="points")
    if abs(points) > MAX_POINTS:
        raise ValidationError(_("每次分值应在 -%(n)d 到 %(n)d 之间") % {"n": MAX_POINTS}, field="points")
    cap = _int(data.get("cap"), "cap", _("年度上限"), required=False)
    if cap is not None and not 1 <= cap <= MAX_CAP:
        raise ValidationError(_("年度上限应在 1 到 %(n)d 之间") % {"n": MAX_CAP}, field="cap")
    if cap is not None and cap < abs(points):
        raise ValidationError(_("年度上限不能小于每次分值（%(p)d）") % {"p": abs(points)}, field="cap")
    once_only = bool(data.get("once_only"))
    if once_only and cap is not None:
        raise ValidationError(_("每年限一次的规则不需另设年度上限"), field="cap")
    manual_by = str(data.get("manual_by") or ManualBy.NOBODY)
    if manual_by not in ManualBy.values:
        raise ValidationError(_("请从列表中选择谁可以手工加减分"), field="manual_by")
    claimable = bool(data.get("claimable"))
    if event_type in AUTOMATIC_TYPES:
        if manual_by != ManualBy.NOBODY:
            raise ValidationError(_("自动计分的事项不能手工加减分"), field="manual_by")
        if claimable:
            raise ValidationError(_("自动计分的事项不能由党员申报"), field="claimable")
        duplicate = PointRule.objects.filter(period=period, event_type=event_type, status=RuleStatus.ACTIVE)
        if rule is not None:
            duplicate = duplicate.exclude(pk=rule.pk)
        if duplicate.exists():
            raise ValidationError(_("本年度已有该事项的有效规则，同一事件不能重复计分"), field="event_type")
    else:
        if manual_by == ManualBy.NOBODY:
            raise ValidationError(_("手工规则须指定由谁加减分（党员申报也由其审核）"), field="manual_by")
        if claimable and points < 0:
            raise ValidationError(_("减分规则不能由党员申报"), field="claimable")
    return {
        "name": name,
        "event_type": event_type,
        "points": points,
        "cap": cap,
        "once_only": once_only,
        "manual_by": manual_by,
        "claimable": claimable,
    }


# ------------------------------------------------------------------ the one status changer


def _transition(obj, table: dict, action: str, *, actor, updates: dict | None = None, comment: str = ""):
    """Move `obj` (period, rule or claim) along `table` with a compare-and-set, and write the audit entry."""
    target = table.get((obj.status, action))
    if target is None:
        raise StateError(
            _("当前状态“%(s)s”下不能执行此操作") % {"s": obj.get_status_display()}, field="action"
        )
    before = obj.status
    model = type(obj)
    changed = model.objects.filter(pk=obj.pk, status=before).update(status=target, **(updates or {}))
    if not changed:
        raise StateError(_("该记录已被他人处理，请刷新后重试"), field="action")
    obj.refresh_from_db()
    audit_status(
        actor,
        f"points.{model._meta.model_name}.{action}",
        obj,
        before,
        extra={"comment": comment} if comment else None,
        scope_path=_scope_of(obj),
    )
    return obj


def _scope_of(obj) -> str:
    if isinstance(obj, PointPeriod):
        return obj.campaign.organisation.path
    if isinstance(obj, PointRule):
        return obj.period.campaign.organisation.path
    return obj.member.organisation.path


# ------------------------------------------------------------------ periods and rules


@transaction.atomic
def period_create(*, actor, campaign: Campaign, year) -> PointPeriod:
    if not can_manage_points(actor, campaign):
        raise PermissionDeniedError()
    y = _int(year, "year", _("年度"))
    assert y is not None
    if not campaign.starts_on.year <= y <= campaign.ends_on.year:
        raise ValidationError(
            _("年度应在活动起止年份 %(a)d—%(b)d 之内")
            % {"a": campaign.starts_on.year, "b": campaign.ends_on.year},
            field="year",
        )
    if PointPeriod.objects.filter(campaign=campaign, year=y).exists():
        raise ValidationError(_("该活动已设立 %(y)d 积分年度") % {"y": y}, field="year")
    period = PointPeriod.objects.create(campaign=campaign, year=y)
    audit_log(
        actor=actor,
        action="points.period.create",
        obj=period,
        after={"year": y},
        scope_path=_scope_of(period),
    )
    return period


@transaction.atomic
def period_transition(*, actor, period: PointPeriod, action: str) -> PointPeriod:
    if not can_manage_points(actor, period):
        raise PermissionDeniedError()
    return _transition(period, PERIOD_TRANSITIONS, action, actor=actor)


def _require_open(period: PointPeriod, field: str) -> None:
    if period.status != PeriodStatus.OPEN:
        raise ValidationError(_("%(y)d 积分年度已结账，不能再变动") % {"y": period.year}, field=field)


@transaction.atomic
def rule_create(*, actor, period: PointPeriod, **data) -> PointRule:
    if not can_manage_points(actor, period):
        raise PermissionDeniedError()
    _require_open(period, "period")
    rule = PointRule.objects.create(period=period, **clean_rule(period, data))
    audit_create(actor, "points.rule.create", rule, RULE_FIELDS, scope_path=_scope_of(rule))
    return rule


@transaction.atomic
def rule_update(*, actor, rule: PointRule, **data) -> PointRule:
    """Change a rule; what it already wrote stays as written (the ledger is never rewritten)."""
    if not can_manage_points(actor, rule.period):
        raise PermissionDeniedError()
    _require_open(rule.period, "period")
    merged = {**snapshot(rule, RULE_FIELDS), **{k: v for k, v in data.items() if k in RULE_FIELDS}}
    clean = clean_rule(rule.period, merged, rule=rule)
    if clean["event_type"] != rule.event_type and rule.entries.exists():
        raise ValidationError(_("规则已产生积分，不能更改计分事项；请停用后另建规则"), field="event_type")
    before = snapshot(rule, RULE_FIELDS)
    PointRule.objects.filter(pk=rule.pk).update(**clean, updated_at=timezone.now())
    rule.refresh_from_db()
    audit_update(actor, "points.rule.update", rule, before, RULE_FIELDS, scope_path=_scope_of(rule))
    return rule


@transaction.atomic
def rule_transition(*, actor, rule: PointRule, action: str) -> PointRule:
    if not can_manage_points(actor, rule.period):
        raise PermissionDeniedError()
    if action == "reinstate" and rule.event_type in AUTOMATIC_TYPES:
        clean_rule(rule.period, {**snapshot(rule, RULE_FIELDS)}, rule=rule)  # no second active rule per event
    return _transition(rule, RULE_TRANSITIONS, action, actor=actor)


# ------------------------------------------------------------------ the ledger


def _lock_open(period: PointPeriod, field: str) -> None:
    """Lock the period row (limits are checked under it) and refuse if it has been closed meanwhile."""
    status = (
        PointPeriod.objects.select_for_update().filter(pk=period.pk).values_list("status", flat=True).first()
    )
    if status != PeriodStatus.OPEN:
        raise ValidationError(_("%(y)d 积分年度已结账，不能再变动") % {"y": period.year}, field=field)


def _used(rule: PointRule, member_ids) -> dict[int, tuple[int, int]]:
    """(entries, sum of points) the rule has written for each member so far."""
    rows = (
        PointEntry.objects.filter(rule=rule, member_id__in=list(member_ids))
        .values("member_id")
        .annotate(n=Count("id"), s=Sum("points"))
    )
    return {r["member_id"]: (r["n"], r["s"] or 0) for r in rows}


def _room(rule: PointRule, used: tuple[int, int], points: int) -> int:
    """How much of `points` the rule may still give: all of it, part of it up to the cap, or 0."""
    count, total = used
    if rule.once_only and count:
        return 0
    if rule.cap is None:
        return points
    left = rule.cap - abs(total)
    if left <= 0:
        return 0
    return points if abs(points) <= left else (left if points > 0 else -left)


def _bump_totals(period_id: int, deltas: dict[int, int]) -> None:
    for org_id, delta in sorted(deltas.items()):
        if not delta:
            continue
        qs = PointOrgTotal.objects.filter(period_id=period_id, organisation_id=org_id)
        if qs.update(total=F("total") + delta):
            continue
        try:
            with transaction.atomic():
                PointOrgTotal.objects.create(period_id=period_id, organisation_id=org_id, total=delta)
        except IntegrityError:  # created by a concurrent writer between the update and the insert
            qs.update(total=F("total") + delta)


def _post(period: PointPeriod, entries: list[PointEntry]) -> list[PointEntry]:
    if not entries:
        return entries
    created = PointEntry.objects.bulk_create(entries)
    deltas: dict[int, int] = {}
    for e in entries:
        deltas[e.organisation_id] = deltas.get(e.organisation_id, 0) + e.points
    _bump_totals(period.pk, deltas)
    return created


def points_sweep(*, period: PointPeriod | None = None, actor=None, batch: int = SWEEP_BATCH) -> int:
    """Write the points of every event not yet written, for one open period or all; returns entries written.

    Idempotent: each source returns only events without an entry for the rule (the ledger's unique key), so
    a second run, or two workers at once (the loser's insert violates the key and its batch rolls back),
    write nothing twice. An event over the cap or past once-only is skipped, not written as zero.
    """
    if period is not None and actor is not None and not can_manage_points(actor, period):
        raise PermissionDeniedError()
    periods = [period] if period is not None else list(PointPeriod.objects.filter(status=PeriodStatus.OPEN))
    written = 0
    for p in periods:
        if p.status != PeriodStatus.OPEN:
            if actor is not None:
                _require_open(p, "period")
            continue
        rules = p.rules.filter(status=RuleStatus.ACTIVE, event_type__in=AUTOMATIC_TYPES).select_related(
            "period"
        )
        for rule in rules:
            written += _sweep_rule(rule, batch, actor)
    return written


def _sweep_rule(rule: PointRule, batch: int, actor) -> int:
    source = SOURCES.get(rule.event_type)
    if source is None:  # its app supplies no events (not installed): nothing to write
        return 0
    after, written = 0, 0
    while True:
        events = source(rule, batch, after)
        if not events:
            break
        after = events[-1].event_id
        with transaction.atomic():
            try:
                _lock_open(rule.period, "period")
            except ValidationError:
                return written  # closed while we ran: nothing more is written
            used = _used(rule, {e.member_id for e in events})
            rows = []
            for e in events:
                n, s = used.get(e.member_id, (0, 0))
                amount = _room(rule, (n, s), rule.points)
                if not amount:
                    continue
                used[e.member_id] = (n + 1, s + amount)
                rows.append(
                    PointEntry(
                        period_id=rule.period_id,
                        rule=rule,
                        member_id=e.member_id,
                        organisation_id=e.organisation_id,
                        points=amount,
                        source=EntrySource.AUTO,
                        event_type=rule.event_type,
                        event_id=e.event_id,
                        link=e.link[:200],
                        reason=e.reason[:REASON_LIMIT],
                        occurred_on=e.occurred_on,
                    )
                )
            _post(rule.period, rows)
            if rows:
                audit_log(
                    actor=actor,
                    action="points.sweep",
                    obj=rule,
                    extra={"entries": len(rows), "points": sum(r.points for r in rows)},
                    scope_path=_scope_of(rule),
                )
        written += len(rows)
        if len(events) < batch:
            break
    return written


def _require_manual_rule(rule: PointRule, field: str = "rule") -> None:
    if rule.event_type != EventType.MANUAL or rule.manual_by == ManualBy.NOBODY:
        raise ValidationError(_("“%(r)s”是自动计分规则，不能手工加减分") % {"r": rule.name}, field=field)
    if rule.status != RuleStatus.ACTIVE:
        raise ValidationError(_("规则“%(r)s”已停用") % {"r": rule.name}, field=field)


def _require_member_in(rule: PointRule, member: Member, field: str) -> None:
    if not member.is_active:
        raise ValidationError(_("%(m)s不在册") % {"m": member.name}, field=field)
    if not member.organisation.path.startswith(rule.period.campaign.organisation.path):
        raise ValidationError(_("%(m)s不在本活动范围内") % {"m": member.name}, field=field)


@transaction.atomic
def points_award(
    *, actor, rule: PointRule, member: Member, reason, points=None, occurred_on=None
) -> PointEntry:
    """A manual award or deduction (手工加减分) with its reason; refused over the cap, never cut down."""
    if not can_award(actor, rule, member):
        raise PermissionDeniedError(_("您不能为%(m)s按“%(r)s”加减分") % {"m": member.name, "r": rule.name})
    _require_manual_rule(rule)
    _require_member_in(rule, member, "member")
    _require_open(rule.period, "rule")
    amount = rule.points if points in (None, "") else _int(points, "points", _("分值"))
    assert amount is not None
    if amount == 0 or (amount > 0) != (rule.points > 0):
        raise ValidationError(
            _("“%(r)s”只能%(d)s") % {"r": rule.name, "d": _("加分") if rule.points > 0 else _("减分")},
            field="points",
        )
    if abs(amount) > abs(rule.points):
        raise ValidationError(_("每次不能超过 %(n)d 分") % {"n": abs(rule.points)}, field="points")
    reason = _text(reason, "reason", _("事由"), limit=REASON_LIMIT)
    day = _day(occurred_on, "occurred_on", rule.period)
    _lock_open(rule.period, "rule")
    used = _used(rule, [member.pk]).get(member.pk, (0, 0))
    if rule.once_only and used[0]:
        raise ValidationError(
            _("“%(r)s”每年限一次，%(m)s已记过") % {"r": rule.name, "m": member.name}, field="points"
        )
    if _room(rule, used, amount) != amount:
        raise ValidationError(
            _("超过“%(r)s”的年度上限 %(c)d 分（已记 %(u)d 分）")
            % {"r": rule.name, "c": rule.cap, "u": used[1]},
            field="points",
        )
    (entry,) = _post(
        rule.period,
        [
            PointEntry(
                period=rule.period,
                rule=rule,
                member=member,
                organisation_id=member.organisation_id,
                points=amount,
                source=EntrySource.MANUAL,
                event_type=EventType.MANUAL,
                reason=reason,
                occurred_on=day,
                created_by=actor,
            )
        ],
    )
    audit_log(
        actor=actor,
        action="points.award",
        obj=entry,
        after={"member": member.name, "rule": rule.name, "points": amount, "reason": reason},
    )
    return entry


# ------------------------------------------------------------------ claims (积分申报)


@transaction.atomic
def claim_file(*, actor, rule: PointRule, text, occurred_on=None, evidence=None) -> PointClaim:
    """A member's own claim against a claimable rule, with a text and optionally a photo or a file."""
    member = member_for_user(actor)
    if member is None:
        raise PermissionDeniedError(_("只有党员本人可以申报积分"))
    if not rule.claimable:
        raise ValidationError(_("“%(r)s”不接受党员申报") % {"r": rule.name}, field="rule")
    _require_manual_rule(rule)
    _require_member_in(rule, member, "rule")
    _require_open(rule.period, "rule")
    text = _text(text, "text", _("申报事由"), limit=TEXT_LIMIT)
    day = _day(occurred_on, "occurred_on", rule.period)
    checked = None
    if evidence:
        checked = check_upload(
            evidence,
            allowed=EVIDENCE_TYPES,
            max_bytes=EVIDENCE_MAX_BYTES,
            field="evidence",
            images_by_content=True,
        )
    claim = PointClaim(rule=rule, member=member, text=text, occurred_on=day)
    if checked is not None:
        claim.evidence_name = checked.name
        claim.evidence_type = checked.content_type
        claim.evidence.save(f"evidence.{checked.ext}", evidence, save=False)
    claim.save()
    audit_log(
        actor=actor,
        action="points.claim.file",
        obj=claim,
        after={"rule": rule.name, "text": text, "evidence": claim.evidence_name},
        scope_path=member.organisation.path,
    )
    return claim


@transaction.atomic
def claim_transition(*, actor, claim: PointClaim, action: str, comment="", text=None) -> PointClaim:
    """approve (writes the rule's points once: the claim is the event), return (with a reason), resubmit."""
    rule = claim.rule
    if action == ClaimAction.RESUBMIT:
        if claim.member.user_id != actor.pk:
            raise PermissionDeniedError(_("只有申报人本人可以重新申报"))
        _require_open(rule.period, "rule")
        updates: dict = {}
        if text is not None:
            updates["text"] = _text(text, "text", _("申报事由"), limit=TEXT_LIMIT)
        return _transition(claim, CLAIM_TRANSITIONS, action, actor=actor, updates=updates)
    if action not in (ClaimAction.APPROVE, ClaimAction.RETURN):
        raise ValidationError(_("未知的操作"), field="action")
    if not can_decide_claim(actor, claim):
        raise PermissionDeniedError()
    comment = _text(comment, "comment", _("审核意见"), limit=REASON_LIMIT, required=action in NEEDS_COMMENT)
    _require_open(rule.period, "action")
    updates = {"comment": comment, "decided_by": actor, "decided_at": timezone.now()}
    if action == ClaimAction.APPROVE:
        _lock_open(rule.period, "action")
        if claim.status == ClaimStatus.SUBMITTED:
            used = _used(rule, [claim.member_id]).get(claim.member_id, (0, 0))
            if _room(rule, used, rule.points) != rule.points:
                raise ValidationError(
                    _("%(m)s的“%(r)s”已达年度上限或每年限一次，不能再通过")
                    % {"m": claim.member.name, "r": rule.name},
                    field="action",
                )
    claim = _transition(claim, CLAIM_TRANSITIONS, action, actor=actor, updates=updates, comment=comment)
    if action == ClaimAction.APPROVE:
        _post(
            rule.period,
            [
                PointEntry(
                    period_id=rule.period_id,
                    rule=rule,
                    member_id=claim.member_id,
                    organisation_id=claim.member.organisation_id,
                    points=rule.points,
                    source=EntrySource.CLAIM,
                    event_type=EventType.MANUAL,
                    event_id=claim.pk,  # the unique key: a claim is written at most once
                    reason=claim.text[:REASON_LIMIT],
                    occurred_on=claim.occurred_on,
                    created_by=actor,
                )
            ],
        )
    return claim


@transaction.atomic
def points_rebuild_totals(*, period: PointPeriod) -> int:
    """Recompute PointOrgTotal of a period from its entries (repair, and after a bulk load)."""
    PointOrgTotal.objects.filter(period=period).delete()
    rows = PointEntry.objects.filter(period=period).values("organisation_id").annotate(t=Sum("points"))
    objs = [PointOrgTotal(period=period, organisation_id=r["organisation_id"], total=r["t"]) for r in rows]
    PointOrgTotal.objects.bulk_create(objs, batch_size=2000)
    return len(objs)
