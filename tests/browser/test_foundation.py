"""What a person does with the foundation, in Chromium: sign in, browse and search, scope refusals."""

import re

from playwright.sync_api import expect


def test_sign_in_wrong_password_then_right(page, live_server, bcity):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "office")
    page.fill("#id_password", "wrong-password")
    page.click("button[type=submit]")
    expect(page.get_by_test_id("login-error")).to_contain_text("用户名或密码不正确")
    page.fill("#id_password", "pass-word-123")
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    nav = page.locator("#mainnav")
    expect(nav.get_by_role("link", name="审计日志")).to_be_visible()
    nav.get_by_role("button", name="组织与党员").click()
    for label in ("组织架构", "党员", "角色授权", "导入导出"):
        expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()
    nav.get_by_role("button", name="活动").click()
    for label in ("活动部署", "活动进度", "实施方案", "方案审核", "记实登记"):
        expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()


def test_member_sees_only_own_navigation(page, live_server, bcity, sign_in):
    sign_in(page, "member")
    nav = page.locator("#mainnav")
    # 组织架构 and 群团组织 share the 组织与党员 menu now that a member may read both
    nav.get_by_role("button", name="组织与党员").click()
    expect(nav.get_by_role("link", name="组织架构")).to_be_visible()
    expect(nav.get_by_role("link", name="群团组织")).to_be_visible()
    expect(nav.get_by_role("link", name="审计日志")).to_have_count(0)
    expect(nav.get_by_role("link", name="角色授权")).to_have_count(0)


def test_browse_tree_expand_and_search(page, live_server, bcity, sign_in):
    sign_in(page, "office")
    page.goto(f"{live_server.url}/orgs/")
    tree = page.get_by_test_id("org-tree")
    expect(tree).to_contain_text("示范市委")
    expect(tree.get_by_text("城厢区委")).to_have_count(0)
    page.get_by_test_id(f"toggle-{bcity.city.pk}").click()
    expect(tree.get_by_role("link", name="城厢区委")).to_be_visible()
    page.get_by_test_id(f"toggle-{bcity.district.pk}").click()
    expect(tree.get_by_role("link", name="城厢区实验小学党支部")).to_be_visible()
    # collapse again
    page.get_by_test_id(f"toggle-{bcity.city.pk}").click()
    expect(tree.get_by_role("link", name="城厢区委")).to_be_hidden()

    page.get_by_test_id("org-search").fill("八一村")
    page.get_by_role("button", name="搜索").click()
    results = page.get_by_test_id("search-results")
    expect(results).to_contain_text("示范市委 › 和林镇党委 ›")
    results.get_by_role("link", name="八一村党支部").click()
    expect(page.get_by_test_id("breadcrumbs")).to_contain_text("和林镇党委")
    expect(page.get_by_test_id("subtree-members")).to_have_text("1")


def test_secretary_denied_other_subtree_member_page(page, live_server, bcity, sign_in):
    sign_in(page, "secretary")
    page.goto(f"{live_server.url}/members/{bcity.teacher.pk}/")
    expect(page.get_by_test_id("member-name")).to_contain_text("林老师")
    # masked by default; the secretary reveals it on purpose (audited), the value swaps in place
    expect(page.get_by_test_id("id-number")).to_contain_text(bcity.teacher.id_number_masked)
    page.get_by_test_id("id-number").get_by_role("button", name="显示").click()
    expect(page.get_by_test_id("id_number-clear")).to_have_text(bcity.teacher.id_number)
    response = page.goto(f"{live_server.url}/members/{bcity.farmer.pk}/")
    assert response.status == 404
    expect(page.get_by_test_id("error")).to_contain_text("找不到该对象，或您无权查看")
    expect(page.locator("body")).not_to_contain_text("王大伯")


def test_office_creates_child_org_with_error_first(page, live_server, bcity, sign_in):
    sign_in(page, "office")
    page.goto(f"{live_server.url}/orgs/{bcity.town.pk}/")
    page.get_by_test_id("add-child").click()
    page.fill("#id_name", "八一村党支部")
    page.select_option("#id_org_type", "branch")
    page.select_option("#id_sector", "village")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("field-error")).to_contain_text("已有名为“八一村党支部”的组织")
    page.fill("#id_name", "永安村党支部")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("org-name")).to_contain_text("永安村党支部")
    expect(page.get_by_test_id("breadcrumbs")).to_contain_text("和林镇党委")


def test_switch_to_english_and_back(page, live_server, bcity, sign_in):
    sign_in(page, "office")
    page.get_by_test_id("lang-switch").click()
    expect(page.locator("#mainnav")).to_contain_text("Organisations")
    page.get_by_test_id("lang-switch").click()
    expect(page.locator("#mainnav")).to_contain_text("组织架构")
