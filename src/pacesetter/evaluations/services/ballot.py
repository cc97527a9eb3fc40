"""The public ballot: a one-time code opens it and casts it, on the phone, through the API or on paper.

Casting is the hot path (a meeting of 300 people scanning at once): ONE transaction spends the code with a
conditional UPDATE (rowcount must be 1) and inserts the sheet and its ballots. Nothing in it names the rater.
"""

import functools
import time

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.core import codes as codebook
from pacesetter.core.audit import audit_log
from pacesetter.core.errors import ValidationError

from ..enums import (
    Channel,
    RoundStatus,
)
from ..errors import (
    CodeSpentError,
    CodeUnknownError,
    RoundNotOpenError,
)
from ..models import (
    BallotCode,
    CodeAttempt,
    Round,
)
from ..rules import can_enter_paper_ballots
from ..selectors import ballot_form, round_accepts_ballots, round_closed_message
from . import ratelimit
from .base import _require
from .casting import _ROUND_TABLE, _CastRound, _clean_answers, _freeze_on_first_ballot, _store_sheet
from .ratelimit import ATTEMPT_WINDOW_SECONDS, _client_key, code_attempt_failed, code_attempts_check


def code_lookup(code_text: str, *, client: str | None = None) -> tuple[BallotCode, Round]:
    """The code and its round, with the rate limit; unknown codes count as failures for this client."""
    code_attempts_check(client)
    code = codebook.code_normalise(code_text)
    found = None
    if codebook.code_is_well_formed(code):
        found = next(
            iter(
                BallotCode.objects.select_related("round", "round__organisation").filter(
                    code_hash=codebook.code_hash(code)
                )[:1]
            ),
            None,
        )
    if found is None:
        code_attempt_failed(client)
        raise CodeUnknownError()
    return found, found.round


_ROUND_COLUMNS = ("version", "scale", "created_at", "status", "questions_locked", "criteria_set_id")


@functools.cache
def _spend_sql(vendor: str, with_round: bool) -> str:
    """The conditional UPDATE that spends a code, with every precondition of a cast folded into it.

    It matches only when the code exists, is unspent, (for paper entry) belongs to the given round, its
    round accepts ballots now (trial, or open inside its window), and the client is not rate-limited.
    RETURNING hands back what the cast needs of the code and its round, so the happy path reads nothing
    else. PostgreSQL joins the round with UPDATE … FROM; SQLite (≥ 3.35 for RETURNING) may not return
    columns of a FROM table, so it reads them with scalar subqueries. The parameters are the same.
    """
    q = connection.ops.quote_name
    code_t, attempt_t, round_t = q(BallotCode._meta.db_table), q(CodeAttempt._meta.db_table), q(_ROUND_TABLE)
    window_ok = "(r.status = %s OR (r.status = %s AND r.opens_at <= %s AND r.closes_at > %s))"
    not_limited = f"NOT EXISTS (SELECT 1 FROM {attempt_t} a WHERE a.client = %s AND a.{q('window')} = %s AND a.failures >= %s)"
    # SQLite's RETURNING cannot see a table alias: there the code table is named in full.
    c = "c" if vendor == "postgresql" else code_t
    code_ok = f"{c}.code_hash = %s AND {c}.spent = %s" + (f" AND {c}.round_id = %s" if with_round else "")
    if vendor == "postgresql":
        return (
            f"UPDATE {code_t} AS c SET spent = %s, channel = %s FROM {round_t} AS r"
            f" WHERE {code_ok} AND r.id = c.round_id AND {window_ok} AND {not_limited}"
            " RETURNING c.round_id, c.group_id, " + ", ".join(f"r.{q(col)}" for col in _ROUND_COLUMNS)
        )
    # SQLite: the same conditions and parameters, the round in a correlated EXISTS, its columns as subqueries.
    return (
        f"UPDATE {code_t} SET spent = %s, channel = %s"
        f" WHERE {code_ok} AND EXISTS (SELECT 1 FROM {round_t} r WHERE r.id = {c}.round_id AND {window_ok})"
        f" AND {not_limited}"
        " RETURNING round_id, group_id, "
        + ", ".join(
            f"(SELECT r.{q(col)} FROM {round_t} r WHERE r.id = {c}.round_id)" for col in _ROUND_COLUMNS
        )
    )


