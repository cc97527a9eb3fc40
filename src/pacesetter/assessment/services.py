"""Writes for assessment (组织考核): schemes, bonus/penalty items, computing a scorecard, adjusting a grade,
publishing. `_transition` is the only code that assigns Scorecard.status.
"""

import contextlib
import datetime
import json
import queue
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import partial

from django.db import connection, transaction
from django.db.models import F, Max, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.complaints.enums import CaseKind
from pacesetter.complaints.models import Case as ReportCase
from pacesetter.complaints.services import review_request_open
from pacesetter.core.audit import audit_log, audit_status
from pacesetter.core.errors import PermissionDeniedError, StateError, ValidationError
from pacesetter.core.locking import lock_or_not_found, locked
from pacesetter.core.tasks import enqueue
from pacesetter.core.text import clean_text
from pacesetter.core.transitions import compare_and_set
from pacesetter.core.workdays import add_working_days
from pacesetter.orgs.models import Member, Organisation
from pacesetter.orgs.selectors import subtree_q

from .derive import derive
from .enums import (
    GRADES,
    MAX_ITEM_POINTS,
    TRANSITIONS,
    WEIGHT_TOTAL,
    Grade,
    ScorecardAction,
    ScorecardStatus,
    Subject,
)
from .models import GradeLine, Scheme, SchemeSource, Score, Scorecard, ScoreItem
from .rules import can_adjust_score, can_assess, can_manage_scheme, can_request_review
from .sources import REGISTRY

TWO = Decimal("0.01")
BATCH = 2000
MAX_MIN_COUNT = 100_000


# --- validation ----------------------------------------------------------------------------------


_text = partial(clean_text, required=False, limit=2000)


def _int(value, field: str, label: str, lo: int, hi: int) -> int:
    try:
        n = int(value)
    except (TypeError, ValueError, OverflowError):
        raise ValidationError(_("%(f)s必须是整数") % {"f": label}, field=field) from None
    if not lo <= n <= hi:
        raise ValidationError(
            _("%(f)s必须在 %(lo)d 到 %(hi)d 之间") % {"f": label, "lo": lo, "hi": hi}, field=field
        )
    return n


def _decimal(value, field: str, label: str, lo: Decimal, hi: Decimal) -> Decimal:
    try:
        d = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(_("%(f)s必须是数字") % {"f": label}, field=field) from None
    if not d.is_finite() or not lo <= d <= hi:
        raise ValidationError(
            _("%(f)s必须在 %(lo)s 到 %(hi)s 之间") % {"f": label, "lo": lo, "hi": hi}, field=field
        )
    return d.quantize(TWO, rounding=ROUND_HALF_UP)


def clean_sources(subject: str, sources: dict) -> dict[str, tuple[int, int]]:
    """{key: (weight, min_count)} with every key a registered source of this subject, weights summing to 100."""
    if not sources:
        raise ValidationError(_("请至少选择一个数据来源"), field="sources")
    cleaned: dict[str, tuple[int, int]] = {}
    for key, spec in sources.items():
        src = REGISTRY.get(key)
        if src is None or src.subject != subject:
            raise ValidationError(_("数据来源无效：%(k)s") % {"k": str(key)[:50]}, field="sources")
        weight, min_count = spec
        weight = _int(weight, f"weight_{key}", _("“%(s)s”的权重") % {"s": src.label}, 0, WEIGHT_TOTAL)
        min_count = _int(
            min_count, f"min_{key}", _("“%(s)s”的最少数据量") % {"s": src.label}, 1, MAX_MIN_COUNT
        )
        if weight:
            cleaned[key] = (weight, min_count)
    total = sum(w for w, _m in cleaned.values())
    if total != WEIGHT_TOTAL:
        raise ValidationError(_("各数据来源的权重之和必须为 100，现为 %(n)d") % {"n": total}, field="weights")
    return cleaned


def clean_grade_lines(subject: str, lines: dict) -> dict[str, Decimal]:
    """{grade: min score} for every grade but the lowest, strictly falling from the best grade down."""
    grades = GRADES[subject]
    cleaned: dict[str, Decimal] = {}
    previous = Decimal(101)
    for grade in grades[:-1]:
        label = Grade(grade).label
        if grade not in lines or lines[grade] in (None, ""):
            raise ValidationError(_("请填写“%(g)s”的分数线") % {"g": label}, field=f"line_{grade}")
        d = _decimal(
            lines[grade], f"line_{grade}", _("“%(g)s”的分数线") % {"g": label}, Decimal(0), Decimal(100)
        )
        if d >= previous:
            raise ValidationError(
                _("分数线须从高到低：“%(g)s”的分数线必须低于上一等次") % {"g": label}, field=f"line_{grade}"
            )
        cleaned[grade] = previous = d
    return cleaned


