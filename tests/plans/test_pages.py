"""Plan pages: write and submit, review with the decision form, the queue, the overdue list and its exports."""

import io

import pytest
from openpyxl import load_workbook

from pacesetter.plans import services
from pacesetter.plans.enums import PlanStatus
from pacesetter.plans.models import Plan, PlanReminder

from .conftest import BODY, make_campaign


def test_home_lists_my_organisations_campaigns(campaign, city, school_secretary, client_for):
    html = client_for(school_secretary).get("/plans/").content.decode()
    assert "城厢区实验小学党支部" in html and "深入开展创先争优活动" in html and "开始编写" in html
    html = client_for(city.secretary).get("/plans/").content.decode()
    assert "城厢区委" in html and "城厢区实验小学党支部" not in html


def test_edit_save_then_submit(campaign, city, school_secretary, client_for):
    c = client_for(school_secretary)
    url = f"/plans/orgs/{city.school.pk}/"
    r = c.get(url)
    assert r.status_code == 200
    html = r.content.decode()
    assert "“动员部署”开放中" in html and "城厢区实验小学党支部开展深入开展创先争优活动实施方案" in html
    r = c.post(f"{url}?campaign={campaign.pk}", {"title": "实验小学方案", "body": BODY, "save": "1"})
    assert r.status_code == 302
    plan = Plan.objects.get()
    assert (plan.status, plan.title, plan.body) == (PlanStatus.DRAFT, "实验小学方案", BODY)
    r = c.post(
        f"{url}?campaign={campaign.pk}", {"title": "实验小学方案", "body": BODY, "submit": "1"}, follow=True
    )
    assert "已报送第 1 版，等待上级组织审核" in r.content.decode()
    assert Plan.objects.get().status == PlanStatus.SUBMITTED
    html = c.get(url).content.decode()
    assert 'data-testid="plan-editor"' not in html and "审核前不能修改" in html


def test_edit_title_missing_shows_field_error(campaign, city, school_secretary, client_for):
    r = client_for(school_secretary).post(f"/plans/orgs/{city.school.pk}/", {"title": "", "body": BODY})
    assert r.status_code == 200 and 'data-testid="field-error"' in r.content.decode()
    assert not Plan.objects.exists()


def test_submit_with_window_closed_saves_and_explains(city, school_secretary, client_for):
    campaign = make_campaign(city.city, opens_days=-20, closes_days=-1)
    c = client_for(school_secretary)
    r = c.post(
        f"/plans/orgs/{city.school.pk}/?campaign={campaign.pk}",
        {"title": "方案", "body": BODY, "submit": "1"},
        follow=True,
    )
    html = r.content.decode()
    assert "已保存草稿，但未能报送" in html and "已于" in html and "请联系活动办公室延期" in html
    assert Plan.objects.get().status == PlanStatus.DRAFT


def test_edit_page_refused_outside_scope(campaign, city, client_for):
    assert client_for(city.town_secretary).get(f"/plans/orgs/{city.school.pk}/").status_code == 404
    assert client_for(city.member_user).get(f"/plans/orgs/{city.school.pk}/").status_code == 403


def test_no_campaign_message(db, city, school_secretary, client_for):
    html = client_for(school_secretary).get(f"/plans/orgs/{city.school.pk}/").content.decode()
    assert "目前没有需要“城厢区实验小学党支部”报送实施方案的活动" in html


@pytest.fixture
def submitted(campaign, city, school_secretary):
    plan = services.plan_save(
        actor=school_secretary, campaign=campaign, org=city.school, title="实验小学方案", body=BODY
    )
    services.plan_submit(actor=school_secretary, plan=plan)
    return plan


def test_reviewer_returns_then_approves(submitted, city, school_secretary, client_for):
    c = client_for(city.secretary)
    html = c.get(f"/plans/{submitted.pk}/").content.decode()
    assert 'data-testid="decision-form"' in html and "以<strong>科学发展观</strong>为指导" in html
    r = c.post(f"/plans/{submitted.pk}/decide/", {"decision": "return", "comment": ""})
    assert r.status_code == 422 and "退回时请填写审核意见" in r.content.decode()
    r = c.post(f"/plans/{submitted.pk}/decide/", {"decision": "return", "comment": "请补充活动载体"})
    assert r.status_code == 302
    html = client_for(school_secretary).get(f"/plans/orgs/{city.school.pk}/").content.decode()
    assert 'data-testid="return-comment"' in html and "请补充活动载体" in html


