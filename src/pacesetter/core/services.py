"""Writes owned by core: API tokens for machine clients, the holiday table, running a failed background task again."""

import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult

from .audit import audit_log
from .errors import NotFoundError, PermissionDeniedError, StateError, ValidationError
from .models import ApiToken, HolidayDay, HolidaySource
from .rules import can_manage_tasks
from .tasks import queue_is_database, requeue_failed, task_label


@transaction.atomic
def token_create(*, actor, name: str) -> tuple[ApiToken, str]:
    """A new token for `actor`; the clear key is returned once and never stored."""
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("请为令牌起个名字，例如“统计报表脚本”"), field="name")
    key = ApiToken.new_key()
    token = ApiToken.objects.create(
        user=actor, name=name[:100], prefix=key[3:8], key_hash=ApiToken.hash_key(key)
    )
    audit_log(actor=actor, action="token.create", obj=token)
    return token, key


@transaction.atomic
def token_revoke(*, actor, token_id: int) -> None:
    token = ApiToken.objects.filter(pk=token_id, user=actor).first()
    if token is None:
        raise NotFoundError()
    audit_log(actor=actor, action="token.revoke", obj=token)
    token.delete()


@transaction.atomic
def holiday_year_replace(*, actor, year: int, days) -> list[HolidayDay]:
    """The office sets a year's schedule: its rows replace every row of that year (the package's too).

    Who may is the caller's check (supervision.holidays.holiday_year_publish): core knows no roles."""
    from .holidays import check_year

    year = check_year(year)
    days = list(days)
    if not days:
        raise ValidationError(_("请至少填写一天（例如“%(y)d-01-01 休”）") % {"y": year}, field="text")
    if any(d.date.year != year for d in days):
        raise ValidationError(_("所有日期都应在 %(y)d 年") % {"y": year}, field="text")
    if len({d.date for d in days}) != len(days):
        raise ValidationError(_("同一日期只能出现一次"), field="text")
    before = list(
        HolidayDay.objects.filter(date__year=year).order_by("date").values_list("date", "kind", "source")
    )
    HolidayDay.objects.filter(date__year=year).delete()
    now = timezone.now()
    rows = HolidayDay.objects.bulk_create(
        HolidayDay(date=d.date, kind=d.kind, note=d.note, source=HolidaySource.OFFICE, updated_at=now)
        for d in sorted(days, key=lambda d: d.date)
    )
    audit_log(
        actor=actor,
        action="holiday.year_replace",
        object_type="core.holidayday",
        object_id=year,
        object_repr=_("%(y)d年节假日安排") % {"y": year},
        before={"days": [f"{d:%Y-%m-%d} {k}" for d, k, _s in before]},
        after={"days": [f"{r.date:%Y-%m-%d} {r.kind}" for r in rows]},
        extra={"year": year, "was_known": bool(before), "previous_source": sorted({s for *_x, s in before})},
    )
    return rows


def task_retry(*, actor, result_id: str) -> None:
    """Queue a FAILED task for one more attempt (after its cause was fixed, e.g. the mail server)."""
    if not can_manage_tasks(actor):
        raise PermissionDeniedError(_("后台任务只有市级活动办公室可以重新运行"))
    if not queue_is_database():
        from .rq import requeue_failed_job

        task_path = requeue_failed_job(str(result_id))
        if task_path is None:
            raise NotFoundError()
        attempts, error, object_id = None, "", str(result_id)
    else:
        try:
            row = DBTaskResult.objects.filter(pk=uuid.UUID(str(result_id))).first()
        except ValueError:
            row = None
        if row is None:
            raise NotFoundError()
        if not requeue_failed(row.pk):
            raise StateError(_("该任务没有失败（可能已在重试或已完成），无需重新运行"))
        task_path, attempts, error, object_id = (
            row.task_path,
            len(row.worker_ids),
            row.exception_class_path,
            row.pk,
        )
    audit_log(
        actor=actor,
        action="task.retry",
        object_type="django_tasks_database.dbtaskresult" if queue_is_database() else "rq.job",
        object_id=object_id,
        object_repr=task_label(task_path),
        extra={"attempts": attempts, "error": error},
    )