def _clean_period(start, end) -> tuple[datetime.date, datetime.date]:
    if not isinstance(start, datetime.date):
        raise ValidationError(_("请填写考核期起始日期"), field="period_start")
    if not isinstance(end, datetime.date):
        raise ValidationError(_("请填写考核期截止日期"), field="period_end")
    if end < start:
        raise ValidationError(_("考核期截止日期不能早于起始日期"), field="period_end")
    if (end - start).days > 366 * 5:
        raise ValidationError(_("考核期不能超过五年"), field="period_end")
    return start, end


# --- schemes -------------------------------------------------------------------------------------


def _lock_scheme(scheme: Scheme) -> Scheme:
    return lock_or_not_found(Scheme.objects.select_related("campaign__organisation"), scheme.pk)


def _snapshot(scheme: Scheme) -> dict:
    return {
        "name": scheme.name,
        "subject": scheme.subject,
        "period": [scheme.period_start.isoformat(), scheme.period_end.isoformat()],
        "sources": {s.key: [s.weight, s.min_count] for s in scheme.sources.all()},
        "grade_lines": {g.grade: str(g.min_score) for g in scheme.grade_lines.all()},
    }


def _write_parts(scheme: Scheme, sources: dict, lines: dict) -> None:
    scheme.sources.all().delete()
    scheme.grade_lines.all().delete()
    SchemeSource.objects.bulk_create(
        [SchemeSource(scheme=scheme, key=k, weight=w, min_count=m) for k, (w, m) in sources.items()]
    )
    GradeLine.objects.bulk_create([GradeLine(scheme=scheme, grade=g, min_score=d) for g, d in lines.items()])


@transaction.atomic
def scheme_create(
    *, actor, campaign, name: str, subject: str, period_start, period_end, sources: dict, grade_lines: dict
) -> Scheme:
    """A scheme for `campaign`: `sources` {key: (weight, min_count)}, `grade_lines` {grade: min score}."""
    if not can_manage_scheme(actor, campaign.organisation):
        raise PermissionDeniedError(_("只有活动办公室可以制定考核方案"))
    if subject not in Subject.values:
        raise ValidationError(_("考核对象无效"), field="subject")
    name = _text(name, "name", _("方案名称"), required=True, limit=200)
    period_start, period_end = _clean_period(period_start, period_end)
    cleaned_sources = clean_sources(subject, sources)
    lines = clean_grade_lines(subject, grade_lines)
    scheme = Scheme.objects.create(
        campaign=campaign,
        name=name,
        subject=subject,
        period_start=period_start,
        period_end=period_end,
        created_by=actor,
    )
    _write_parts(scheme, cleaned_sources, lines)
    audit_log(actor=actor, action="assessment.scheme_create", obj=scheme, after=_snapshot(scheme))
    return scheme


@transaction.atomic
def scheme_update(
    *, actor, scheme: Scheme, name: str, period_start, period_end, sources: dict, grade_lines: dict
) -> Scheme:
    """Change a scheme until its first scorecard is published; then it is locked (StateError)."""
    scheme = _lock_scheme(scheme)
    if not can_manage_scheme(actor, scheme):
        raise PermissionDeniedError(_("只有活动办公室可以修改考核方案"))
    if scheme.is_locked:
        raise StateError(_("考核结果已公布，方案已锁定，不能修改"))
    before = _snapshot(scheme)
    scheme.name = _text(name, "name", _("方案名称"), required=True, limit=200)
    scheme.period_start, scheme.period_end = _clean_period(period_start, period_end)
    cleaned_sources = clean_sources(scheme.subject, sources)
    lines = clean_grade_lines(scheme.subject, grade_lines)
    scheme.save(update_fields=["name", "period_start", "period_end"])
    _write_parts(scheme, cleaned_sources, lines)
    audit_log(
        actor=actor, action="assessment.scheme_update", obj=scheme, before=before, after=_snapshot(scheme)
    )
    return scheme


