import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from pacesetter.commitments.models import ProgressUpdate
from pacesetter.core.errors import NotFoundError, ValidationError
from pacesetter.follows import services, tasks
from pacesetter.follows.models import Follow
from pacesetter.notifications import sms
from pacesetter.notifications.models import TextMessage

PHONE = "13812341234"


def _code(outbox) -> str:
    return outbox[-1][1].split("验证码是 ")[1][:6]


def _follow_by_phone(published, sms_outbox, phone=PHONE):
    services.follow_phone_code_send(
        subject_type="commitment", subject_id=published.pk, phone=phone, ip="10.0.0.1"
    )
    return services.follow_by_phone(
        subject_type="commitment", subject_id=published.pk, phone=phone, code=_code(sms_outbox)
    )


def test_follow_by_phone_is_active_and_once_per_person(published, sms_outbox):
    row = _follow_by_phone(published, sms_outbox)
    assert (row.status, row.via, row.address) == ("active", "sms", PHONE)
    again = _follow_by_phone(published, sms_outbox, phone="138 1234 1234")
    assert again.pk == row.pk
    assert Follow.objects.count() == 1


def test_follow_by_phone_wrong_code_refused(published, sms_outbox):
    services.follow_phone_code_send(
        subject_type="commitment", subject_id=published.pk, phone=PHONE, ip="1.1.1.1"
    )
    with pytest.raises(ValidationError):
        services.follow_by_phone(
            subject_type="commitment", subject_id=published.pk, phone=PHONE, code="000000"
        )
    with pytest.raises(ValidationError) as e:
        services.follow_by_phone(subject_type="commitment", subject_id=published.pk, phone=PHONE, code="")
    assert e.value.field == "code"
    assert Follow.objects.count() == 0


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"subject_type": "user", "subject_id": 1, "email": "a@b.cn"}, "subject_type"),
        ({"subject_type": "org", "subject_id": 1, "email": ""}, "email"),
        ({"subject_type": "org", "subject_id": 1, "email": "a/b\x00"}, "email"),
        ({"subject_type": "org", "subject_id": 1, "email": "a" * 10000 + "@b.cn"}, "email"),
    ],
)
def test_follow_by_email_bad_input(city, kwargs, field):
    kwargs["subject_id"] = city.school.pk
    with pytest.raises(ValidationError) as e:
        services.follow_by_email(**kwargs)
    assert e.value.field == field
    assert Follow.objects.count() == 0


def test_follow_unknown_subject_is_not_found(city):
    with pytest.raises(NotFoundError):
        services.follow_by_email(subject_type="commitment", subject_id=10**18, email="a@b.cn")


def test_follow_by_email_pending_until_confirmed(city, settings, django_capture_on_commit_callbacks):
    settings.TASKS_INLINE = True
    with django_capture_on_commit_callbacks(execute=True):
        row = services.follow_by_email(subject_type="org", subject_id=city.school.pk, email=" Li@Example.cn ")
        services.follow_by_email(subject_type="org", subject_id=city.school.pk, email="li@example.cn")
    assert row.status == "pending"
    assert len(mail.outbox) == 1  # the second request the same day mails nothing more
    link = mail.outbox[0].body.split("https://cxzy.example.cn")[1].split()[0]
    page = __import__("django.test", fromlist=["Client"]).Client().get(link)
    assert page.status_code == 200 and "关注成功" in page.content.decode()
    row.refresh_from_db()
    assert row.status == "active"


def test_unsubscribe_one_click_and_again(published, sms_outbox, client):
    row = _follow_by_phone(published, sms_outbox)
    url = reverse("follows:unsubscribe") + "?t=" + services.unsubscribe_token(row)
    assert client.get(url).status_code == 200
    row.refresh_from_db()
    assert row.status == "unsubscribed"
    assert client.get(url).status_code == 200  # again: no error
    assert (
        client.get(reverse("follows:unsubscribe") + "?t=" + services.unsubscribe_token(row)[:-3]).status_code
        == 422
    )
    # a confirm token is not an unsubscribe token
    assert client.get(reverse("follows:unsubscribe") + "?t=" + services.confirm_token(row)).status_code == 422


