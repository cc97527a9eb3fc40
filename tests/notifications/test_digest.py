import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult

from pacesetter.notifications import tasks
from pacesetter.notifications.kinds import Kind
from pacesetter.notifications.models import Notification
from pacesetter.notifications.services import notify
from tests.factories import make_user

pytestmark = pytest.mark.usefixtures("database_tasks")  # reads the database queue's rows


@pytest.fixture
def people(db):
    users = []
    for i in range(7):
        u = make_user(f"u{i}")
        u.email = f"u{i}@example.cn"
        u.save()
        users.append(u)
    return users


def test_digest_queues_jobs_only_for_those_with_news(people):
    # PLAN_RESULT goes to the digest by default; three of seven have news
    for u in people[:3]:
        notify(recipients=[u], title=f"方案通过 {u.username}", kind=Kind.PLAN_RESULT)
    notify(recipients=[people[0]], title="又一条", kind=Kind.BULLETIN)
    notify(recipients=people[3:], title="待审核", kind=Kind.PLAN_REVIEW)  # not digest news
    assert tasks.digest_recipients() == [u.pk for u in people[:3]]
    assert tasks.digest_run(batch=2) == 2
    jobs = [r.args_kwargs["kwargs"]["user_ids"] for r in DBTaskResult.objects.order_by("enqueued_at", "id")]
    assert [ids for ids in jobs if len(ids) <= 2] == [[people[0].pk, people[1].pk], [people[2].pk]]


def test_send_digests_one_mail_each_then_clears(people):
    for u in people[:2]:
        notify(recipients=[u], title="方案通过", kind=Kind.PLAN_RESULT, email=False)
    notify(recipients=[people[0]], title="通报一", kind=Kind.BULLETIN, email=False)
    assert tasks.send_digests.call(user_ids=[people[0].pk, people[1].pk, people[5].pk]) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["u0@example.cn", "u1@example.cn"]
    first = next(m for m in mail.outbox if m.to == ["u0@example.cn"])
    assert "2 条新通知" in first.subject
    assert "[实施方案审核结果] 方案通过" in first.body and "[通报] 通报一" in first.body
    assert not Notification.objects.filter(digest_due=True).exists()
    # run again (a retry after a crash): nothing left to send
    assert tasks.send_digests.call(user_ids=[people[0].pk, people[1].pk]) == 0
    assert len(mail.outbox) == 2


def test_digest_without_address_still_cleared(people):
    people[0].email = ""
    people[0].save()
    notify(recipients=[people[0]], title="x", kind=Kind.PLAN_RESULT)
    assert tasks.send_digests.call(user_ids=[people[0].pk]) == 0
    assert tasks.digest_recipients() == []