@transaction.atomic
def item_add(
    *, actor, scheme: Scheme, organisation: Organisation, member: Member | None = None, points, reason: str
) -> ScoreItem:
    """加分/减分 with a reason: by the office, or by a committee above the subject (not its weights)."""
    scheme = _lock_scheme(scheme)
    if scheme.is_locked:
        raise StateError(_("考核结果已公布，方案已锁定，不能再加减分"))
    if not organisation.is_within(scheme.campaign.organisation):
        raise ValidationError(_("该组织不在本次活动范围内"), field="organisation")
    if scheme.subject == Subject.MEMBER:
        if member is None:
            raise ValidationError(_("党员考核方案的加减分须指定党员"), field="member")
        organisation = member.organisation
    elif member is not None:
        raise ValidationError(_("组织考核方案的加减分不能指定党员"), field="member")
    if not (can_manage_scheme(actor, scheme) or can_assess(actor, organisation, member=member is not None)):
        raise PermissionDeniedError(_("只有上级党组织可以为“%(o)s”加减分") % {"o": organisation.name})
    limit = Decimal(MAX_ITEM_POINTS)
    points = _decimal(points, "points", _("分值"), -limit, limit)
    if not points:
        raise ValidationError(_("分值不能为 0"), field="points")
    reason = _text(reason, "reason", _("理由"), required=True)
    item = ScoreItem.objects.create(
        scheme=scheme,
        organisation=organisation,
        member=member,
        points=points,
        reason=reason,
        created_by=actor,
    )
    audit_log(
        actor=actor,
        action="assessment.item_add",
        obj=scheme,
        after={
            "organisation": organisation.pk,
            "member": member.pk if member else None,
            "points": str(points),
            "reason": reason,
        },
    )
    return item


# --- scorecards ----------------------------------------------------------------------------------


def _transition(actor, scorecard: Scorecard, action: str, **fields) -> Scorecard:
    """The only place a scorecard's status changes: the table row, compare-and-set, one audit entry."""
    t = TRANSITIONS.get((scorecard.status, action))
    if t is None:
        raise StateError(
            _("考核结果当前为“%(s)s”，不能%(a)s")
            % {"s": ScorecardStatus(scorecard.status).label, "a": ScorecardAction(action).label}
        )
    before = scorecard.status
    fields["status"] = t.target
    compare_and_set(Scorecard, scorecard, before, fields, _("考核结果的状态已被他人改变，请刷新后重试"))
    audit_status(
        actor, f"assessment.scorecard_{action}", scorecard, before, also={"version": scorecard.version}
    )
    return scorecard


@transaction.atomic
def scorecard_compute(*, actor, scheme: Scheme) -> Scorecard:
    """Start computing a new version in the background; an unpublished earlier version is superseded."""
    scheme = _lock_scheme(scheme)
    if not can_manage_scheme(actor, scheme):
        raise PermissionDeniedError(_("只有活动办公室可以计算考核结果"))
    busy = scheme.scorecards.filter(status=ScorecardStatus.COMPUTING).first()
    if busy is not None:
        raise StateError(_("第 %(v)d 版正在计算，请稍候") % {"v": busy.version})
    for old in scheme.scorecards.filter(status__in=[ScorecardStatus.COMPUTED, ScorecardStatus.FAILED]):
        _transition(actor, old, ScorecardAction.SUPERSEDE)
    version = (scheme.scorecards.aggregate(v=Max("version"))["v"] or 0) + 1
    scorecard = Scorecard.objects.create(scheme=scheme, version=version, created_by=actor)
    audit_log(actor=actor, action="assessment.scorecard_start", obj=scorecard, after={"version": version})
    from .tasks import scorecard_compute_task

    result = enqueue(scorecard_compute_task, scorecard_id=scorecard.pk)
    if result is not None:
        Scorecard.objects.filter(pk=scorecard.pk).update(task_id=str(result.id))
    return scorecard


def grade_for(total: Decimal | None, lines: list[tuple[str, Decimal]], lowest: str) -> str:
    """The first grade (best first) whose line the total reaches; the lowest grade below every line."""
    if total is None:
        return ""
    for grade, line in lines:
        if total >= line:
            return grade
    return lowest


