"""The inbox and notification settings of the signed-in user; following from the public pages (关注)."""

import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from pacesetter.core.middleware import client_ip
from pacesetter.core.paging import page_param, paginate
from pacesetter.follows import services as follow_services
from pacesetter.notifications.kinds import Channel, Kind, kind_label
from pacesetter.notifications.selectors import notification_list_for, preferences_for, unread_count_for
from pacesetter.notifications.services import notification_mark_read, preferences_update

from .schemas import ConfirmedPhoneIn

router = Router(tags=["站内通知 notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    body: str
    url: str
    created_at: datetime.datetime
    read_at: datetime.datetime | None


class InboxOut(Schema):
    unread: int
    items: list[NotificationOut]


# A notice's id is a bigint: anything past it is refused naming `id`, never handed to the database.
MAX_ID = 2**63 - 1


class NotificationReadIn(Schema):
    """`id`: one notice; omitted: all unread notices."""

    id: int | None = Field(None, ge=1, le=MAX_ID)


class NotificationReadOut(Schema):
    marked: int


class NotificationPreferenceOut(Schema):
    kind: str
    label: str
    inapp: bool
    email: bool
    sms: bool
    digest: bool


class NotificationPreferenceIn(Schema):
    kind: str
    channel: Literal["inapp", "email", "sms", "digest"]
    enabled: bool


class NotificationPreferencesIn(Schema):
    """The choices to save: at most one per kind and channel."""

    preferences: list[NotificationPreferenceIn] = Field(..., max_length=len(Kind) * len(Channel))


class NotificationPreferencesChanged(Schema):
    changed: int


@router.get("/notifications", response=InboxOut, url_name="notification-list")
def notification_list(request: HttpRequest, page: int = page_param()):
    """The caller's own in-app notices, newest first, 50 a page."""
    rows = paginate(request, notification_list_for(request.user), 50)
    return {
        "unread": unread_count_for(request.user),
        "items": [
            {
                "id": n.pk,
                "kind": n.kind,
                "kind_label": kind_label(n.kind),
                "title": n.title,
                "body": n.body,
                "url": n.url,
                "created_at": n.created_at,
                "read_at": n.read_at,
            }
            for n in rows
        ],
    }


@router.post("/notifications/read", response=NotificationReadOut, url_name="notification-read")
def notification_read(request: HttpRequest, payload: NotificationReadIn):
    """Mark one notice (or all) read. 404 for a notice that is not the caller's, 422 naming `id` for an id
    that cannot be one."""
    return {"marked": notification_mark_read(user=request.user, notification_id=payload.id)}


@router.get(
    "/notifications/preferences",
    response=list[NotificationPreferenceOut],
    url_name="notification-preferences",
)
def notification_preferences(request: HttpRequest):
    """Every kind with the caller's channels (their choice, else the kind's default)."""
    return [{"kind": k, "label": label, **channels} for k, label, channels in preferences_for(request.user)]


@router.put(
    "/notifications/preferences", response=NotificationPreferencesChanged, url_name="notification-preferences"
)
def notification_preferences_update(request: HttpRequest, payload: NotificationPreferencesIn):
    """Switch channels per kind: `{"preferences": [{"kind", "channel", "enabled"}, ...]}`. All or nothing:
    422 naming the field for an unknown kind (`kind`) or channel (`preferences.N.channel`), or for more
    items than kinds × channels (`preferences`)."""
    choices = {(d.kind, d.channel): d.enabled for d in payload.preferences}
    return {"changed": preferences_update(actor=request.user, choices=choices)}


class FollowCodeIn(Schema):
    subject_type: Literal["org", "commitment"]
    subject_id: int
    phone: str


class FollowCodeOut(Schema):
    sent_to: str


class FollowIn(ConfirmedPhoneIn):
    """`phone` with the texted `code`, or `email` (then a confirmation link is mailed)."""

    subject_type: Literal["org", "commitment"]
    subject_id: int
    email: str = ""


class FollowOut(Schema):
    status: str
    via: str


class FollowUnsubscribeIn(Schema):
    token: str


@router.post("/follows/code", response={202: FollowCodeOut}, url_name="follow-code", auth=None)
def follow_code(request: HttpRequest, data: FollowCodeIn):
    """Text the code that confirms a phone before following a public organisation or commitment.
    404 for a subject that is not public, 422 for a malformed phone, 429 past the daily limits."""
    masked = follow_services.follow_phone_code_send(
        subject_type=data.subject_type, subject_id=data.subject_id, phone=data.phone, ip=client_ip(request)
    )
    return Status(202, {"sent_to": masked})


@router.post("/follows", response={201: FollowOut}, url_name="follow-create", auth=None)
def follow_create(request: HttpRequest, data: FollowIn):
    """Follow: active at once with a phone and its code; pending until the mailed link is opened with an
    e-mail address. 422 naming the field (phone, code, email) for bad input."""
    if data.email and not data.phone:
        row = follow_services.follow_by_email(
            subject_type=data.subject_type, subject_id=data.subject_id, email=data.email
        )
    else:
        row = follow_services.follow_by_phone(
            subject_type=data.subject_type, subject_id=data.subject_id, phone=data.phone, code=data.code
        )
    return Status(201, {"status": row.status, "via": row.via})


@router.post("/follows/unsubscribe", response=FollowOut, url_name="follow-unsubscribe", auth=None)
def follow_unsubscribe(request: HttpRequest, data: FollowUnsubscribeIn):
    """Unsubscribe with the token of the link in a message (its `t`); again is harmless."""
    row = follow_services.follow_unsubscribe(token=data.token)
    return {"status": row.status, "via": row.via}
