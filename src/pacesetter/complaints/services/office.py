"""Writes for public reports and cases (群众举报与案件): office."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.core.audit import audit_log, audit_status
from pacesetter.core.errors import (
    PermissionDeniedError,
    StateError,
    ValidationError,
)

from ..enums import (
    Finding,
    Party,
)
from ..models import (
    AccountabilityNote,
    Case,
    Category,
)
from ..rules import parties_for
from ._common import DEADLINES, _event, _text, deadlines_for
from .machine import _lock

# ------------------------------------------------------------------ office: category, publication, notes


def _require_office(actor, case: Case) -> None:
    if Party.OFFICE not in parties_for(actor, case):
        raise PermissionDeniedError(_("只有活动办公室可以进行此操作"))


@transaction.atomic
def case_recategorise(*, actor, case: Case, category: Category) -> Case:
    """The office corrects the category; deadlines are recomputed from the day received, overdue flags stay."""
    c = _lock(case)
    _require_office(actor, c)
    if not c.is_open:
        raise StateError(_("已办结的件不能调整类别"))
    before = c.category_id
    fields = {
        "category": category,
        **deadlines_for(category, c.received_on, c.kind),
        "updated_at": timezone.now(),
    }
    for k, v in fields.items():
        setattr(c, k, v)
    c.save(update_fields=list(fields))
    _event(c, "recategorise", c.status, actor=actor, note=category.name)
    audit_status(actor, "case.recategorise", c, before, field="category")
    return c


@transaction.atomic
def case_publish(*, actor, case: Case, summary: str, reply: str, publish: bool = True) -> Case:
    """The office marks a closed case public with a redacted summary and reply; the originals stay as filed."""
    c = _lock(case)
    _require_office(actor, c)
    if c.is_open:
        raise StateError(_("办结后才能公开"))
    if publish:
        c.public_summary = _text(summary, "summary", _("公开摘要"), limit=1000)
        c.public_reply = _text(reply, "reply", _("公开答复"), limit=3000)
    c.is_public = publish
    c.save(update_fields=["public_summary", "public_reply", "is_public"])
    audit_log(
        actor=actor,
        action="case.publish" if publish else "case.unpublish",
        obj=c,
    )
    return c


@transaction.atomic
def accountability_note_add(*, actor, case: Case, deadline: str, note: str) -> AccountabilityNote:
    """责任追究: the office records a note against a deadline that was missed (its flag is set)."""
    c = _lock(case)
    _require_office(actor, c)
    flags = {d: flag for d, _m, _b, flag in DEADLINES}
    if deadline not in flags:
        raise ValidationError(_("请选择逾期环节"), field="deadline")
    if getattr(c, flags[deadline]) is None:
        raise StateError(_("该环节未逾期，不能追究责任"))
    note = _text(note, "note", _("责任追究意见"))
    n = AccountabilityNote.objects.create(case=c, deadline=deadline, note=note, actor=actor)
    _event(c, "accountability", c.status, actor=actor, note=note)
    audit_log(
        actor=actor,
        action="case.accountability",
        obj=c,
        extra={"deadline": deadline},
    )
    return n


def case_rectify(*, actor, case: Case, problem: str, measures_required: str, working_days: int):
    """A verified finding (属实/部分属实) becomes a supervision rectification order (限期整改)."""
    from pacesetter.supervision.services import rectification_issue

    if case.finding not in (Finding.TRUE, Finding.PARTLY):
        raise StateError(_("只有核查属实或部分属实的件才能下达整改通知"))
    with transaction.atomic():
        order = rectification_issue(
            actor=actor,
            case=case,
            problem=problem,
            measures_required=measures_required,
            working_days=working_days,
        )
        _event(case, "rectify", case.status, actor=actor, note=_("已下达整改通知"))
    return order