def score_subject(
    values: dict[str, tuple[float | None, int]], sources: list[tuple[str, int, int]], bonus: Decimal
) -> tuple[Decimal | None, dict]:
    """One subject's total: the weighted mean of the sources with enough data (weights renormalised over
    them), plus bonus/penalty points, kept within 0–100. None when no source has enough data.

    `values` {key: (value, count)}; `sources` [(key, weight, min_count)].
    """
    detail: dict = {}
    weighted = Decimal(0)
    weights = 0
    for key, weight, min_count in sources:
        value, count = values.get(key, (None, 0))
        used = value is not None and count >= min_count
        detail[key] = {
            "value": None if value is None else round(float(value), 2),
            "count": count,
            "used": used,
            "weight": weight,
        }
        if used:
            weighted += Decimal(str(value)) * weight
            weights += weight
    if not weights:
        return None, detail
    total = weighted / weights + bonus
    total = min(Decimal(100), max(Decimal(0), total)).quantize(TWO, rounding=ROUND_HALF_UP)
    return total, detail


def _previous_version(scorecard: Scorecard) -> Scorecard | None:
    """The version a new one is compared with: the newest earlier one that was not superseded."""
    return (
        Scorecard.objects.filter(scheme=scorecard.scheme_id, version__lt=scorecard.version)
        .exclude(status=ScorecardStatus.SUPERSEDED)
        .order_by("-version")
        .first()
    )


class _ScoreMemo:
    """score_subject and grade_for for one scorecard, remembered per distinct (source values, bonus): most
    subjects of a city share their values (ratios of a few rows), so most subjects cost a dict lookup. The
    detail is kept as the JSON text the JSONField would store. Bounded (cleared when full), so memory stays
    flat whatever the number of subjects."""

    LIMIT = 50_000

    def __init__(self, spec, lines, lowest, convert: dict[str, Callable[[tuple], tuple]]):
        self.spec, self.lines, self.lowest, self.convert = spec, lines, lowest, convert
        self.memo: dict = {}

    def __call__(self, values: tuple, points: Decimal) -> tuple[Decimal | None, str, str]:
        """`values` ((key, (value, count)), …) as the streams return them, before their converters."""
        key = (values, points)
        hit = self.memo.get(key)
        if hit is None:
            convert = self.convert
            pairs = {k: convert[k](pair) if k in convert else pair for k, pair in values}
            total, detail = score_subject(pairs, self.spec, points)
            if len(self.memo) >= self.LIMIT:
                self.memo.clear()
            hit = self.memo[key] = (total, grade_for(total, self.lines, self.lowest), json.dumps(detail))
        return hit


# The columns scorecard_run writes (the others are NULL until derive or an adjustment sets them).
_SCORE_COLUMNS = (
    "scorecard_id",
    "organisation_id",
    "member_id",
    "parent_id",
    "total",
    "computed_grade",
    "grade",
    "adjust_reason",
    "bonus",
    "detail",
    "peer_n",
    "peer_ties",
    "changed",
    "prev_total",
    "prev_grade",
)


def _insert_scores(rows: list[tuple]) -> None:
    """Write a batch of score rows (in _SCORE_COLUMNS order) without building model instances: COPY on
    PostgreSQL, executemany elsewhere. Same stored values as Score.objects.bulk_create."""
    if not rows:
        return
    table = Score._meta.db_table
    cols = ", ".join(_SCORE_COLUMNS)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            with cur.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(_SCORE_COLUMNS))
            cur.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)


def _stream(qs: QuerySet) -> Iterable[tuple]:
    """A values_list QuerySet's rows straight from a chunked cursor (a server-side one on PostgreSQL), without
    the QuerySet's per-row machinery; the compiler's converters (float() of a FloatField expression, int() of
    a count, …) are applied by _SortedRows to the rows it keeps, so the values are the QuerySet's own."""
    compiler = qs.query.get_compiler(qs.db)
    sql, params = compiler.as_sql()
    with compiler.connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(BATCH):
            yield from rows


