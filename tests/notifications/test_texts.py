import json
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone

from pacesetter.notifications import sms
from pacesetter.notifications.models import TextMessage
from pacesetter.notifications.sms import DeliveryError, HttpJsonBackend, quiet_until

pytestmark = pytest.mark.usefixtures("database_tasks")  # reads the database queue's rows


class _Stub(BaseHTTPRequestHandler):
    answers: list[tuple[int, bytes]] = []
    seen: list[tuple[dict, dict]] = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Stub.seen.append((body, dict(self.headers)))
        status, answer = _Stub.answers.pop(0) if _Stub.answers else (200, b'{"code": 0}')
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


@pytest.fixture
def provider(settings):
    """A local stand-in for the provider's HTTP API."""
    server = HTTPServer(("127.0.0.1", 0), _Stub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Stub.answers, _Stub.seen = [], []
    settings.PACESETTER_SMS_BACKEND = "pacesetter.notifications.sms.HttpJsonBackend"
    settings.PACESETTER_SMS_HTTP_URL = f"http://127.0.0.1:{server.server_port}/send"
    settings.PACESETTER_SMS_HTTP_KEY = "k-123"
    settings.PACESETTER_SMS_HTTP_TEMPLATE = '{"mobile": "{phone}", "content": "{text}", "sign": "创先争优"}'
    yield _Stub
    server.shutdown()
    server.server_close()


def test_http_backend_posts_the_template(provider):
    HttpJsonBackend().send("13812341234", '进度 {50%} "好"')
    body, headers = provider.seen[0]
    assert body == {"mobile": "13812341234", "content": '进度 {50%} "好"', "sign": "创先争优"}
    assert headers["Authorization"] == "Bearer k-123"


@pytest.mark.parametrize(
    ("status", "answer", "needle"),
    [(500, b"oops", "HTTP 500"), (200, b'{"code": 17, "message": "balance"}', "provider code 17")],
)
def test_http_backend_raises_on_refusal(provider, status, answer, needle):
    provider.answers.append((status, answer))
    with pytest.raises(DeliveryError, match=needle):
        HttpJsonBackend().send("13812341234", "x")


def test_http_backend_unreachable(settings):
    settings.PACESETTER_SMS_HTTP_URL = "http://127.0.0.1:9/"
    with pytest.raises(DeliveryError, match="unreachable"):
        HttpJsonBackend().send("13812341234", "x")


@pytest.mark.parametrize("url,template", [("ftp://x", ""), ("http://x", "[1]"), ("http://x", "{bad")])
def test_http_backend_bad_settings_are_loud(settings, url, template):
    settings.PACESETTER_SMS_HTTP_URL = url
    settings.PACESETTER_SMS_HTTP_TEMPLATE = template
    with pytest.raises(ImproperlyConfigured):
        HttpJsonBackend()


@pytest.mark.parametrize(
    ("utc", "expected"),
    [
        (datetime(2026, 12, 5, 3, 0, tzinfo=UTC), None),  # 11:00 Beijing
        (datetime(2026, 12, 5, 13, 59, tzinfo=UTC), None),  # 21:59
        (datetime(2026, 12, 5, 14, 0, tzinfo=UTC), datetime(2026, 12, 6, 0, 0, tzinfo=UTC)),  # 22:00
        (datetime(2026, 12, 5, 18, 0, tzinfo=UTC), datetime(2026, 12, 6, 0, 0, tzinfo=UTC)),  # 02:00
        (datetime(2026, 12, 5, 23, 59, tzinfo=UTC), datetime(2026, 12, 6, 0, 0, tzinfo=UTC)),  # 07:59
        (datetime(2026, 12, 6, 0, 0, tzinfo=UTC), None),  # 08:00
    ],
)
def test_quiet_hours(utc, expected):
    assert quiet_until(utc) == expected


@pytest.mark.django_db
def test_queue_text_at_night_waits_for_eight(monkeypatch, django_capture_on_commit_callbacks):
    night = datetime(2026, 12, 5, 15, 30, tzinfo=UTC)  # 23:30 Beijing
    monkeypatch.setattr(timezone, "now", lambda: night)
    with django_capture_on_commit_callbacks(execute=True):
        row = sms.queue_text(phone="13812341234", text="hi", kind="test")
        urgent = sms.queue_text(phone="13812341234", text="急", urgent=True, kind="test")
    row.refresh_from_db()
    assert (row.status, row.send_after) == ("deferred", datetime(2026, 12, 6, 0, 0, tzinfo=UTC))
    from django_tasks_db.models import DBTaskResult, get_date_max

    runs = {r.args_kwargs["kwargs"]["message_id"]: r.run_after for r in DBTaskResult.objects.all()}
    assert runs == {row.pk: datetime(2026, 12, 6, 0, 0, tzinfo=UTC), urgent.pk: get_date_max()}


@pytest.mark.django_db
def test_failed_text_is_retried_then_marked_failed(provider, monkeypatch):
    monkeypatch.setattr(sms, "quiet_until", lambda now: None)
    row = sms.queue_text(phone="13812341234", text="hi", kind="test")
    provider.answers.extend([(503, b"busy")] * sms.SMS_MAX_ATTEMPTS)
    with pytest.raises(DeliveryError):
        sms.deliver(row.pk)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.phone) == ("retrying", 1, "13812341234")
    assert "HTTP 503" in row.error
    for _ in range(sms.SMS_MAX_ATTEMPTS - 1):
        with pytest.raises(DeliveryError):
            sms.deliver(row.pk)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.phone) == ("failed", sms.SMS_MAX_ATTEMPTS, "")
    sms.deliver(row.pk)  # a stray rerun does nothing
    assert len(provider.seen) == sms.SMS_MAX_ATTEMPTS


