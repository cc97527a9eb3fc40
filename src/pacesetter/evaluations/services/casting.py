"""Storing a sheet: answers checked against the round's form, one INSERT of the sheet and its ballots,
the questions frozen by the first real ballot. Nothing here names the rater."""

import datetime
import functools
import json
import secrets
import uuid
from dataclasses import dataclass

from django.db import connection
from django.utils.translation import gettext as _

from pacesetter.campaigns.models import CriteriaSet
from pacesetter.core.context import current_ip
from pacesetter.core.errors import ValidationError

from ..enums import (
    RoundStatus,
)
from ..errors import (
    BallotIncompleteError,
    RoundStateError,
)
from ..models import (
    Ballot,
    BallotSheet,
    Round,
)
from ..selectors import (
    BallotForm,
)
from .receipts import canonical_content, receipt_for

_SHEET_TABLE = BallotSheet._meta.db_table
_BALLOT_TABLE = Ballot._meta.db_table
_ROUND_TABLE = Round._meta.db_table


def _clean_answers(form: BallotForm, answers: dict, targets) -> list[tuple[int, list[int | None]]]:
    """Every target × question answered (an option or 不了解 = None); else 422 naming what is missing.

    Answers for a target or question the round does not have are refused, not dropped: a client that sends
    them has the wrong ballot, and storing the rest would count a sheet its rater never saw.
    """
    allowed = form.allowed_scores
    missing, invalid, rows = [], [], []
    answers = {str(k): v for k, v in (answers or {}).items()}
    known_targets = {str(t.id) for t in form.targets}
    known_questions = {str(q.position) for q in form.questions}
    for key, given in answers.items():
        if key not in known_targets:
            raise ValidationError(
                _("评议对象“%(target)s”不在本次评议中，未保存任何内容") % {"target": key[:20]},
                field=f"answers.{key[:20]}",
            )
        for position in given if isinstance(given, dict) else ():
            if str(position) not in known_questions:
                raise ValidationError(
                    _("本次评议没有第“%(q)s”题，未保存任何内容") % {"q": str(position)[:20]},
                    field=f"answers.{key}.{str(position)[:20]}",
                )
    for t in targets:
        given = answers.get(str(t.id))
        given = {str(k): v for k, v in given.items()} if isinstance(given, dict) else {}
        row: list[int | None] = []
        for q in form.questions:
            key = str(q.position)
            if key not in given or given[key] == "":
                missing.append({"field": f"t{t.id}_q{q.position}", "message": f"{t.name} · {q.text}"})
                row.append(None)
                continue
            value = given[key]
            if value is None or value == "dk":
                row.append(None)
                continue
            try:
                value = int(value)
            except (TypeError, ValueError):
                value = -1
            if value not in allowed:
                invalid.append({"field": f"t{t.id}_q{q.position}", "message": f"{t.name} · {q.text}"})
            row.append(value)
        rows.append((t.id, row))
    if missing:
        raise BallotIncompleteError(
            _("以下 %(n)d 项未填写（可选“不了解”），未保存任何内容：%(items)s")
            % {"n": len(missing), "items": _first_items(missing)},
            details=missing,
        )
    if invalid:
        raise ValidationError(
            _("以下各项的选择无效：%(items)s") % {"items": _first_items(invalid)},
            details=invalid,
        )
    return rows


def _first_items(problems: list[dict], shown: int = 20) -> str:
    """The first items by name; past `shown`, say how many more (each is also marked on the page)."""
    text = "；".join(p["message"] for p in problems[:shown])
    if len(problems) > shown:
        text += _("……等 %(n)d 项（已在表中标出）") % {"n": len(problems)}
    return text


