"""Writes for public reports and cases (群众举报与案件): machine."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.core.audit import audit_status
from pacesetter.core.errors import (
    PermissionDeniedError,
    StateError,
    ValidationError,
)
from pacesetter.core.locking import lock_or_not_found
from pacesetter.core.transitions import compare_and_set
from pacesetter.orgs.models import SEGMENT, Organisation

from .. import stats
from ..enums import (
    ACTION_PARTIES,
    REOPEN,
    TRANSITIONS,
    CaseAction,
    CaseStatus,
    Finding,
    Outcome,
    Party,
    Satisfaction,
)
from ..models import (
    Case,
    Verification,
)
from ..rules import parties_for
from ._common import DEADLINES, _event, _parent, _tell, _text, route

# ------------------------------------------------------------------ the state machine


def _lock(case: Case) -> Case:
    return lock_or_not_found(Case.objects.select_related("owner", "owner__parent", "category"), case.pk)


def _flag_late(case: Case, done_field: str, fields: dict, now) -> None:
    """Taking a step after its deadline sets that deadline's overdue flag, if the sweep has not yet."""
    today = timezone.localdate(now)
    for _d, met, by, flag in DEADLINES:
        if met == done_field and getattr(case, flag) is None and today > getattr(case, by):
            fields[flag] = now


def _transition(
    actor, case: Case, action: str, *, as_party: str | None = None, note="", public=False, now=None, **fields
) -> Case:
    """The only place a case's status changes.

    Checks: the actor is a party allowed to take the action at all (403); the table has a row for
    (current status, action) (409); the actor is a party allowed in this row (403). Then compare-and-set
    on the status, one CaseEvent and one audit entry. `as_party` is for the reporter and the sweep, who
    hold no account.
    """
    now = now or timezone.now()
    label = CaseAction(action).label
    c = _lock(case)
    parties = {as_party} if as_party else parties_for(actor, c)
    if not parties & ACTION_PARTIES[action]:
        raise PermissionDeniedError(_("您无权对该件进行“%(a)s”") % {"a": label})
    t = TRANSITIONS.get((c.status, action))
    if action == CaseAction.RATE and fields.get("status") == CaseStatus.REVIEW:
        t = REOPEN if c.status == CaseStatus.REPLIED else None
    if t is None:
        raise StateError(
            _("该件当前状态为“%(s)s”，不能%(a)s") % {"s": CaseStatus(c.status).label, "a": label}
        )
    if not parties & t.parties:
        raise PermissionDeniedError(_("您无权对该件进行“%(a)s”") % {"a": label})
    fields.pop("status", None)
    before = c.status
    figures = stats.snapshot(c)
    fields = {"status": t.target, "updated_at": now, **fields}
    if t.target == CaseStatus.CLOSED:
        fields["closed_at"] = now
        _flag_late(c, "closed_at", fields, now)
    for met in ("acknowledged_at", "verified_at", "replied_at"):
        if met in fields:
            _flag_late(c, met, fields, now)
    compare_and_set(Case, c, before, fields, _("该件状态已被他人改变，请刷新后重试"))
    stats.move(figures, c)
    if "owner_id" in fields:
        c.owner = Organisation.objects.get(pk=fields["owner_id"])
    _event(c, action, before, actor=actor, note=note, public=public, at=now)
    audit_status(
        actor,
        f"case.{action}",
        c,
        before,
        extra={"note": note[:500]} if note else None,
    )
    return c


def allowed_actions(user, case: Case) -> list[str]:
    """Actions `user` may take on `case` now (what pages offer), from the transition table."""
    parties = parties_for(user, case)
    actions = [a for (s, a), t in TRANSITIONS.items() if s == case.status and parties & t.parties]
    if case.status == CaseStatus.VERIFIED and case.real_name and CaseAction.CLOSE in actions:
        actions.remove(CaseAction.CLOSE)
    return actions


@transaction.atomic
def case_assign(*, actor, case: Case, organisation: Organisation) -> Case:
    """The office routes a case from its triage queue to the organisation that must answer."""
    if not organisation.is_active:
        raise ValidationError(_("“%(o)s”已撤销") % {"o": organisation.name}, field="organisation")
    owner = route(organisation, case.hidden_from_id)
    c = _transition(
        actor,
        case,
        CaseAction.ASSIGN,
        note=_("分办至%(o)s") % {"o": owner.name},
        public=True,
        owner_id=owner.pk,
        first_owner_id=owner.pk,
        path=owner.path,
        subject_org_id=case.subject_org_id or organisation.pk,
    )
    _tell(owner, c, _("分办件：%(n)s") % {"n": c.number})
    return c


@transaction.atomic
def case_acknowledge(*, actor, case: Case, now=None) -> Case:
    now = now or timezone.now()
    return _transition(actor, case, CaseAction.ACKNOWLEDGE, public=True, acknowledged_at=now, now=now)