@pytest.mark.django_db
def test_retry_succeeds_and_forgets_the_phone(provider, monkeypatch):
    monkeypatch.setattr(sms, "quiet_until", lambda now: None)
    row = sms.queue_text(phone="13812341234", text="hi", kind="test")
    provider.answers.append((502, b""))
    with pytest.raises(DeliveryError):
        sms.deliver(row.pk)
    sms.deliver(row.pk)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.phone, row.error) == ("sent", 2, "", "")
    assert row.sent_at is not None


def test_deliver_task_retries_through_the_queue(city, provider, monkeypatch, settings):
    """The worker's own path: a failed run is queued again with backoff, not lost."""
    from django_tasks_db.models import DBTaskResult

    from pacesetter.core.tasks import claim_next, run_claimed
    from pacesetter.notifications import tasks

    monkeypatch.setattr(sms, "quiet_until", lambda now: None)
    row = sms.queue_text(phone="13812341234", text="hi", kind="test")
    tasks.deliver_text.enqueue(message_id=row.pk)
    provider.answers.append((500, b"down"))
    claimed = claim_next("w1")
    run_claimed(claimed, "w1", heartbeat=False)
    result = DBTaskResult.objects.get(pk=claimed.pk)
    assert result.status == "READY" and result.run_after > timezone.now()
    row.refresh_from_db()
    assert row.status == "retrying"