def test_daily_news_at_most_one_message_a_day(
    published, sms_outbox, monkeypatch, django_capture_on_commit_callbacks, settings
):
    settings.TASKS_INLINE = True
    monkeypatch.setattr(sms, "quiet_until", lambda now: None)
    row = _follow_by_phone(published, sms_outbox)
    assert tasks.follow_news_run() == 0  # nothing new yet
    later = timezone.now() + datetime.timedelta(minutes=1)
    ProgressUpdate.objects.create(commitment=published, percent=40, text="走访 12 户", created_at=later)
    ProgressUpdate.objects.create(commitment=published, percent=50, text="走访 15 户", created_at=later)
    assert tasks.follow_news_run() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_follow_news.call(address_keys=[row.address_key]) == 1
    (text,) = TextMessage.objects.filter(kind="follow.news").values_list("status", flat=True)
    assert text == "sent"
    assert sms_outbox[-1][0] == PHONE
    assert (
        "2 条进展" in sms_outbox[-1][1] and "https://cxzy.example.cn/f/unsubscribe/?t=" in sms_outbox[-1][1]
    )
    # more news the same day: nothing until tomorrow
    ProgressUpdate.objects.create(
        commitment=published, percent=60, text="走访 18 户", created_at=later + datetime.timedelta(minutes=5)
    )
    assert tasks.follow_news_run() == 0
    assert tasks.send_follow_news.call(address_keys=[row.address_key]) == 0
    Follow.objects.update(last_sent_on=timezone.localdate() - datetime.timedelta(days=1))
    assert tasks.follow_news_run() == 1


def test_unsubscribed_hear_nothing(published, sms_outbox):
    row = _follow_by_phone(published, sms_outbox)
    services.follow_unsubscribe(token=services.unsubscribe_token(row))
    ProgressUpdate.objects.create(
        commitment=published, percent=40, text="x", created_at=timezone.now() + datetime.timedelta(minutes=1)
    )
    assert tasks.follow_news_run() == 0


def test_follow_page_phone_flow(published, sms_outbox, client):
    page = client.get(reverse("wall:commitment", args=[published.pk]))
    assert reverse("follows:commitment", args=[published.pk]) in page.content.decode()
    r = client.post(reverse("follows:commitment-code", args=[published.pk]), {"phone": PHONE})
    assert r.status_code == 200 and "138****1234" in r.content.decode()
    r = client.post(
        reverse("follows:commitment", args=[published.pk]),
        {"via": "sms", "phone": PHONE, "code": _code(sms_outbox)},
    )
    assert r.status_code == 302
    assert Follow.objects.get().status == "active"
    bad = client.post(
        reverse("follows:commitment", args=[published.pk]), {"via": "sms", "phone": "12", "code": "1"}
    )
    assert bad.status_code == 422 and "11 位手机号码" in bad.content.decode()


def test_follow_api(published, sms_outbox, client):
    r = client.post(
        "/api/follows/code",
        {"subject_type": "commitment", "subject_id": published.pk, "phone": PHONE},
        content_type="application/json",
    )
    assert r.status_code == 202 and r.json() == {"sent_to": "138****1234"}
    r = client.post(
        "/api/follows",
        {"subject_type": "commitment", "subject_id": published.pk, "phone": PHONE, "code": _code(sms_outbox)},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json() == {"status": "active", "via": "sms"}
    row = Follow.objects.get()
    r = client.post(
        "/api/follows/unsubscribe",
        {"token": services.unsubscribe_token(row)},
        content_type="application/json",
    )
    assert r.json() == {"status": "unsubscribed", "via": "sms"}
    r = client.post(
        "/api/follows",
        {"subject_type": "commitment", "subject_id": published.pk, "email": "nope"},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["field"] == "email"


def test_demo_follows_idempotent_and_removed(published, city):
    from pacesetter.demo.follows import ensure_follows, remove_follows

    assert ensure_follows(city.city) == 2
    assert ensure_follows(city.city) == 0
    assert sorted(Follow.objects.values_list("subject_type", "status")) == [
        ("commitment", "active"),
        ("org", "active"),
    ]
    remove_follows(city.city)
    assert Follow.objects.count() == 0
