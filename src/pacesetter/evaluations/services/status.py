"""A round's status along ROUND_TRANSITIONS: open (trial ballots discarded), close (digest, low-satisfaction
flags, grades), reopen, publish; the worker closes rounds past their deadline."""

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.campaigns.models import Campaign
from pacesetter.core.audit import audit_log, audit_status
from pacesetter.core.transitions import compare_and_set

from ..enums import (
    ROUND_TRANSITIONS,
    RoundKind,
    RoundStatus,
)
from ..errors import (
    RoundStateError,
)
from ..models import (
    BallotCode,
    Round,
)
from ..rules import can_manage_round, can_reopen_round
from .base import _require
from .cases import _flag_low_satisfaction
from .casting import _SHEET_TABLE
from .grades import _grade_members
from .receipts import receipts_digest
from .rounds import _discard_trial, require_in_step_window
from .suggestions import _withdraw_release


@transaction.atomic
def round_transition(*, actor, round_: Round, to_status: str) -> Round:
    """Change a round's status along ROUND_TRANSITIONS (compare-and-set), with the side effects of each step."""
    if round_.status == RoundStatus.CLOSED and to_status == RoundStatus.OPEN:
        _require(can_reopen_round(actor, round_))
    else:
        _require(can_manage_round(actor, round_))
    return _transition(actor=actor, round_=round_, to_status=to_status)


def rounds_close_due(*, now=None) -> int:
    """Close every open round whose deadline has passed, as the system (the worker's sweep).

    Closing is what publishes the digest, flags low satisfaction and files grades: it must not wait for
    somebody to remember to press the button. Each round is closed in its own transaction.
    """
    now = now or timezone.now()
    closed = 0
    for round_ in Round.objects.select_related("organisation").filter(
        status=RoundStatus.OPEN, closes_at__lte=now
    ):
        try:
            with transaction.atomic():
                _transition(actor=None, round_=round_, to_status=RoundStatus.CLOSED, extra={"auto": True})
        except RoundStateError:
            continue  # closed by someone else meanwhile
        closed += 1
    return closed


def _transition(*, actor, round_: Round, to_status: str, extra: dict | None = None) -> Round:
    current = round_.status
    if to_status not in ROUND_TRANSITIONS.get(current, frozenset()):
        raise RoundStateError(
            _("评议“%(n)s”当前为“%(a)s”，不能改为“%(b)s”")
            % {"n": round_.name, "a": RoundStatus(current).label, "b": RoundStatus(to_status).label}
        )
    now = timezone.now()
    fields: dict = {"status": to_status}
    extra = dict(extra or {})
    if to_status == RoundStatus.OPEN and current in (RoundStatus.DRAFT, RoundStatus.TRIAL):
        if round_.campaign_id:  # the campaign's steps may have moved since the round was set up
            require_in_step_window(
                campaign=Campaign.objects.get(pk=round_.campaign_id),
                organisation=round_.organisation,
                kind=round_.kind,
                opens_at=round_.opens_at,
                closes_at=round_.closes_at,
            )
        extra["discarded_trial_sheets"] = _discard_trial(round_)
    if to_status == RoundStatus.CLOSED:
        _close_lock()
        digest, count = receipts_digest(round_)
        fields.update(digest=digest, ballot_count=count, closed_at=now)
        extra.update(digest=digest, ballots=count)
    if current == RoundStatus.CLOSED:
        fields.update(digest="", closed_at=None, published=False)
        _withdraw_release(round_)  # released 意见建议 are hidden again until reviewed after the next close
    compare_and_set(
        Round, round_, current, fields, _("评议状态已被他人修改，请刷新后重试"), error=RoundStateError
    )
    # a 具体标准征询问卷 rates the wording of a standard, not the organisation: no rectification case
    if to_status == RoundStatus.CLOSED and round_.kind != RoundKind.SURVEY:
        extra["low_satisfaction"] = _flag_low_satisfaction(round_)
        if round_.kind == RoundKind.ASSESSMENT:
            extra["grades"] = _grade_members(round_)
    audit_status(
        actor,
        "evaluation.round.reopen" if current == RoundStatus.CLOSED else "evaluation.round.status",
        round_,
        current,
        extra=extra,
    )
    return round_


@transaction.atomic
def round_publish(*, actor, round_: Round, published: bool = True) -> Round:
    _require(can_manage_round(actor, round_))
    if round_.status != RoundStatus.CLOSED:
        raise RoundStateError(_("评议结束后才能公开结果"))
    Round.objects.filter(pk=round_.pk).update(published=published)
    round_.published = published
    audit_log(
        actor=actor,
        action="evaluation.round.publish" if published else "evaluation.round.unpublish",
        obj=round_,
        after={"published": published},
    )
    return round_


def _close_lock() -> None:
    """Closing waits for casts in flight to commit and holds new ones until the digest is written.

    A code cast takes the code table (its UPDATE) and a member cast the sheet table (ROW EXCLUSIVE)
    before reading the round's status; SHARE mode on both conflicts with those, so every sheet is
    either in the digest or refused as "closed". Only PostgreSQL needs it: on SQLite the close's
    IMMEDIATE transaction already excludes every other writer.
    """
    if connection.vendor == "postgresql":
        q = connection.ops.quote_name
        with connection.cursor() as cur:
            cur.execute(f"LOCK TABLE {q(BallotCode._meta.db_table)}, {q(_SHEET_TABLE)} IN SHARE MODE")
