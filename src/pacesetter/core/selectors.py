"""Reads of the audit log (filtered, scoped by organisation path), the user's own API tokens, and the
background tasks that need the office's attention."""

import datetime
from typing import TypeVar

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .errors import PermissionDeniedError
from .models import ApiToken, AuditEntry
from .rules import can_manage_tasks
from .tasks import max_attempts_of, queue_is_database, task_label

QS = TypeVar("QS", bound=QuerySet)


def filter_given(qs: QS, **lookups) -> QS:
    """`qs` narrowed by each of a list's optional filters that was given a value (None, "" and 0 are none): in
    `filter_given(qs, status="filed", rating="", leader=None)` only the status narrows it."""
    given = {k: v for k, v in lookups.items() if v}
    return qs.filter(**given) if given else qs


def audit_list_for(
    paths: list[str],
    *,
    actor: str = "",
    object_type: str = "",
    object_id: str = "",
    action: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[AuditEntry]:
    """Entries whose organisation lies in one of `paths` (the caller's audit scope), newest first.

    Entries tied to no organisation (accounts, tokens) are shown to auditors whose scope includes a root.
    """
    scope = Q()
    for p in paths:
        scope |= Q(scope_path__startswith=p)
    if any(len(p) <= 4 for p in paths):
        scope |= Q(scope_path="")
    qs = AuditEntry.objects.filter(scope) if paths else AuditEntry.objects.none()
    if actor:
        qs = qs.filter(actor_id=int(actor)) if actor.isdigit() else qs.filter(actor_name__icontains=actor)
    qs = filter_given(
        qs,
        object_type=object_type,
        object_id=object_id,
        action__startswith=action,
        created_at__date__gte=date_from,
        created_at__date__lte=date_to,
    )
    return qs.order_by("-created_at", "-id")


def token_list_for(user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def _check_tasks(user) -> None:
    if not can_manage_tasks(user):
        raise PermissionDeniedError(_("后台任务只有市级活动办公室可以查看"))


def task_problem_list_for(user) -> QuerySet[DBTaskResult] | list:
    """Tasks that failed for good, and tasks that failed and wait for their next attempt; newest first.

    On RQ (PACESETTER_REDIS_URL) the jobs of RQ's failed-job registry.
    """
    _check_tasks(user)
    if not queue_is_database():
        from .rq import failed_jobs

        return failed_jobs()
    retrying = Q(status=TaskResultStatus.READY) & ~Q(exception_class_path="")
    return DBTaskResult.objects.filter(Q(status=TaskResultStatus.FAILED) | retrying).order_by("-enqueued_at")


def task_counts_for(user) -> dict[str, int]:
    """{status: count} over the whole queue, in one GROUP BY query (every status present, 0 if none)."""
    _check_tasks(user)
    if not queue_is_database():
        from .rq import job_counts

        return job_counts()
    counts = dict.fromkeys(TaskResultStatus.values, 0)
    for row in DBTaskResult.objects.order_by().values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    return counts


def task_row(row) -> dict:
    """What the office sees of one task: its name, attempts, state and the last line of its error."""
    if not isinstance(row, DBTaskResult):
        from .rq import job_row

        return job_row(row)
    lines = [line for line in row.traceback.splitlines() if line.strip()]
    return {
        "id": str(row.id),
        "label": task_label(row.task_path),
        "path": row.task_path,
        "failed": row.status == TaskResultStatus.FAILED,
        "attempts": len(row.worker_ids),
        "max_attempts": max_attempts_of(row.task_path),
        "enqueued_at": row.enqueued_at,
        "last_attempt_at": row.started_at,
        "next_attempt_at": None if row.status == TaskResultStatus.FAILED else row.run_after,
        "finished_at": row.finished_at,
        "error": lines[-1] if lines else "",
        "traceback": row.traceback,
    }