def _cast_refusal(code: str, *, client: str | None, round_: Round | None) -> Exception:
    """Why the spending UPDATE matched nothing, checked in the order a rater should hear it.

    Only this (failure) path reads the rate limit and the code separately; unknown codes count as failures.
    """
    found, code_round = code_lookup(code, client=client)
    if round_ is not None and code_round.pk != round_.pk:
        code_attempt_failed(client)
        return CodeUnknownError(_("该评议码不属于本次评议"))
    if found.spent:
        return CodeSpentError()
    if not round_accepts_ballots(code_round):
        return RoundNotOpenError(round_closed_message(code_round))
    return None  # a concurrent change (e.g. the round just opened): try the UPDATE again


def ballot_cast_code(
    *,
    code: str,
    answers: dict,
    channel: str = Channel.WEB,
    entered_by=None,
    client: str | None = None,
    round_: Round | None = None,
    audit_actor=None,
) -> str:
    """Cast one sheet with a one-time code; returns the receipt. Spent, unknown or closed codes refuse.

    One transaction: the conditional UPDATE … RETURNING spends the code (rowcount must be 1; it also
    checks the round's window and the client's rate limit), the answers are checked against the round's
    cached form, and the sheet and its ballots are inserted. Any refusal rolls all of it back.
    """
    normalised = codebook.code_normalise(code)
    if not codebook.code_is_well_formed(normalised):
        raise _cast_refusal(code, client=client, round_=round_) or CodeUnknownError()
    code_hash = codebook.code_hash(normalised)
    window = int(time.time()) // ATTEMPT_WINDOW_SECONDS
    sql = _spend_sql(connection.vendor, round_ is not None)
    for _attempt in range(3):
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        params = [True, channel, code_hash, False]
        if round_ is not None:
            params.append(round_.pk)
        params += [
            RoundStatus.TRIAL,
            RoundStatus.OPEN,
            now,
            now,
            _client_key(client),
            window,
            ratelimit.MAX_FAILED_CODES,  # read at call time: the tests lower it
        ]
        with transaction.atomic():
            with connection.cursor() as cur:
                cur.execute(sql, params)
                spent = cur.fetchall()
            if len(spent) == 1:
                round_id, group_id, version, scale, created_at, status, locked, criteria_set_id = spent[0]
                cast_round = _CastRound(
                    pk=round_id,
                    version=version,
                    scale=scale,
                    created_at=created_at,
                    status=status,
                    questions_locked=bool(locked),
                    criteria_set_id=criteria_set_id,
                )
                form = ballot_form(cast_round)
                # A refusal here raises out of the atomic block: the code is not spent, nothing is stored.
                rows = _clean_answers(form, answers, form.targets)
                receipt = _store_sheet(
                    round_=cast_round,
                    form=form,
                    group_id=group_id,
                    channel=channel,
                    rows=rows,
                    entered_by=entered_by,
                )
                _freeze_on_first_ballot(cast_round)
                if audit_actor is not None:
                    # A clerk's entry is their act: who, when, which round and channel. Not the code
                    # and not the receipt, which would tie this moment to one published sheet.
                    audit_log(
                        actor=audit_actor,
                        action="evaluation.paper.enter",
                        obj=round_,
                        scope_path=round_.organisation.path,
                        extra={"channel": channel},
                    )
                return receipt
            if spent:  # code_hash is unique: more than one row cannot happen
                raise CodeSpentError()
        refusal = _cast_refusal(code, client=client, round_=round_)
        if refusal is not None:
            raise refusal
    raise CodeSpentError()


ENTERED_CHANNELS = (Channel.PAPER, Channel.ASSISTED)


def ballot_enter_paper(
    *, actor, round_: Round, code: str, answers: dict, channel: str = Channel.PAPER
) -> str:
    """A clerk enters a sheet for the code on a slip; the clerk is recorded as `entered_by`.

    channel=paper: a 纸质测评表 filled in by the rater and typed in later; channel=assisted: the clerk fills
    it in for a rater who is present and cannot use a phone (an elderly villager, say), as they answer.
    """
    _require(can_enter_paper_ballots(actor, round_))
    if channel not in ENTERED_CHANNELS:
        raise ValidationError(_("录入方式只能是“纸质”或“协助录入”"), field="channel")
    receipt = ballot_cast_code(
        code=code,
        answers=answers,
        channel=channel,
        entered_by=actor,
        client=f"user:{actor.pk}",
        round_=round_,
        audit_actor=actor,
    )
    return receipt