class _SortedRows:
    """One source's rows, read in subject-id order alongside the subjects (a merge join), so that the
    computation holds one row per source at a time instead of a dict of the whole city. A source's QuerySet
    is ordered by its subject column and streamed (a server-side cursor on PostgreSQL) as the database
    returns its rows; `convert` then applies the QuerySet's converters (float() of a FloatField expression,
    int() of a count, …) to a (value, count) — _ScoreMemo does so once per distinct pair instead of per row.
    Any other iterable (a source that aggregates in Python, such as the evaluation rounds or points) is
    sorted here. Rows without a subject are skipped; of two rows for one subject the last wins, as a dict
    would keep."""

    def __init__(self, rows: Iterable[tuple]):
        self.convert: Callable[[tuple], tuple] | None = None
        if isinstance(rows, QuerySet) and rows.query.values_select:
            qs = rows.order_by(rows.query.values_select[0])
            compiler = qs.query.get_compiler(qs.db)
            compiler.setup_query()
            converters = compiler.get_converters([col for col, _alias, _sql in compiler.select])
            if converters:
                self.convert = partial(_convert, list(converters.items()), compiler.connection)
            rows = _stream(qs)
        else:
            rows = sorted((r for r in rows if r[0] is not None), key=lambda r: r[0])
        self._rows = iter(rows)
        self._head = self._next()
        self.has_rows = self._head is not None

    def _next(self) -> tuple | None:
        for row in self._rows:
            if row[0] is not None:
                return row
        return None

    def take(self, sid: int) -> tuple[float | None, int] | None:
        """(value, count) of subject `sid`, or None; subjects must be asked for in increasing id order."""
        head = self._head
        if head is None or head[0] > sid:
            return None
        found = None
        while head is not None and head[0] <= sid:
            if head[0] == sid:
                found = (head[1], head[2])
            head = self._next()
        self._head = head
        return found


def _convert(converters: list, conn, pair: tuple) -> tuple:
    """SQLCompiler.apply_converters for one (value, count), the row's columns 1 and 2."""
    row = [None, *pair]
    for pos, (convs, expression) in converters:
        value = row[pos]
        for converter in convs:
            value = converter(value, expression, conn)
        row[pos] = value
    return (row[1], row[2])


class _PreviousScores:
    """The previous version's scores, read in subject-id order alongside the subjects (like _SortedRows),
    so that the diff (prev_total, prev_grade, changed) is written with each score instead of by UPDATEs of
    the whole version afterwards. A subject matches as derive's UPDATEs match it: the organisation
    (organisation schemes) or the member in the same organisation (member schemes)."""

    def __init__(self, previous: Scorecard | None, member_scheme: bool):
        if previous is None:
            rows: Iterable[tuple] = ()
        else:
            subject = "member_id" if member_scheme else "organisation_id"
            rows = (
                Score.objects.filter(scorecard=previous, member__isnull=not member_scheme)
                .order_by(subject)
                .values_list(subject, "organisation_id", "total", "grade")
                .iterator(chunk_size=BATCH)
            )
        self._rows = iter(rows)
        self._head = next(self._rows, None)

    def take(self, sid: int, org_id: int) -> tuple[Decimal | None, str | None]:
        """(prev_total, prev_grade) of subject `sid` in organisation `org_id`, (None, None) if it was not
        in the previous version; subjects must be asked for in increasing id order."""
        found: tuple[Decimal | None, str | None] = (None, None)
        while self._head is not None and self._head[0] <= sid:
            if self._head[0] == sid and self._head[1] == org_id:
                found = (self._head[2], self._head[3])
            self._head = next(self._rows, None)
        return found


