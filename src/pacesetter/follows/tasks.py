"""The followers' daily message: one per person (phone or e-mail) a day, only for those with news."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from pacesetter.core.tasks import enqueue, sweep, task
from pacesetter.notifications import sms
from pacesetter.notifications import tasks as notification_tasks

from .enums import FollowStatus, Via
from .models import Follow
from .selectors import follows_with_news, news_lines
from .services import absolute, unsubscribe_token

BATCH = 200  # people per job


def follow_news_run(*, batch: int = BATCH) -> int:
    """Queue one job per `batch` people who have news and were not told today; returns the jobs queued."""
    keys = sorted(set(follows_with_news(timezone.localdate()).values_list("address_key", flat=True)))
    with transaction.atomic():
        for start in range(0, len(keys), batch):
            enqueue(send_follow_news, address_keys=keys[start : start + batch])
    return -(-len(keys) // batch)


@sweep(every_seconds=3600)
def follow_news_sweep() -> int:
    # Hourly, but each person hears at most once a day; a text queued at night waits for 08:00.
    return follow_news_run()


@task(label=_lazy("发送关注动态"))
def send_follow_news(*, address_keys: list[str]) -> int:
    today, now = timezone.localdate(), timezone.now()
    sent = 0
    rows = follows_with_news(today).filter(address_key__in=address_keys).order_by("address_key", "id")
    by_person: dict[str, list[Follow]] = {}
    for f in rows:
        by_person.setdefault(f.address_key, []).append(f)
    for key, follows in by_person.items():
        with transaction.atomic():
            # compare-and-set: a rerun of this job (or a second worker) finds them told today already
            if Follow.objects.filter(
                address_key=key, last_sent_on=today, status=FollowStatus.ACTIVE
            ).exists():
                continue
            claimed = Follow.objects.filter(pk__in=[f.pk for f in follows]).update(
                last_sent_on=today, news_since=now
            )
            if not claimed:
                continue
            lines, links = [], []
            for f in follows:
                told = news_lines(f)
                if told:
                    lines += [line.replace("  /", "  " + absolute("/"), 1) for line in told]
                    links.append(absolute(reverse("follows:unsubscribe") + "?t=" + unsubscribe_token(f)))
            if not lines:
                continue
            first = follows[0]
            if first.via == Via.SMS:
                text = _("【创先争优】您关注的动态：%(l)s 退订：%(u)s") % {
                    "l": "；".join(lines),
                    "u": links[0],
                }
                sms.queue_text(phone=first.address, text=text, kind="follow.news")
            else:
                body = (
                    "\n".join(lines)
                    + "\n\n"
                    + _("不想再收到？打开以下链接即可退订：")
                    + "\n"
                    + "\n".join(links)
                )
                enqueue(
                    notification_tasks.send_email,
                    to=[first.address],
                    subject=_("您关注的创先争优动态"),
                    body=body,
                )
            sent += 1
    return sent