def test_text_log_page_office_only_and_searchable(city, client_for, monkeypatch):
    monkeypatch.setattr(sms, "quiet_until", lambda now: None)
    TextMessage.objects.create(phone_masked="138****1234", kind="case.replied", status="sent")
    TextMessage.objects.create(
        phone_masked="139****9999", kind="plan.review", status="failed", error="HTTP 500"
    )
    page = client_for(city.office).get(reverse("notifications:text-list"), {"q": "1234"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "138****1234" in html and "139****9999" not in html
    html = (
        client_for(city.office).get(reverse("notifications:text-list"), {"status": "failed"}).content.decode()
    )
    assert "HTTP 500" in html and "138****1234" not in html
    long = client_for(city.office).get(
        reverse("notifications:text-list"), {"q": "x" * 10000, "status": "zzz"}
    )
    assert long.status_code == 200
    assert "138****1234" in long.content.decode()  # an invalid search shows the whole log, not an error
    nul = client_for(city.office).get(reverse("notifications:text-list"), {"q": "1\x00"})
    assert nul.status_code == 400
    assert client_for(city.secretary).get(reverse("notifications:text-list")).status_code == 403


def _fail_runs(n: int, provider) -> None:
    from pacesetter.core.tasks import claim_next, run_claimed

    for i in range(n):
        provider.answers.append((500, b"down"))
        claimed = claim_next(f"w{i}")
        assert claimed is not None
        run_claimed(claimed, f"w{i}", heartbeat=False)


@pytest.mark.parametrize("dies", ["first", "last"])
def test_a_text_whose_worker_died_mid_send_ends_failed_not_will_retry(
    city, provider, monkeypatch, settings, dies
):
    """A worker killed mid-send uses up one of the task's attempts without writing the row: when the queue
    gives the task up, the row must not go on saying 失败待重试."""
    from datetime import timedelta

    from django_tasks_db.models import DBTaskResult

    from pacesetter.core.tasks import claim_next, reclaim_expired
    from pacesetter.notifications import tasks

    settings.TASK_RETRY_BACKOFF_SECONDS = 0
    settings.TASK_LEASE_SECONDS = 60
    monkeypatch.setattr(sms, "quiet_until", lambda now: None)
    row = sms.queue_text(phone="13812341234", text="hi", kind="test")
    tasks.deliver_text.enqueue(message_id=row.pk)

    def die():
        claimed = claim_next("dead-worker")  # ... and the process is killed mid-send
        assert reclaim_expired(now=claimed.started_at + timedelta(seconds=61)) == 1

    if dies == "first":
        die()
        _fail_runs(sms.SMS_MAX_ATTEMPTS - 1, provider)
    else:
        _fail_runs(sms.SMS_MAX_ATTEMPTS - 1, provider)
        row.refresh_from_db()
        assert row.status == "retrying"  # true so far: one attempt left
        die()
    result = DBTaskResult.objects.get()
    assert result.status == "FAILED"
    row.refresh_from_db()
    assert (row.status, row.phone, row.attempts) == ("failed", "", sms.SMS_MAX_ATTEMPTS - 1)
    assert row.error == sms.GAVE_UP
    assert claim_next("w9") is None  # nothing left that would send it


@pytest.mark.django_db
def test_the_sweep_marks_stale_waiting_texts_failed_and_leaves_the_rest():
    from datetime import timedelta

    from pacesetter.notifications.tasks import reconcile_texts

    now = timezone.now()
    old = now - sms.STALE_AFTER - timedelta(minutes=1)

    def row(status, created_at, send_after=None):
        return TextMessage.objects.create(
            phone_masked="138****1234",
            phone="13812341234",
            kind="test",
            status=status,
            created_at=created_at,
            send_after=send_after,
        )

    stale = [row("queued", old), row("retrying", old), row("deferred", old, send_after=old)]
    fresh = [
        row("retrying", now - timedelta(hours=1)),
        row("deferred", old, send_after=now + timedelta(hours=5)),
    ]
    done = [row("sent", old), row("failed", old)]
    assert reconcile_texts() == 3
    for r in stale:
        r.refresh_from_db()
        assert (r.status, r.phone, r.error) == ("failed", "", sms.GAVE_UP)
    for r in fresh:
        r.refresh_from_db()
        assert r.status != "failed" and r.phone == "13812341234"
    assert [TextMessage.objects.get(pk=r.pk).status for r in done] == ["sent", "failed"]
    assert reconcile_texts() == 0


def test_the_sweep_leaves_a_text_whose_task_the_queue_still_holds(city, provider, monkeypatch, settings):
    """Workers down for hours: the texts they owe are old but their tasks are still READY (or RUNNING for a
    dead worker, until its lease is reclaimed). The sweep must not mark them failed: they will be sent.
    A text whose task the queue gave up, but whose row was never told, is marked failed."""
    from datetime import timedelta

    from django_tasks_db.models import DBTaskResult

    from pacesetter.core.tasks import run_pending
    from pacesetter.notifications import tasks

    monkeypatch.setattr(sms, "quiet_until", lambda now: None)
    ready, running, lost = (sms.queue_text(phone="13812341234", text=t, kind="test") for t in "abc")
    for row in (ready, running, lost):
        tasks.deliver_text.enqueue(message_id=row.pk)
    # the second is RUNNING on a worker that died (its lease not reclaimed yet)
    DBTaskResult.objects.filter(args_kwargs__kwargs__message_id=running.pk).update(
        status="RUNNING", started_at=timezone.now(), worker_ids=["dead-worker"]
    )
    DBTaskResult.objects.filter(args_kwargs__kwargs__message_id=lost.pk).update(status="FAILED")
    TextMessage.objects.update(created_at=timezone.now() - sms.STALE_AFTER - timedelta(hours=1))

    assert sms.reconcile_stale() == 1
    statuses = dict(TextMessage.objects.values_list("pk", "status"))
    assert statuses == {ready.pk: "queued", running.pk: "queued", lost.pk: "failed"}
    assert TextMessage.objects.get(pk=lost.pk).error == sms.GAVE_UP

    run_pending("w2")
    assert TextMessage.objects.get(pk=ready.pk).status == "sent"
    assert [body["content"] for body, _headers in provider.seen] == ["a"]
