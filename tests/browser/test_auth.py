"""Sign-in protection in Chromium: the lockout and its lifting, and the Content-Security-Policy at work."""

import re

from playwright.sync_api import expect


def test_lockout_refuses_the_right_password_until_the_office_lifts_it(
    browser, page, live_server, bcity, sign_in
):
    page.goto(f"{live_server.url}/accounts/login/")
    for _ in range(6):
        page.fill("#id_username", "secretary")
        page.fill("#id_password", "wrong-password")
        page.click("button[type=submit]")
    page.fill("#id_username", "secretary")
    page.fill("#id_password", "pass-word-123")
    page.click("button[type=submit]")
    message = page.get_by_test_id("lockout-message")
    expect(message).to_contain_text("登录失败次数过多，该账号已暂时锁定。请在 ")
    expect(message).to_contain_text(re.compile(r"请在 \d\d:\d\d（约 1[45] 分钟后）再试"))
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))

    office = browser.new_context(locale="zh-CN").new_page()
    sign_in(office, "office")
    office.locator("#mainnav").get_by_role("button", name="组织与党员").click()
    office.get_by_role("link", name="登录锁定").click()
    table = office.get_by_test_id("lockout-table")
    expect(table).to_contain_text("secretary")
    expect(table).to_contain_text("账号＋地址")
    office.get_by_test_id("lift-lockout").click()
    expect(office.get_by_role("alert")).to_contain_text("已解除锁定")
    expect(office.get_by_test_id("lockout-table")).to_contain_text("当前没有锁定")
    office.context.close()

    sign_in(page, "secretary")
    expect(page).to_have_url(re.compile(r"/dashboard/$"))


def test_csp_blocks_an_injected_inline_script_and_the_watch_sees_it(
    browser, live_server, bcity, csp_violations
):
    p = browser.new_context(locale="zh-CN").new_page()
    p.goto(f"{live_server.url}/accounts/login/")
    p.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.injected = 1';"
        " document.body.appendChild(s); }"
    )
    assert p.evaluate("() => window.injected") is None
    expect(p.locator("body")).to_be_visible()
    p.context.close()
    assert len(csp_violations) == 1
    assert "Content Security Policy" in csp_violations[0]
    assert "/accounts/login/" in csp_violations[0]
    csp_violations.clear()  # provoked on purpose: not a failure of this test
