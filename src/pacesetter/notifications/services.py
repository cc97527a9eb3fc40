"""Sending notices: an inbox row per recipient, an e-mail queued for the worker after commit, a text
message or a place in the daily digest — each as the recipient's preferences for the notice's kind say."""

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from pacesetter.core.audit import audit_log
from pacesetter.core.errors import NotFoundError, ValidationError
from pacesetter.core.tasks import enqueue

from . import sms, tasks
from .kinds import Channel, Kind, default_for
from .models import Notification, Preference


def channels_for(user_ids: Iterable[int], kind: str) -> dict[int, dict[str, bool]]:
    """Each user's channels for `kind`: their saved choices over the kind's defaults. One query."""
    ids = list(user_ids)
    chosen: dict[int, dict[str, bool]] = {
        uid: {c: default_for(kind, c) for c in Channel.values} for uid in ids
    }
    for uid, channel, enabled in Preference.objects.filter(user_id__in=ids, kind=kind).values_list(
        "user_id", "channel", "enabled"
    ):
        chosen[uid][channel] = enabled
    return chosen


def _phones_for(user_ids: list[int]) -> dict[int, str]:
    """Phones live with the people (orgs), above this layer: settings name the lookup to use."""
    path = getattr(settings, "PACESETTER_NOTIFY_PHONE_LOOKUP", "")
    if not path or not user_ids:
        return {}
    return import_string(path)(user_ids)


def notify(
    *,
    recipients,
    title: str,
    body: str = "",
    url: str = "",
    email: bool = True,
    kind: str = Kind.GENERAL,
    urgent: bool = False,
) -> list[Notification]:
    """Tell `recipients` about something of `kind`. `email=False` says the event is not worth an e-mail
    even for whoever wants e-mails of its kind (the inbox and digest still carry it); `urgent` texts
    during quiet hours too."""
    if kind not in Kind.values:
        raise ValueError(f"unknown notification kind {kind!r}: add it to notifications.kinds.Kind")
    users = list({u.pk: u for u in recipients if u is not None and u.is_active}.values())
    chosen = channels_for([u.pk for u in users], kind)
    rows = Notification.objects.bulk_create(
        [
            Notification(
                recipient=u,
                kind=kind,
                title=title,
                body=body,
                url=url,
                in_app=chosen[u.pk][Channel.IN_APP],
                digest_due=chosen[u.pk][Channel.DIGEST],
            )
            for u in users
            if chosen[u.pk][Channel.IN_APP] or chosen[u.pk][Channel.DIGEST]
        ]
    )
    addresses = sorted({u.email for u in users if u.email and chosen[u.pk][Channel.EMAIL]})
    if email and addresses:
        transaction.on_commit(lambda: enqueue(tasks.send_email, to=addresses, subject=title, body=body))
    texted = [u.pk for u in users if chosen[u.pk][Channel.SMS]]
    if texted:
        text = _("【创先争优】%(t)s") % {"t": title}
        for phone in sorted(set(_phones_for(texted).values())):
            sms.queue_text(phone=phone, text=text, urgent=urgent, kind=kind)
    return rows


def notification_resolve(*, url: str, recipients) -> int:
    """Mark read the unread notices about `url` that asked these users to act, once someone has acted
    (a commitment reviewed, a plan decided): a dashboard must not go on saying "待审核" for it."""
    ids = [u.pk for u in recipients if u is not None]
    if not url or not ids:
        return 0
    return Notification.objects.filter(url=url, recipient_id__in=ids, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notification_mark_read(*, user, notification_id: int | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
        if not qs.exists() and not Notification.objects.filter(recipient=user, pk=notification_id).exists():
            raise NotFoundError()
    return qs.update(read_at=timezone.now())


def preferences_update(*, actor, choices: dict[tuple[str, str], bool]) -> int:
    """Save `actor`'s own choices {(kind, channel): enabled}. Only choices that differ from the kind's
    default are kept as rows (a choice back to the default removes its row). Returns how many changed."""
    for kind, channel in choices:
        if kind not in Kind.values:
            raise ValidationError(_("没有这种通知类型：%(k)s") % {"k": str(kind)[:40]}, field="kind")
        if channel not in Channel.values:
            raise ValidationError(_("没有这种通知方式：%(c)s") % {"c": str(channel)[:20]}, field="channel")
    with transaction.atomic():
        saved = {
            (k, c): e
            for k, c, e in Preference.objects.select_for_update()
            .filter(user=actor)
            .values_list("kind", "channel", "enabled")
        }
        changed: dict[str, bool] = {}
        for (kind, channel), wanted in choices.items():
            wanted = bool(wanted)
            default = default_for(kind, channel)
            if saved.get((kind, channel), default) == wanted:
                continue
            changed[f"{kind}/{channel}"] = wanted
            if wanted == default:
                Preference.objects.filter(user=actor, kind=kind, channel=channel).delete()
            else:
                Preference.objects.update_or_create(
                    user=actor, kind=kind, channel=channel, defaults={"enabled": wanted}
                )
        if changed:
            audit_log(actor=actor, action="notification.preferences", obj=actor, after=changed)
    return len(changed)
