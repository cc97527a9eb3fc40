"""关注 on a phone: from a public commitment's page, follow with a texted code; the one-click link in the
daily message unsubscribes."""

import datetime
import re

import pytest
from django.utils import timezone

from pacesetter.commitments.enums import CommitmentStatus as S
from pacesetter.commitments.models import ProgressUpdate
from pacesetter.follows import tasks
from pacesetter.follows.models import Follow
from pacesetter.notifications import sms
from tests.commitments.conftest import advance, make_campaign, org_commitment

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = "13812345678"


@pytest.fixture
def texts(settings, live_server):
    settings.PACESETTER_SMS_BACKEND = "pacesetter.notifications.sms.LocmemBackend"
    settings.SITE_URL = live_server.url
    settings.TASKS_INLINE = True
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def published(bcity):
    from pacesetter.orgs.enums import Role
    from tests.factories import make_user

    bcity.school_secretary = make_user("school_secretary", Role.SECRETARY, bcity.school)
    return advance(bcity, org_commitment(bcity, make_campaign(bcity)), S.PUBLISHED)


def test_follow_a_commitment_by_phone_then_unsubscribe(browser, live_server, published, texts, monkeypatch):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    p = context.new_page()
    p.set_default_timeout(10_000)
    p.goto(f"{live_server.url}/wall/c/{published.pk}/")
    p.click("[data-testid=follow-link]")
    assert published.title in p.text_content("[data-testid=follow-title]")
    p.fill("#follow-phone", "12345")
    p.click("[data-testid=follow-get-code]")
    p.wait_for_selector("text=请输入 11 位手机号码")
    p.fill("#follow-phone", "138 1234 5678")
    p.click("[data-testid=follow-get-code]")
    p.wait_for_selector("text=验证码已发送至 138****5678")
    code = re.search(r"\d{6}", texts[-1][1]).group(0)
    p.fill("#follow-code", code)
    p.click("[data-testid=follow-phone]")
    p.wait_for_selector("text=关注成功")
    row = Follow.objects.get()
    assert (row.status, row.address) == ("active", PHONE)

    # news the next minute; the daily run texts one message with the unsubscribe link
    monkeypatch.setattr(sms, "quiet_until", lambda now: None)
    ProgressUpdate.objects.create(
        commitment=published,
        percent=30,
        text="走访 9 户",
        created_at=timezone.now() + datetime.timedelta(minutes=1),
    )
    tasks.send_follow_news.call(address_keys=[row.address_key])
    link = re.search(r"退订：(\S+)", texts[-1][1]).group(1)
    p.goto(link)
    assert p.text_content("[data-testid=done-heading]") == "已退订"
    row.refresh_from_db()
    assert row.status == "unsubscribed"
    context.close()