@transaction.atomic
def case_transfer(*, actor, case: Case, organisation: Organisation, reason: str) -> Case:
    """首问责任: the owner keeps a case until it hands it to another organisation formally, with a reason the
    reporter sees. Deadlines still count from the day the case was first received."""
    reason = _text(reason, "reason", _("转办理由"), limit=1000)
    if not organisation.is_active:
        raise ValidationError(_("“%(o)s”已撤销") % {"o": organisation.name}, field="organisation")
    if organisation.pk == case.owner_id:
        raise ValidationError(_("不能转给本组织"), field="organisation")
    if organisation.path[:SEGMENT] != case.path[:SEGMENT]:
        raise ValidationError(_("只能转给本系统内的党组织"), field="organisation")
    owner = route(organisation, case.hidden_from_id)
    c = _transition(
        actor,
        case,
        CaseAction.TRANSFER,
        note=_("转办至%(o)s：%(r)s") % {"o": owner.name, "r": reason},
        public=True,
        owner_id=owner.pk,
        path=owner.path,
    )
    _tell(owner, c, _("转办件：%(n)s") % {"n": c.number}, body=reason)
    return c


@transaction.atomic
def case_verify(
    *, actor, case: Case, checked: str, checked_by: str, finding: str, evidence: str, now=None
) -> Case:
    """有件必核: the verification record (what, by whom, 属实/部分属实/不属实, evidence)."""
    now = now or timezone.now()
    checked = _text(checked, "checked", _("核查内容"))
    checked_by = _text(checked_by, "checked_by", _("核查人"), limit=100)
    evidence = _text(evidence, "evidence", _("证据材料"))
    if finding not in Finding.values:
        raise ValidationError(_("请选择核查结论"), field="finding")
    c = _transition(actor, case, CaseAction.VERIFY, public=True, verified_at=now, finding=finding, now=now)
    Verification.objects.create(
        case=c,
        checked=checked,
        checked_by=checked_by,
        finding=finding,
        evidence=evidence,
        actor=actor,
        at=now,
    )
    return c


@transaction.atomic
def case_reply(*, actor, case: Case, reply: str, now=None) -> Case:
    """实名必复: the written reply, shown to the reporter (and sent by text to a real-name reporter)."""
    now = now or timezone.now()
    reply = _text(reply, "reply", _("答复意见"), minimum=10)
    c = _transition(actor, case, CaseAction.REPLY, public=True, replied_at=now, reply=reply, now=now)
    if c.real_name and c.reporter_phone:
        from pacesetter.notifications.sms import queue_text

        # queued (after commit) and retried by the worker; not urgent, so it waits out the quiet hours
        queue_text(
            phone=c.reporter_phone,
            text=_("您反映的问题（编号 %(n)s）已答复，请凭查询密码查看并评价。") % {"n": c.number},
            kind="case.replied",
        )
    return c


@transaction.atomic
def case_close(*, actor, case: Case, now=None) -> Case:
    """Close a verified anonymous case without a reply; a real-name case must be answered first."""
    if case.real_name:
        raise StateError(_("实名反映必须先书面答复反映人，才能办结"))
    return _transition(actor, case, CaseAction.CLOSE, public=True, outcome=Outcome.CLOSED, now=now)


@transaction.atomic
def case_decline(*, actor, case: Case, reason: str) -> Case:
    """Not accepted (不予受理): 一次性告知 — one message with why and where to go instead, never without."""
    reason = _text(reason, "reason", _("不予受理的理由和应向何处反映"), minimum=15, limit=2000)
    return _transition(actor, case, CaseAction.DECLINE, note=reason, public=True, outcome=Outcome.DECLINED)


@transaction.atomic
def case_review_conclude(*, actor, case: Case, conclusion: str, now=None) -> Case:
    """The parent's review of an answer the reporter was not satisfied with; final, with where to go next."""
    conclusion = _text(conclusion, "conclusion", _("复查结论"), minimum=10)
    return _transition(
        actor,
        case,
        CaseAction.REVIEW_CONCLUDE,
        note=conclusion,
        public=True,
        review_conclusion=conclusion,
        outcome=Outcome.FINAL,
        now=now,
    )


@transaction.atomic
def case_rate(*, case: Case, level: str, reason: str = "", now=None) -> Case:
    """The reporter rates the reply: 满意/基本满意 close it; 不满意 (with a reason) reopens it once for review
    by the parent organisation of the one that answered."""
    if level not in Satisfaction.values:
        raise ValidationError(_("请选择满意、基本满意或不满意"), field="level")
    reason = _text(
        reason, "reason", _("不满意的理由"), required=level == Satisfaction.UNSATISFIED, limit=1000
    )
    c = _lock(case)
    if level != Satisfaction.UNSATISFIED:
        return _transition(
            None,
            c,
            CaseAction.RATE,
            as_party=Party.REPORTER,
            public=True,
            now=now,
            satisfaction=level,
            satisfaction_reason=reason,
            outcome=level,
        )
    reviewer = _parent(c.owner) or c.owner
    c = _transition(
        None,
        c,
        CaseAction.RATE,
        as_party=Party.REPORTER,
        public=True,
        now=now,
        note=_("反映人不满意，由%(o)s复查：%(r)s") % {"o": reviewer.name, "r": reason},
        status=CaseStatus.REVIEW,
        satisfaction=level,
        satisfaction_reason=reason,
        reopened=True,
        owner_id=reviewer.pk,
        path=reviewer.path,
    )
    _tell(reviewer, c, _("反映人不满意，请复查：%(n)s") % {"n": c.number})
    return c
