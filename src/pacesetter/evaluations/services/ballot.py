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
from pacesetter.core.errors import ApplicationError, ValidationError

from ..enums import (
    Channel,
    RoundStatus,
)
from ..errors import (
    CodeSpentError,
    CodeUnknownError,
    RateLimitedError,
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
from .suggestions import _store_suggestion, suggestion_clean

# ---------------------------------------------------------------- the refusals, in the order a rater hears them
#
# 1. too many failed codes from this address (RateLimitedError) — before anything about the code is said;
# 2. the code does not exist, or (paper entry) belongs to another round (CodeUnknownError; counts as a failure);
# 3. the code has been used (CodeSpentError);
# 4. the round takes no ballots now (RoundNotOpenError, with its dates).
# The public page, the API and the paper import (single sheets and whole files) all ask the functions below.


def code_refusal(
    found: tuple[int, bool] | None, *, round_: Round | None = None, brief: bool = False
) -> ApplicationError | None:
    """Steps 2–3 for a code looked up as (its round id, spent), or None when it does not exist.

    `round_`: the round the code is entered for (paper entry); `brief`: the short wording of a row of a
    paper import report. Returns the refusal, or None when the code may be cast.
    """
    if found is None:
        return CodeUnknownError(_("评议码不存在") if brief else None)
    round_id, spent = found
    if round_ is not None and round_id != round_.pk:
        return CodeUnknownError(_("该评议码不属于本次评议"))
    if spent:
        return CodeSpentError(_("该评议码已使用") if brief else None)
    return None


def counts_as_failure(refusal: ApplicationError | None) -> bool:
    """Only an unknown (or another round's) code is a guess; a spent code or a closed round is not."""
    return isinstance(refusal, CodeUnknownError)


def require_accepting(round_: Round) -> None:
    """Step 4: the round takes ballots now (a trial at any time, an open round inside its window)."""
    if not round_accepts_ballots(round_):
        raise RoundNotOpenError(round_closed_message(round_))


def ballot_open(code_text: str, *, client: str | None = None, round_: Round | None = None):
    """The code and its round if a ballot may be cast with it now; else the first refusal of steps 1–4."""
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
    refusal = code_refusal(None if found is None else (found.round_id, found.spent), round_=round_)
    if counts_as_failure(refusal):
        code_attempt_failed(client)
    if refusal is not None:
        raise refusal
    assert found is not None
    require_accepting(found.round)
    return found, found.round


def codes_refusals(code_hashes: list[str], *, round_: Round, client: str) -> dict[str, ApplicationError]:
    """Steps 2–3 for every code of a paper file in ONE query (brief wording), then step 1 once more.

    Every guess counts as a failure; past the limit the whole file is refused without saying which codes
    exist, so one upload cannot test more codes than typing them one at a time would.
    """
    known = {
        code_hash: (round_id, spent)
        for code_hash, round_id, spent in BallotCode.objects.filter(code_hash__in=code_hashes).values_list(
            "code_hash", "round_id", "spent"
        )
    }
    refusals, failures = {}, 0
    for code_hash in code_hashes:
        refusal = code_refusal(known.get(code_hash), round_=round_, brief=True)
        if refusal is None:
            continue
        if counts_as_failure(refusal):
            failures += 1
            code_attempt_failed(client)
        refusals[code_hash] = refusal
    if failures:
        try:
            code_attempts_check(client)
        except RateLimitedError:
            raise RateLimitedError(
                _("文件中无效的评议码过多，为防止猜码，请 10 分钟后核对评议码再上传")
            ) from None
    return refusals


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


def _cast_refusal(code: str, *, client: str | None, round_: Round | None) -> None:
    """Why the spending UPDATE matched nothing: ballot_open raises the refusal a rater should hear.

    Only this (failure) path reads the rate limit and the code separately. Returning means nothing refuses
    now: a concurrent change (e.g. the round just opened), so the UPDATE is tried again.
    """
    ballot_open(code, client=client, round_=round_)


def ballot_cast_code(
    *,
    code: str,
    answers: dict,
    channel: str = Channel.WEB,
    entered_by=None,
    client: str | None = None,
    round_: Round | None = None,
    audit_actor=None,
    suggestion: str = "",
) -> str:
    """Cast one sheet with a one-time code; returns the receipt. Spent, unknown or closed codes refuse.

    One transaction: the conditional UPDATE … RETURNING spends the code (rowcount must be 1; it also
    checks the round's window and the client's rate limit), the answers are checked against the round's
    cached form, and the sheet and its ballots are inserted. Any refusal rolls all of it back.
    """
    suggestion = suggestion_clean(suggestion)
    normalised = codebook.code_normalise(code)
    if not codebook.code_is_well_formed(normalised):
        _cast_refusal(code, client=client, round_=round_)
        raise CodeUnknownError()
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
                _store_suggestion(round_id=round_id, group_id=group_id, text=suggestion)
                _freeze_on_first_ballot(cast_round)
                if audit_actor is not None:
                    # A clerk's entry is their act: who, when, which round and channel. Not the code
                    # and not the receipt, which would tie this moment to one published sheet.
                    audit_log(
                        actor=audit_actor,
                        action="evaluation.paper.enter",
                        obj=round_,
                        extra={"channel": channel},
                    )
                return receipt
            if spent:  # code_hash is unique: more than one row cannot happen
                raise CodeSpentError()
        _cast_refusal(code, client=client, round_=round_)
    raise CodeSpentError()


ENTERED_CHANNELS = (Channel.PAPER, Channel.ASSISTED)


def ballot_enter_paper(
    *, actor, round_: Round, code: str, answers: dict, channel: str = Channel.PAPER, suggestion: str = ""
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
        suggestion=suggestion,
    )
    return receipt
