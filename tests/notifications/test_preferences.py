import pytest
from django.core import mail
from django.urls import reverse

from pacesetter.core.errors import ValidationError
from pacesetter.notifications.kinds import Channel, Kind
from pacesetter.notifications.models import Notification, Preference
from pacesetter.notifications.selectors import notification_list_for, preferences_for, unread_count_for
from pacesetter.notifications.services import notify, preferences_update


def test_notify_defaults_keep_inbox_and_email(city, django_capture_on_commit_callbacks, settings):
    settings.TASKS_INLINE = True
    city.secretary.email = "sec@example.cn"
    city.secretary.save()
    with django_capture_on_commit_callbacks(execute=True):
        rows = notify(recipients=[city.secretary], title="请审核", kind=Kind.PLAN_REVIEW)
    assert [(r.kind, r.in_app, r.digest_due) for r in rows] == [("plan.review", True, False)]
    assert [m.to for m in mail.outbox] == [["sec@example.cn"]]


def test_notify_without_kind_is_general(city):
    (row,) = notify(recipients=[city.secretary], title="x")
    assert row.kind == Kind.GENERAL


def test_notify_unknown_kind_refused(city):
    with pytest.raises(ValueError):
        notify(recipients=[city.secretary], title="x", kind="no.such")


def test_preferences_switch_channels(city, django_capture_on_commit_callbacks, settings, sms_outbox):
    settings.TASKS_INLINE = True
    settings.PACESETTER_NOTIFY_PHONE_LOOKUP = "pacesetter.follows.phones.member_phones"
    city.member_user.email = "m@example.cn"
    city.member_user.save()
    preferences_update(
        actor=city.member_user,
        choices={
            (Kind.RECTIFICATION, Channel.IN_APP): False,
            (Kind.RECTIFICATION, Channel.EMAIL): False,
            (Kind.RECTIFICATION, Channel.DIGEST): True,
            (Kind.RECTIFICATION, Channel.SMS): True,
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        (row,) = notify(recipients=[city.member_user], title="整改通知", kind=Kind.RECTIFICATION, urgent=True)
    assert (row.in_app, row.digest_due) == (False, True)
    assert list(notification_list_for(city.member_user)) == []
    assert unread_count_for(city.member_user) == 0
    assert mail.outbox == []
    assert sms_outbox == [("13912345678", "【创先争优】整改通知")]
    # another kind still follows the defaults
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[city.member_user], title="点评", kind=Kind.REVIEW)
    assert [n.title for n in notification_list_for(city.member_user)] == ["点评"]
    assert len(mail.outbox) == 1


def test_nothing_wanted_means_no_row(city):
    preferences_update(
        actor=city.secretary,
        choices={(Kind.BULLETIN, c): False for c in Channel.values},
    )
    assert notify(recipients=[city.secretary], title="通报", kind=Kind.BULLETIN) == []
    assert Notification.objects.count() == 0


def test_preferences_update_refuses_unknown_kind_and_channel(city):
    with pytest.raises(ValidationError) as e:
        preferences_update(actor=city.secretary, choices={("nope\x00" * 20, Channel.EMAIL): True})
    assert e.value.field == "kind"
    with pytest.raises(ValidationError) as e:
        preferences_update(actor=city.secretary, choices={(Kind.CASE, "fax"): True})
    assert e.value.field == "channel"
    assert Preference.objects.count() == 0


def test_preferences_page_saves(city, client_for):
    c = client_for(city.secretary)
    page = c.get(reverse("notifications:preferences"))
    assert page.status_code == 200
    assert "实施方案待审核" in page.content.decode()
    data = {}
    for kind, _label, channels in preferences_for(city.secretary):
        for ch, on in channels.items():
            if on:
                data[f"{kind}__{ch}"] = "on"
    data.pop(f"{Kind.PLAN_REVIEW}__{Channel.EMAIL}")
    data[f"{Kind.PLAN_REVIEW}__{Channel.SMS}"] = "on"
    r = c.post(reverse("notifications:preferences"), data)
    assert r.status_code == 302
    saved = dict(preferences_for(city.secretary)[1:2][0][2])
    assert saved == {"inapp": True, "email": False, "sms": True, "digest": False}
    assert Preference.objects.filter(user=city.secretary, enabled=False).count() == 1