class _ScoreWriter:
    """Writes the score batches (_insert_scores) and the progress count. On PostgreSQL outside a transaction,
    from WRITERS threads, each on a connection of its own, fed through a short queue: PostgreSQL absorbs
    batches (the COPY into the score table, its indexes and foreign-key checks — most of a member scheme's
    time) in as many backends while scorecard_run computes the next ones. Score ids are then allocated in
    the order the batches reach the table, not in subject order; nothing reads scores in id order.
    Inside a transaction (the tests' `db` fixture) or on SQLite it writes in line, as another connection
    could not see the uncommitted scorecard. A writer error is raised by the next write or by close()."""

    WRITERS = 2

    def __init__(self, scorecard_id: int):
        self.scorecard_id = scorecard_id
        self.done = 0
        self.error: BaseException | None = None
        self.threaded = connection.vendor == "postgresql" and not connection.in_atomic_block
        self._lock = threading.Lock()
        self._queue: queue.Queue = queue.Queue(maxsize=2 * self.WRITERS)
        self._threads = [
            threading.Thread(target=self._work, name=f"scorecard-{scorecard_id}-writer-{n}", daemon=True)
            for n in range(self.WRITERS if self.threaded else 0)
        ]
        for thread in self._threads:
            thread.start()

    def _write(self, rows: list[tuple], progress: bool) -> None:
        _insert_scores(rows)
        with self._lock:
            self.done += len(rows)
        if progress:
            # an increment, as the writers' commits may land in either order
            Scorecard.objects.filter(pk=self.scorecard_id).update(done=F("done") + len(rows))

    def _work(self) -> None:
        # Django gives each thread its own connection; it is closed when the queue ends.
        try:
            try:
                _synchronous_commit(False)
            except BaseException as exc:
                self.error = exc
            while (item := self._queue.get()) is not None:
                if self.error is None:  # after an error, keep draining so that put() never blocks forever
                    try:
                        self._write(*item)
                    except BaseException as exc:
                        self.error = exc
        finally:
            connection.close()

    def write(self, rows: list[tuple], progress: bool = True) -> None:
        if not self.threaded:
            self._write(rows, progress)
            return
        if self.error is not None:
            raise self.error
        self._queue.put((rows, progress))

    def close(self) -> int:
        """Wait for every batch to be written (committed); the number of scores written."""
        for _thread in self._threads:
            self._queue.put(None)
        for thread in self._threads:
            thread.join()
        self._threads = []
        if self.error is not None:
            raise self.error
        return self.done


def _rows(qs: QuerySet) -> Iterable[tuple]:
    """A values_list QuerySet's rows: from _stream when the compiler has no converter for them (plain
    columns), else through the QuerySet."""
    compiler = qs.query.get_compiler(qs.db)
    compiler.setup_query()
    if compiler.get_converters([col for col, _alias, _sql in compiler.select]):
        return qs.iterator(chunk_size=BATCH)
    return _stream(qs)