def _store_sheet(
    *, round_: Round, form: BallotForm, group_id: int, channel: str, rows, entered_by=None
) -> str:
    """Insert the sheet and all its ballots (one multi-row INSERT); returns the receipt.

    Plain SQL through Django's cursor: the ORM's per-row model instances and SQL compilation were a large
    share of a cast's time. On PostgreSQL the two INSERTs travel as ONE statement (a data-modifying WITH),
    saving a round trip; SQLite runs them one after the other. Named parameters: the shared values are
    sent once, which keeps a typical sheet under psycopg's limit for caching the parsed query. Keys are
    random UUIDs; nothing here names the rater or the time.
    """
    nonce = secrets.token_hex(16)
    receipt = receipt_for(nonce, canonical_content(round_.pk, rows))
    answer_cols = [f"a{q.position}" for q in form.questions]
    sheet = {
        "round": round_.pk,
        "group": group_id,
        "channel": channel,
        "entered_by": entered_by.pk if entered_by is not None else None,
        "nonce": nonce,
        "receipt": receipt,
    }
    if connection.vendor == "postgresql":
        rows_json = json.dumps([[target_id, *row] for target_id, row in rows], separators=(",", ":"))
        params = {**sheet, "rows": rows_json}
        with connection.cursor() as cur:
            cur.execute(_pg_store_sql(len(answer_cols)), params)
        return receipt
    native_uuid = connection.features.has_native_uuid_field

    def key():
        u = uuid.uuid4()
        return u if native_uuid else u.hex

    params = {"sheet": key(), **sheet}
    values = []
    for i, (target_id, row) in enumerate(rows):
        params[f"i{i}"], params[f"t{i}"] = key(), target_id
        for col, value in zip(answer_cols, row, strict=True):
            params[f"{col}_{i}"] = value
        values.append(
            f"(%(i{i})s, %(sheet)s, %(round)s, %(group)s, %(t{i})s, %(channel)s, "
            + ", ".join(f"%({col}_{i})s" for col in answer_cols)
            + ")"
        )
    sheet_sql = (
        f"INSERT INTO {_SHEET_TABLE} (id, round_id, group_id, channel, entered_by_id, nonce, receipt)"
        " VALUES (%(sheet)s, %(round)s, %(group)s, %(channel)s, %(entered_by)s, %(nonce)s, %(receipt)s)"
    )
    ballots_sql = (
        f"INSERT INTO {_BALLOT_TABLE} (id, sheet_id, round_id, group_id, target_id, channel, "
        + ", ".join(answer_cols)
        + ") VALUES "
        + ", ".join(values)
    )
    with connection.cursor() as cur:
        cur.execute(sheet_sql, params)
        cur.execute(ballots_sql, params)
    return receipt


@functools.cache
def _pg_store_sql(n_questions: int) -> str:
    """PostgreSQL: the sheet and its ballots in ONE statement, the ballot rows as ONE JSON parameter.

    A data-modifying WITH inserts the sheet and hands its key to the ballots, which are unpacked from a JSON
    array of [target, a1, …, an] with json_array_elements: seven parameters whatever the sheet's size, so
    psycopg converts 7 values instead of 7 × targets × questions. Keys are gen_random_uuid() (random, no order).
    """
    cols = [f"a{i}" for i in range(1, n_questions + 1)]
    picks = ", ".join(f"(r->>{i})::smallint" for i in range(1, n_questions + 1))
    return (
        f"WITH sheet AS (INSERT INTO {_SHEET_TABLE} (id, round_id, group_id, channel, entered_by_id, nonce, receipt)"
        " VALUES (gen_random_uuid(), %(round)s, %(group)s, %(channel)s, %(entered_by)s, %(nonce)s, %(receipt)s)"
        " RETURNING id)"
        f" INSERT INTO {_BALLOT_TABLE} (id, sheet_id, round_id, group_id, target_id, channel, {', '.join(cols)})"
        f" SELECT gen_random_uuid(), sheet.id, %(round)s, %(group)s, (r->>0)::int, %(channel)s, {picks}"
        " FROM sheet, json_array_elements(%(rows)s::json) AS r"
    )


def _freeze_on_first_ballot(round_: Round) -> None:
    """Questions and the campaign's criteria set freeze when the first real (non-trial) ballot arrives.

    Runs inside the cast's transaction. The UPDATE matches only the version of the questions the sheet was
    checked against: if a clerk changed them meanwhile (round_questions_set holds the round's row and bumps
    the version), the sheet was filled in against questions that no longer exist, and it is refused.
    """
    if round_.questions_locked or round_.status != RoundStatus.OPEN:
        return
    frozen = Round.objects.filter(pk=round_.pk, questions_locked=False, version=round_.version).update(
        questions_locked=True
    )
    if not frozen:
        if not Round.objects.filter(pk=round_.pk, questions_locked=True, version=round_.version).exists():
            raise RoundStateError(_("评议内容刚刚修改过，请刷新页面后重新填写"))
        round_.questions_locked = True  # another first ballot froze the same questions
        return
    round_.questions_locked = True
    if round_.criteria_set_id:
        from pacesetter.campaigns.services import criteria_set_lock

        # The audit entry is the system's act; the address of the rater whose ballot froze the
        # questions must not be written next to it (it would date and locate one ballot).
        token = current_ip.set(None)
        try:
            criteria_set_lock(
                actor=None,
                criteria_set=CriteriaSet.objects.select_related("campaign__organisation").get(
                    pk=round_.criteria_set_id
                ),
            )
        finally:
            current_ip.reset(token)


@dataclass(slots=True)
class _CastRound:
    """What a cast needs of its round, as the spending UPDATE returns it (cheaper than a model instance)."""

    pk: int
    version: int
    scale: str
    created_at: datetime.datetime
    status: str
    questions_locked: bool
    criteria_set_id: int | None
