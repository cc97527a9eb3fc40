"""Peer evaluation: a signed-in member rates the peers of their round, one sheet per peer."""

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from pacesetter.core.errors import PermissionDeniedError

from ..enums import (
    Channel,
)
from ..errors import (
    AlreadyVotedError,
)
from ..models import (
    MemberParticipation,
    Round,
)
from ..selectors import (
    ballot_form,
    member_group_for,
    member_may_vote,
)
from .ballot import require_accepting
from .casting import _SHEET_TABLE, _clean_answers, _freeze_on_first_ballot, _store_sheet
from .suggestions import _store_suggestion, suggestion_clean


def ballot_cast_member(*, actor, round_: Round, answers: dict, suggestion: str = "") -> list[tuple[str, str]]:
    """A signed-in member evaluates the peers they have not yet rated (never themselves).

    Returns (target name, receipt) per target. Each target's ballot is a sheet of its own: a sheet
    covering "everyone but one" would name its rater by the one it leaves out, in the database and in
    the public ballot file alike.
    """
    suggestion = suggestion_clean(suggestion)
    member = member_may_vote(actor, round_)
    if member is None:
        raise PermissionDeniedError(_("您不在本次评议的参评党员范围内"))
    require_accepting(round_)
    group = member_group_for(round_)
    form = ballot_form(round_)
    done = set(
        MemberParticipation.objects.filter(round=round_, voter=actor).values_list("target_id", flat=True)
    )
    targets = [t for t in form.targets if t.id not in done and t.member_id != member.pk]
    if not targets:
        raise AlreadyVotedError()
    rows = _clean_answers(form, answers, targets)
    names = {t.id: t.name for t in targets}
    try:
        with transaction.atomic():
            _require_still_accepting(round_)
            # The unique constraint, not the check above, is what makes a second ballot fail.
            MemberParticipation.objects.bulk_create(
                [
                    MemberParticipation(round=round_, group_id=group.id, voter=actor, target_id=t.id)
                    for t in targets
                ]
            )
            receipts = [
                (
                    names[target_id],
                    _store_sheet(
                        round_=round_,
                        form=form,
                        group_id=group.id,
                        channel=Channel.WEB,
                        rows=[(target_id, row)],
                    ),
                )
                for target_id, row in rows
            ]
            # One text per cast, not per peer: nothing ties it to a sheet (see services.suggestions).
            _store_suggestion(round_id=round_.pk, group_id=group.id, text=suggestion)
            _freeze_on_first_ballot(round_)
    except IntegrityError:
        raise AlreadyVotedError() from None
    return receipts


def _require_still_accepting(round_: Round) -> None:
    """Inside a cast's transaction: the round still accepts ballots (closing may have begun meanwhile).

    On PostgreSQL the sheet table is first taken in ROW EXCLUSIVE mode, which waits while a close holds
    it in SHARE mode (see _close_lock); the status read after that sees the close. SQLite's IMMEDIATE
    transactions already hold the one write lock here.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(f"LOCK TABLE {connection.ops.quote_name(_SHEET_TABLE)} IN ROW EXCLUSIVE MODE")
    require_accepting(Round.objects.only("status", "opens_at", "closes_at", "name").get(pk=round_.pk))
