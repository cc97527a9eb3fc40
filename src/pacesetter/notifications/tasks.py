"""Background jobs of the notifications app: e-mails, queued text messages, the daily digest."""

from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.core.mail.message import EmailMessage
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from pacesetter.core.tasks import enqueue, sweep, task

from . import sms
from .kinds import kind_label
from .models import Notification

DIGEST_BATCH = 500  # recipients per digest job
DIGEST_MAX_ITEMS = 30  # notices listed in one digest e-mail; the rest are counted


@task(label=_lazy("发送邮件通知"))
def send_email(*, to: list[str], subject: str, body: str) -> None:
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to, fail_silently=False)


def _text_given_up(*, message_id: int) -> None:
    sms.give_up(message_id)


@task(label=_lazy("发送短信"), max_attempts=sms.SMS_MAX_ATTEMPTS, on_give_up=_text_given_up)
def deliver_text(*, message_id: int) -> None:
    sms.deliver(message_id)


@sweep(every_seconds=600)
def reconcile_texts() -> int:
    """Texts whose task was given up without a word (a worker died mid-send, a lost RQ job) say 发送失败."""
    return sms.reconcile_stale()


def digest_recipients() -> list[int]:
    """The users with news waiting for a digest: one query over the partial index, nobody else."""
    return list(
        Notification.objects.filter(digest_due=True)
        .order_by("recipient_id")
        .values_list("recipient_id", flat=True)
        .distinct()
    )


def digest_run(*, batch: int = DIGEST_BATCH) -> int:
    """Queue the daily digest: one job per `batch` recipients WITH news (never one per subscriber).
    Returns the number of jobs queued."""
    ids = digest_recipients()
    jobs = 0
    with transaction.atomic():
        for start in range(0, len(ids), batch):
            enqueue(send_digests, user_ids=ids[start : start + batch])
            jobs += 1
    return jobs


@sweep(every_seconds=24 * 3600)
def daily_digest() -> int:
    return digest_run()


@task(label=_lazy("发送每日汇总邮件"))
def send_digests(*, user_ids: list[int]) -> int:
    """One e-mail per recipient listing their notices still due, then clears them. Idempotent: a rerun
    after a crash sends only to those whose notices are still due. One connection for the batch."""
    due = (
        Notification.objects.filter(recipient_id__in=user_ids, digest_due=True)
        .select_related("recipient")
        .order_by("recipient_id", "created_at", "id")
    )
    by_user: dict[int, list[Notification]] = {}
    for n in due:
        by_user.setdefault(n.recipient_id, []).append(n)
    sent = 0
    connection = get_connection(fail_silently=False)
    with translation.override(settings.LANGUAGE_CODE), connection:
        for notices in by_user.values():
            user = notices[0].recipient
            ids = [n.pk for n in notices]
            if user.email and user.is_active:
                lines = [
                    f"· [{kind_label(n.kind)}] {n.title}" + (f"\n  {n.url}" if n.url else "")
                    for n in notices[:DIGEST_MAX_ITEMS]
                ]
                if len(notices) > DIGEST_MAX_ITEMS:
                    lines.append(_("……另有 %(n)d 条，请登录查看") % {"n": len(notices) - DIGEST_MAX_ITEMS})
                EmailMessage(
                    _("创先争优每日汇总：%(n)d 条新通知") % {"n": len(notices)},
                    "\n".join(lines),
                    settings.DEFAULT_FROM_EMAIL,
                    [user.email],
                    connection=connection,
                ).send()
                sent += 1
            # Cleared after its mail went out: a crash before this line sends it again, never loses it.
            Notification.objects.filter(pk__in=ids, digest_due=True).update(digest_due=False)
    return sent