def test_branch_secretary_sees_no_decision_form_and_cannot_decide(
    submitted, city, school_secretary, client_for
):
    c = client_for(school_secretary)
    assert 'data-testid="decision-form"' not in c.get(f"/plans/{submitted.pk}/").content.decode()
    r = c.post(f"/plans/{submitted.pk}/decide/", {"decision": "approve"})
    assert r.status_code == 403 and "只有上级组织可以审核" in r.content.decode()
    assert Plan.objects.get().status == PlanStatus.SUBMITTED
    r = client_for(city.town_secretary).post(f"/plans/{submitted.pk}/decide/", {"decision": "approve"})
    assert r.status_code == 404
    assert (
        client_for(city.member_user)
        .post(f"/plans/{submitted.pk}/decide/", {"decision": "approve"})
        .status_code
        == 403
    )


def test_wrong_transition_page_message(submitted, city, client_for):
    r = client_for(city.secretary).post(
        f"/plans/{submitted.pk}/decide/", {"decision": "reopen", "comment": "x"}
    )
    assert r.status_code == 422 and "方案当前状态为“已报送”，不能撤销通过并退回" in r.content.decode()


def test_review_queue_page_and_query_count(campaign, city, client_for, django_assert_max_num_queries):
    from pacesetter.orgs.enums import OrgType, Role
    from tests.factories import make_org, make_user

    c = client_for(city.secretary)
    c.get("/plans/review/")  # warm up session and caches

    def add(i):
        org = make_org(f"第{i}小学党支部", city.district, OrgType.BRANCH)
        user = make_user(f"s{i}", Role.SECRETARY, org)
        plan = services.plan_save(actor=user, campaign=campaign, org=org, title=f"方案{i}", body=BODY)
        services.plan_submit(actor=user, plan=plan)

    add(1)
    with django_assert_max_num_queries(20) as ctx:
        html = c.get("/plans/review/").content.decode()
    one = len(ctx.captured_queries)
    assert "方案1" in html
    for i in range(2, 6):
        add(i)
    with django_assert_max_num_queries(one):
        html = c.get("/plans/review/").content.decode()
    assert all(f"方案{i}" in html for i in range(1, 6))


def test_overdue_page_counts_filter_export_and_remind(city, school_secretary, client_for):
    campaign = make_campaign(city.city, deadline_days=-1)
    plan = services.plan_save(
        actor=school_secretary, campaign=campaign, org=city.school, title="t", body=BODY
    )
    services.plan_submit(actor=school_secretary, plan=plan)
    c = client_for(city.office)
    html = c.get("/plans/overdue/").content.decode()
    assert 'data-testid="count-overdue">3<' in html and 'data-testid="count-total">4<' in html
    assert "八一村党支部" in html and "城厢区实验小学党支部" not in html  # default: overdue only
    html = c.get(f"/plans/overdue/?campaign={campaign.pk}&progress=").content.decode()
    assert "城厢区实验小学党支部" in html and "逾期报送" in html
    r = c.get(f"/plans/overdue/xlsx/?campaign={campaign.pk}&org={city.city.pk}")
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = [[cell.value for cell in row] for row in ws.iter_rows(min_row=2)]
    assert rows[0] == ["组织名称", "上级组织", "状态", "报送时间", "逾期报送"]
    assert [r[:3] for r in rows[1:]] == [
        ["城厢区委", "示范市委", "逾期"],
        ["城厢区实验小学党支部", "城厢区委", "已报送"],
        ["和林镇党委", "示范市委", "逾期"],
        ["八一村党支部", "和林镇党委", "逾期"],
    ]
    r = c.post("/plans/overdue/remind/", {"campaign": campaign.pk, "org": city.city.pk}, follow=True)
    assert "已提醒 3 个逾期组织的书记" in r.content.decode()
    r = c.post("/plans/overdue/remind/", {"campaign": campaign.pk, "org": city.city.pk}, follow=True)
    assert "今天已提醒过的不再重复提醒" in r.content.decode()
    assert PlanReminder.objects.count() == 3
    # secretaries see their subtree and no remind button; the policy refuses them the action
    html = client_for(city.town_secretary).get("/plans/overdue/").content.decode()
    assert 'data-testid="count-total">2<' in html and 'data-testid="remind-now"' not in html
    r = client_for(city.town_secretary).post("/plans/overdue/remind/", {"campaign": campaign.pk})
    assert r.status_code == 403
    # a leader sees progress (PROGRESS_VIEW) but no plan links for unapproved plans
    html = client_for(city.leader).get("/plans/overdue/?progress=").content.decode()
    assert "城厢区实验小学党支部" in html and f"/plans/{plan.pk}/" not in html
