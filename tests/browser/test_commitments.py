"""A member's commitment on a phone: 设岗 → 承诺 → 审核 → 示诺 → two progress updates → 述诺 → a public rating;
and a publish outside the 公开承诺 window refused with a clear message."""

import pytest

from pacesetter.campaigns.enums import StepCapability
from pacesetter.commitments.enums import CommitmentStatus as S
from pacesetter.commitments.models import Commitment, Rating
from tests.commitments.conftest import advance, deadline, make_campaign, member_commitment, set_window

pytestmark = pytest.mark.django_db(transaction=True)


def test_member_commitment_lifecycle_on_a_phone(bcity, browser, phone, page, live_server, sign_in):
    make_campaign(bcity)
    sign_in(phone, "member")
    phone.goto(f"{live_server.url}/commitments/")
    phone.click("[data-testid=post-set]")
    phone.fill("input[name=title]", "班主任")
    phone.fill("textarea[name=duties]", "负责三年级二班")
    phone.click("[data-testid=save]")
    phone.wait_for_url("**/commitments/new/**")
    phone.select_option("select[name=criteria_item]", label="带头服务群众")
    phone.fill("input[name=title]", "每周为学生义务辅导两小时")
    phone.fill("input[name=target]", "全年不少于 80 小时")
    phone.fill("input[name=deadline]", deadline().isoformat())
    phone.fill("input[name=responsible]", "林老师")
    phone.click("[data-testid=save]")
    phone.wait_for_selector("[data-testid=action-submit]")
    assert phone.inner_text("[data-testid=status]") == "草稿"
    phone.click("[data-testid=action-submit]")
    phone.wait_for_selector("text=已报送")
    c = Commitment.objects.get(title="每周为学生义务辅导两小时")
    assert c.status == S.SUBMITTED and c.post.title == "班主任"

    sign_in(page, "secretary")
    page.goto(f"{live_server.url}/commitments/reviews/")
    page.click("text=每周为学生义务辅导两小时")
    page.click("[data-testid=action-approve]")
    page.wait_for_selector("text=已审核通过")

    phone.goto(f"{live_server.url}/commitments/{c.pk}/")
    phone.click("[data-testid=action-publish]")
    phone.wait_for_selector("[data-testid=progress-form]")
    assert "已公开" in phone.inner_text("[data-testid=status]")
    for percent, text in ((40, "已辅导 32 小时"), (100, "已辅导 82 小时，全部完成")):
        phone.fill("input[name=percent]", str(percent))
        phone.fill("textarea[name=text]", text)
        phone.click("[data-testid=add-progress]")
        phone.wait_for_selector(f"text=已填报进度 {percent}%")
    assert phone.inner_text("[data-testid=progress]") == "100%"
    phone.click("[data-testid=action-report]")
    phone.check("input[name=outcome][value=fulfilled]")
    phone.fill("textarea[name=text]", "一年来坚持每周辅导，共 82 小时。")
    phone.click("[data-testid=submit-report]")
    phone.wait_for_selector("[data-testid=report]")
    assert phone.inner_text("[data-testid=status]") == "已述诺"
    history = phone.inner_text("[data-testid=history]")
    assert history.count("→") == 4 and len(history.splitlines()) == 5

    public = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    p = public.new_page()
    p.goto(f"{live_server.url}/wall/")
    p.click("text=每周为学生义务辅导两小时")
    assert p.inner_text("[data-testid=progress]") == "100%"
    assert p.locator("[data-testid=qr] svg").count() == 1
    wide = p.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 391)"
        ".map(e => e.tagName + '.' + e.className + ' ' + e.getBoundingClientRect().right)"
    )
    assert p.evaluate("document.documentElement.scrollWidth") <= 390, wide
    p.check("input[name=level][value=satisfied]")
    p.fill("textarea[name=comment]", "孩子进步很大")
    p.click("[data-testid=rate]")
    p.wait_for_selector("text=不计入满意率。您的留言经审核后公开。")
    # not verified by a phone or a slip: shown apart, not counted
    assert "另有 1 条未验证的评价" in p.inner_text("[data-testid=unverified]")
    assert "孩子进步很大" not in p.inner_text("[data-testid=comments]")  # held for moderation
    public.close()
    r = Rating.objects.get()
    assert (r.level, r.moderation, r.member_id) == ("satisfied", "pending", None)


def test_publish_outside_window_refused_with_clear_message(bcity, phone, live_server, sign_in):
    camp = make_campaign(bcity)
    c = member_commitment(bcity, camp)
    advance(bcity, c, S.APPROVED)
    step = set_window(camp, StepCapability.COMMITMENTS, False)
    sign_in(phone, "member")
    phone.goto(f"{live_server.url}/commitments/{c.pk}/")
    assert "已于" in phone.inner_text("[data-testid=actions]")
    phone.click("[data-testid=action-publish]")
    alert = phone.inner_text(".alert-danger")
    from django.utils import timezone

    assert f"已于 {timezone.localtime(step.closes_at):%Y-%m-%d %H:%M} 截止" in alert
    assert "请联系活动办公室延期" in alert
    c.refresh_from_db()
    assert c.status == S.APPROVED