def scorecard_run(scorecard_id: int) -> None:
    """The background work: compute every subject's score of the scheme's tree into the scorecard.

    Each source is one grouped query over the subtree, read in subject order alongside the subjects (memory
    does not grow with the city); scores are written in batches and progress is saved after each batch.
    Idempotent: a rerun deletes the partial scores first.
    """
    scorecard = Scorecard.objects.select_related("scheme__campaign__organisation").get(pk=scorecard_id)
    if scorecard.status != ScorecardStatus.COMPUTING:
        return
    scheme = scorecard.scheme
    root = scheme.campaign.organisation
    writer: _ScoreWriter | None = None
    try:
        _synchronous_commit(False)
        Score.objects.filter(scorecard=scorecard).delete()
        spec = [(s.key, s.weight, s.min_count) for s in scheme.sources.all()]
        member_scheme = scheme.subject == Subject.MEMBER
        streams = {
            key: _SortedRows(
                REGISTRY[key].values(
                    path=root.path,
                    start=scheme.period_start,
                    end=scheme.period_end,
                    campaign_id=scheme.campaign_id,
                )
            )
            for key, _w, _m in spec
            if key in REGISTRY
        }
        bonus_group = "member_id" if member_scheme else "organisation_id"
        bonus = {
            sid: pts
            for sid, pts in ScoreItem.objects.filter(scheme=scheme)
            .values(bonus_group)
            .annotate(p=Sum("points"))
            .values_list(bonus_group, "p")
        }
        lines = [(g.grade, g.min_score) for g in scheme.grade_lines.order_by("-min_score")]
        lowest = GRADES[scheme.subject][-1]
        subjects: QuerySet
        if member_scheme:
            subjects = (
                Member.objects.filter(subtree_q(root.path, "organisation__path"), is_active=True)
                .order_by("pk")
                .values_list("pk", "organisation_id", "organisation__parent_id")
            )
        else:
            subjects = (
                Organisation.objects.filter(subtree_q(root.path), is_active=True)
                .exclude(pk=root.pk)
                .order_by("pk")
                .values_list("pk", "pk", "parent_id")
            )
        Scorecard.objects.filter(pk=scorecard.pk).update(total=subjects.count(), done=0)
        scored = _ScoreMemo(
            spec, lines, lowest, {key: s.convert for key, s in streams.items() if s.convert is not None}
        )
        # The diff from the previous version is written with the scores. The previous version cannot change
        # meanwhile (starting a computation supersedes every computed version, so it is a published one,
        # and only computed versions take adjustments); should it no longer be the previous one at the
        # finish, derive writes the diff by UPDATEs instead.
        previous = _previous_version(scorecard)
        prev_scores = _PreviousScores(previous, member_scheme)
        counts: Counter = Counter()
        changed_count = 0
        batch: list[tuple] = []
        writer = _ScoreWriter(scorecard.pk)
        zero = Decimal(0)
        # a source without a single row (no data in the tree) adds nothing to any subject's values
        takes = [(key, stream.take) for key, stream in streams.items() if stream.has_rows]
        for sid, org_id, parent_id in _rows(subjects):
            points = bonus.get(sid) or zero
            values = tuple([(key, row) for key, take in takes if (row := take(sid)) is not None])
            total, grade, detail = scored(values, points)
            counts[grade] += 1
            if previous is None:
                prev_total = prev_grade = None
                changed = False
            else:
                # derive.CHANGED_SQL, in Python (Decimal equality is numeric equality, as in SQL)
                prev_total, prev_grade = prev_scores.take(sid, org_id)
                changed = prev_grade is None or grade != prev_grade or total != prev_total
                changed_count += changed
            batch.append(
                (
                    scorecard.pk,
                    org_id,
                    sid if member_scheme else None,
                    None if member_scheme else parent_id,
                    total,
                    grade,
                    grade,
                    "",
                    points,
                    detail,
                    0,
                    0,
                    changed,
                    prev_total,
                    prev_grade,
                )
            )
            if len(batch) >= BATCH:
                writer.write(batch)
                batch = []
        writer.write(batch, progress=False)
        done = writer.close()
        _synchronous_commit(True)
        with transaction.atomic():
            sc = Scorecard.objects.select_for_update().get(pk=scorecard.pk)
            # What the pages show is stored with the version, in the transaction that finishes it.
            finish_previous = _previous_version(sc)
            if finish_previous == previous:
                stored = derive(
                    sc.pk,
                    previous.pk if previous else None,
                    written=(dict(sorted(counts.items())), changed_count),
                    organisations=not member_scheme,
                )
            else:
                previous = finish_previous
                stored = derive(sc.pk, previous.pk if previous else None)
            _transition(
                None,
                sc,
                ScorecardAction.FINISH,
                done=done,
                computed_at=timezone.now(),
                previous=previous,
                **stored,
            )
    except Exception as exc:
        if writer is not None:
            with contextlib.suppress(Exception):
                writer.close()
        _synchronous_commit(True)
        with transaction.atomic():
            sc = Scorecard.objects.select_for_update().get(pk=scorecard.pk)
            if sc.status == ScorecardStatus.COMPUTING:
                _transition(None, sc, ScorecardAction.FAIL, error=str(exc)[:2000])
        raise


def _synchronous_commit(on: bool) -> None:
    """PostgreSQL: while the score batches are written (each COPY and progress update is its own commit,
    about a thousand for a million members), do not wait for each commit's WAL flush; a crash loses at most
    the last moments of a computation that a rerun redoes anyway (it deletes the partial scores first). The
    transaction that finishes the version commits synchronously again, which flushes everything before it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("RESET synchronous_commit" if on else "SET synchronous_commit TO off")


@transaction.atomic
def score_adjust(*, actor, score: Score, grade: str, reason: str) -> Score:
    """The assessing organisation changes a computed grade, with a written reason (audited, shown)."""
    score = locked(
        Score.objects.select_related("scorecard__scheme__campaign__organisation", "organisation"), score.pk
    )
    if not can_adjust_score(actor, score):
        raise PermissionDeniedError(_("只有上级党组织可以调整该考核等次"))
    if score.scorecard.status != ScorecardStatus.COMPUTED:
        raise StateError(_("只能调整待公布的考核结果；已公布的结果不再改变"))
    if grade not in GRADES[score.scorecard.scheme.subject]:
        raise ValidationError(_("等次无效"), field="grade")
    reason = _text(reason, "reason", _("调整理由"), required=True)
    before = {"grade": score.grade, "reason": score.adjust_reason}
    old_grade = score.grade
    score.grade = grade
    score.adjust_reason = reason if grade != score.computed_grade else ""
    score.adjusted_by = actor
    score.adjusted_at = timezone.now()
    fields = ["grade", "adjust_reason", "adjusted_by", "adjusted_at"]
    if score.scorecard.previous_id is not None:
        score.changed = (
            score.prev_grade is None or score.grade != score.prev_grade or score.total != score.prev_total
        )
        fields.append("changed")
    score.save(update_fields=fields)
    _update_counts(score.scorecard_id, old_grade, grade)
    audit_log(
        actor=actor,
        action="assessment.score_adjust",
        obj=score,
        before=before,
        after={"grade": grade, "reason": reason},
    )
    return score


def _update_counts(scorecard_id: int, old_grade: str, new_grade: str) -> None:
    """Keep a version's stored grade counts and number of changes current after an adjustment."""
    sc = Scorecard.objects.select_for_update().get(pk=scorecard_id)
    if old_grade == new_grade and sc.previous_id is None:
        return
    counts = dict(sc.grade_counts)
    counts[old_grade] = counts.get(old_grade, 0) - 1
    counts[new_grade] = counts.get(new_grade, 0) + 1
    sc.grade_counts = {g: n for g, n in counts.items() if n > 0}
    fields = ["grade_counts"]
    if sc.previous_id is not None:
        sc.changed_count = Score.objects.filter(scorecard_id=scorecard_id, changed=True).count()
        fields.append("changed_count")
    sc.save(update_fields=fields)


