"""评诺 on a phone, one person one count: rate with a confirmed phone; the same phone confirmed again from a
fresh browser is refused with a clear message and the count stays 1; a printed slip's code works once per
commitment."""

import re

import pytest

from pacesetter import onecount
from pacesetter.commitments.enums import CommitmentStatus as S
from pacesetter.commitments.enums import RatingVerification
from pacesetter.commitments.models import Rating
from pacesetter.notifications import sms
from tests.commitments.conftest import advance, make_campaign, org_commitment

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = "13812345678"


def _phone_context(browser):
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


@pytest.fixture
def texts(settings):
    settings.PACESETTER_SMS_BACKEND = "pacesetter.notifications.sms.LocmemBackend"
    settings.ONECOUNT_RESEND_SECONDS = 0  # the second browser asks for a code within the minute
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def published(bcity):
    from pacesetter.orgs.enums import Role
    from tests.factories import make_user

    bcity.school_secretary = make_user("school_secretary", Role.SECRETARY, bcity.school)
    camp = make_campaign(bcity)
    return advance(bcity, org_commitment(bcity, camp), S.PUBLISHED)


def test_rating_counts_once_per_confirmed_phone(browser, live_server, published, texts):
    url = f"{live_server.url}/wall/c/{published.pk}/"
    first, p = _phone_context(browser)
    p.goto(url)
    p.check("input[name=level][value=satisfied]")
    p.fill("[data-testid=phone]", "138 1234 5678")
    p.click("[data-testid=send-code]")
    p.wait_for_selector("text=验证码已发送至 138****5678")
    assert p.input_value("[data-testid=phone]") == "138 1234 5678"
    assert p.is_checked("input[name=level][value=satisfied]")  # kept across the code step
    code = re.search(r"\d{6}", texts[-1][1]).group(0)
    assert texts[-1][0] == PHONE
    p.fill("[data-testid=code]", code)
    p.click("[data-testid=rate]")
    p.wait_for_selector("text=感谢您的评价！")
    assert "手机 138****5678 已评价过这项承诺" in p.inner_text("[data-testid=already-rated]")
    assert p.locator("[data-testid=rating-form]").count() == 0
    assert "满意 1" in p.inner_text("[data-testid=ratings]")
    assert p.evaluate("document.documentElement.scrollWidth") <= 390
    first.close()

    fresh, q = _phone_context(browser)
    q.goto(url)
    q.check("input[name=level][value=unsatisfied]")
    q.fill("[data-testid=phone]", PHONE)
    q.click("[data-testid=send-code]")
    q.wait_for_selector("text=验证码已发送至 138****5678")
    assert len(texts) == 2
    q.fill("[data-testid=code]", re.search(r"\d{6}", texts[-1][1]).group(0))
    q.click("[data-testid=rate]")
    q.wait_for_selector(".alert-danger")
    assert "该手机号已经评价过这项承诺，每人只能评价一次" in q.inner_text(".alert-danger")
    ratings = q.inner_text("[data-testid=ratings]")
    assert "满意 1" in ratings and "不满意 0" in ratings
    fresh.close()
    assert Rating.objects.filter(commitment=published).count() == 1
    assert Rating.objects.get().verification == RatingVerification.PHONE


def test_slip_code_works_once(browser, live_server, bcity, published):
    code = onecount.slip_sheet_create(actor=bcity.secretary, org=bcity.school, count=1).codes[0]
    context, p = _phone_context(browser)
    p.goto(f"{live_server.url}/wall/slip/?code={code}")  # what the QR code on the slip opens
    p.wait_for_selector("text=已记下您的评价凭条")
    p.click(f"text={published.title}")
    p.wait_for_selector("[data-testid=rating-form]")
    assert p.input_value("[data-testid=slip]") == onecount.slip_display(code)
    p.check("input[name=level][value=basic]")
    p.click("[data-testid=rate]")
    p.wait_for_selector("text=感谢您的评价！")
    assert "基本满意 1" in p.inner_text("[data-testid=ratings]")
    p.check("input[name=level][value=unsatisfied]")
    p.click("[data-testid=rate]")
    p.wait_for_selector(".alert-danger")
    assert "这张评价凭条已经评价过这一项" in p.inner_text(".alert-danger")
    ratings = p.inner_text("[data-testid=ratings]")
    assert "基本满意 1" in ratings and "不满意 0" in ratings
    assert p.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
    assert list(Rating.objects.values_list("verification", flat=True)) == [RatingVerification.SLIP]
