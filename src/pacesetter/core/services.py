"""Writes owned by core: API tokens for machine clients, and running a failed background task again."""

import uuid

from django.db import transaction
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult

from .audit import audit_log
from .errors import NotFoundError, PermissionDeniedError, StateError, ValidationError
from .models import ApiToken
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