@transaction.atomic
def scorecard_publish(*, actor, scorecard: Scorecard) -> Scorecard:
    """Publish a computed version: it never changes again, and the scheme is locked."""
    scorecard = locked(Scorecard.objects.select_related("scheme__campaign__organisation"), scorecard.pk)
    if not can_manage_scheme(actor, scorecard.scheme):
        raise PermissionDeniedError(_("只有活动办公室可以公布考核结果"))
    now = timezone.now()
    _transition(actor, scorecard, ScorecardAction.PUBLISH, published_at=now, published_by=actor)
    Scheme.objects.filter(pk=scorecard.scheme_id, locked_at__isnull=True).update(locked_at=now)
    return scorecard


# --- 复核 --------------------------------------------------------------------------------------------

REVIEW_WORKING_DAYS = 5
REVIEW_SOURCE = "assessment.score"


def review_deadline(score: Score) -> datetime.date | None:
    """The last day the assessed may ask for 复核: 5 working days after publication (core.workdays)."""
    published = score.scorecard.published_at
    if published is None:
        return None
    return add_working_days(timezone.localdate(published), REVIEW_WORKING_DAYS)


@transaction.atomic
def review_request(*, actor, score: Score, text: str, today=None):
    """复核: the assessed organisation's secretary (or the assessed member) asks the assessing organisation
    to look at a published grade again, within 5 working days. The request is a case of the case engine
    (complaints, CaseKind.REVIEW_REQUEST) answered by the assessing organisation. Returns the Case."""
    score = locked(
        Score.objects.select_related(
            "scorecard__scheme__campaign__organisation", "organisation__parent", "member"
        ),
        score.pk,
    )
    if not can_request_review(actor, score):
        raise PermissionDeniedError(_("只有被考核的组织或党员本人可以申请复核"))
    if score.scorecard.status != ScorecardStatus.PUBLISHED:
        raise StateError(_("考核结果公布后才能申请复核"))
    deadline = review_deadline(score)
    today = today or timezone.localdate()
    if deadline is not None and today > deadline:
        raise StateError(
            _("复核申请须在结果公布后 %(n)d 个工作日内（%(d)s 前）提出")
            % {"n": REVIEW_WORKING_DAYS, "d": deadline.isoformat()}
        )
    text = _text(text, "text", _("复核理由"), required=True, limit=5000)
    if ReportCase.objects.filter(
        kind=CaseKind.REVIEW_REQUEST, source_type=REVIEW_SOURCE, source_id=str(score.pk)
    ).exists():
        raise StateError(_("已就该考核结果申请过复核"))
    assessing = (
        score.organisation
        if score.member_id
        else (score.organisation.parent or score.scorecard.scheme.campaign.organisation)
    )
    case, _password = review_request_open(
        actor=actor,
        assessed=score.organisation,
        member=score.member,
        handler=assessing,
        text=text,
        source_type=REVIEW_SOURCE,
        source_id=str(score.pk),
    )
    audit_log(actor=actor, action="assessment.review_request", obj=score, after={"case": case.number})
    return case
