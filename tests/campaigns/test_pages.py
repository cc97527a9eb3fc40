"""Campaign pages: they render for the roles that may see them, forms show clear errors, lists and the
campaign page run a fixed number of queries whatever the data size."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pacesetter.campaigns import services
from pacesetter.campaigns.models import Campaign, CriteriaSet, GroupMember, OrgTheme, Step
from pacesetter.orgs.enums import OrgType, Sector
from pacesetter.orgs.models import Liaison
from tests.factories import make_org

from .conftest import at


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


def _grow(city, campaign, n):
    for i in range(n):
        a = make_org(f"城厢区第{i}支部", city.district, OrgType.BRANCH, Sector.COMMUNITY)
        b = make_org(f"和林镇第{i}支部", city.town, OrgType.BRANCH, Sector.VILLAGE)
        p = services.pairing_create(
            actor=city.office, campaign=campaign, helper=a, helped=b, kind="one_to_one"
        )
        services.pairing_note_add(actor=city.office, pairing=p, date=timezone.localdate(), text=f"进展{i}")
        services.step_extension_create(
            actor=city.office,
            step=Step.objects.get(kind="mobilise"),
            organisation=a,
            closes_at=at(6 + i),
            reason="延期",
        )
        services.milestone_create(
            actor=city.office, stage=campaign.stage, name=f"节点{i}", date=timezone.localdate()
        )
        services.campaign_create(
            actor=city.office,
            organisation=city.city,
            name=f"活动{i}",
            starts_on=campaign.starts_on,
            ends_on=campaign.ends_on,
        )
    Liaison.objects.create(leader=city.leader, organisation=city.school)


def test_pages_run_fixed_number_of_queries(city, active, client_for):
    services.org_theme_set(
        actor=city.office, campaign=active, organisation=city.school, theme="育人先锋", carriers=["示范岗"]
    )
    pairing = services.pairing_create(
        actor=city.office, campaign=active, helper=city.school, helped=city.village, kind="one_to_one"
    )
    c = client_for(city.office)
    urls = [
        "/campaigns/",
        f"/campaigns/{active.pk}/",
        f"/campaigns/{active.pk}/criteria/",
        f"/campaigns/{active.pk}/orgs/{city.school.pk}/",
        f"/campaigns/{active.pk}/pairings/",
        f"/campaigns/pairings/{pairing.pk}/",
        "/api/campaigns",
        f"/api/campaigns/{active.pk}",
        f"/api/campaigns/{active.pk}/pairings",
        f"/api/campaigns/{active.pk}/criteria",
    ]
    small = {u: _queries(c, u) for u in urls}
    _grow(city, active, 6)
    for i in range(4):
        services.pairing_note_add(actor=city.office, pairing=pairing, date=timezone.localdate(), text=f"x{i}")
    large = {u: _queries(c, u) for u in urls}
    assert small == large


def test_campaign_page_shows_step_states(city, active, client_for):
    html = client_for(city.secretary).get(f"/campaigns/{active.pk}/").content.decode()
    assert "2010—2012年创先争优活动" in html
    assert "开放中" in html and "未开始" in html and "将于" in html
    assert "排布默认七个步骤" not in html  # not for the secretary
    assert f"/campaigns/{active.pk}/orgs/{city.district.pk}/" in html  # their own organisation's page
    html = client_for(city.office).get(f"/campaigns/{active.pk}/").content.decode()
    assert "排布默认七个步骤" in html and "结束活动" in html


def test_extension_shows_effective_window_for_own_org(city, active, client_for):
    step = Step.objects.get(kind="mobilise")
    step = services.step_update(
        actor=city.office, step=step, opens_at=at(-5), closes_at=at(-1), capabilities=["plans"]
    )
    services.step_extension_create(
        actor=city.office, step=step, organisation=city.district, closes_at=at(3), reason="防汛"
    )
    html = client_for(city.secretary).get(f"/campaigns/{active.pk}/").content.decode()
    assert "本组织已延期" in html and "防汛" in html
    html = client_for(city.town_secretary).get(f"/campaigns/{active.pk}/").content.decode()
    assert "本组织已延期" not in html and "已截止" in html


def test_org_page_shows_theme_group_liaison_and_windows(city, active, client_for):
    Liaison.objects.create(leader=city.leader, organisation=city.school)
    GroupMember.objects.create(campaign=active, organisation=city.school, name="张书记", position="head")
    html = client_for(city.secretary).get(f"/campaigns/{active.pk}/orgs/{city.school.pk}/").content.decode()
    assert "爱岗敬业先锋" in html and "按分类指导建议" in html
    assert "张书记" in html and "leader" in html
    assert "将于" in html and "公开承诺" in html  # commitments not open yet, says when
    assert "theme-edit" in html
    html = client_for(city.leader).get(f"/campaigns/{active.pk}/orgs/{city.school.pk}/").content.decode()
    assert "theme-edit" not in html


def test_org_page_out_of_scope_is_404(city, active, client_for):
    assert (
        client_for(city.secretary).get(f"/campaigns/{active.pk}/orgs/{city.village.pk}/").status_code == 404
    )
    assert (
        client_for(city.secretary).get(f"/campaigns/{active.pk}/orgs/{city.village.pk}/theme/").status_code
        == 404
    )


def test_create_campaign_page(city, client_for):
    c = client_for(city.office)
    assert "示范市委" in c.get("/campaigns/new/").content.decode()
    r = c.post(
        "/campaigns/new/",
        {
            "name": "2010—2012年创先争优活动",
            "organisation": "示范市委",
            "starts_on": "2010-04-01",
            "ends_on": "2009-12-31",
        },
    )
    assert r.status_code == 200 and "结束日期不能早于开始日期" in r.content.decode()
    r = c.post(
        "/campaigns/new/",
        {
            "name": "2010—2012年创先争优活动",
            "organisation": "示范市委",
            "starts_on": "2010-04-01",
            "ends_on": "2012-12-31",
            "plan_deadline": "2010-06-01",
        },
    )
    campaign = Campaign.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/campaigns/{campaign.pk}/"
    assert campaign.plan_deadline == datetime.date(2010, 6, 1)


def test_stage_layout_step_edit_and_transition_pages(city, campaign, client_for):
    c = client_for(city.office)
    r = c.post(f"/campaigns/stages/{campaign.stage.pk}/layout/")
    assert r.status_code == 302 and Step.objects.filter(stage=campaign.stage).count() == 7
    step = Step.objects.get(kind="commit")
    now = timezone.localtime()
    r = c.post(
        f"/campaigns/steps/{step.pk}/edit/",
        {
            "opens_at": (now - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now - datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "capabilities": ["commitments"],
        },
    )
    assert r.status_code == 200 and "结束时间必须晚于开始时间" in r.content.decode()
    r = c.post(
        f"/campaigns/steps/{step.pk}/edit/",
        {
            "opens_at": (now - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
            "capabilities": ["commitments", "records"],
        },
    )
    assert r.status_code == 302
    step.refresh_from_db()
    assert step.capabilities == ["commitments", "records"]
    r = c.post(f"/campaigns/{campaign.pk}/status/", {"to_status": "closed"})
    assert r.status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == "draft"
    c.post(f"/campaigns/{campaign.pk}/status/", {"to_status": "active"})
    campaign.refresh_from_db()
    assert campaign.status == "active"


def test_criteria_edit_page_weight_error(city, campaign, client_for):
    cset = CriteriaSet.objects.get(campaign=campaign, name="五个好")
    c = client_for(city.office)
    page = c.get(f"/campaigns/criteria/{cset.pk}/edit/").content.decode()
    assert "领导班子好" in page and "看学习能力" in page
    items = list(cset.items.all())
    data = {
        "items-TOTAL_FORMS": "5",
        "items-INITIAL_FORMS": "5",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "30",
    }
    for n, item in enumerate(items):
        data.update(
            {
                f"items-{n}-id": item.pk,
                f"items-{n}-name": item.name,
                f"items-{n}-weight": "25",
                f"items-{n}-indicators": "比服务发展、看学习能力",
            }
        )
    r = c.post(f"/campaigns/criteria/{cset.pk}/edit/", data)
    assert r.status_code == 200 and "各项权重之和必须等于 100，现在是 125" in r.content.decode()
    data["items-4-DELETE"] = "on"
    r = c.post(f"/campaigns/criteria/{cset.pk}/edit/", data)
    assert r.status_code == 302
    assert [i.weight for i in cset.items.all()] == [25, 25, 25, 25]
    services.criteria_set_lock(actor=None, criteria_set=cset)
    r = c.post(f"/campaigns/criteria/{cset.pk}/edit/", data)
    assert "已被评议使用并锁定" in r.content.decode()


def test_theme_and_group_pages(city, active, client_for):
    c = client_for(city.secretary)
    r = c.post(
        f"/campaigns/{active.pk}/orgs/{city.school.pk}/theme/",
        {"theme": "育人先锋", "carriers": "党员示范岗\n\n师德标兵"},
    )
    assert r.status_code == 302
    assert OrgTheme.objects.get().carriers == ["党员示范岗", "师德标兵"]
    data = {
        "rows-TOTAL_FORMS": "2",
        "rows-INITIAL_FORMS": "0",
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "60",
    }
    data.update({"rows-0-name": "张书记", "rows-0-position": "head", "rows-0-unit": "校党支部书记"})
    data.update({"rows-1-name": "", "rows-1-position": "member", "rows-1-member_id": str(city.teacher.pk)})
    r = c.post(f"/campaigns/{active.pk}/orgs/{city.school.pk}/group/", data)
    assert r.status_code == 302, r.content.decode()
    assert list(GroupMember.objects.values_list("name", flat=True)) == ["张书记", "林老师"]


def test_pairing_pages(city, active, client_for):
    c = client_for(city.office)
    r = c.post(
        f"/campaigns/{active.pk}/pairings/new/",
        {"helper": "城厢区实验小学党支部", "helped": "没有这个组织", "kind": "one_to_one"},
    )
    assert "找不到组织" in r.content.decode()
    r = c.post(
        f"/campaigns/{active.pk}/pairings/new/",
        {
            "helper": "城厢区实验小学党支部",
            "helped": "八一村党支部",
            "kind": "one_to_one",
            "goal": "城乡共建",
        },
    )
    assert r.status_code == 302
    html = c.get(f"/campaigns/{active.pk}/pairings/?kind=one_to_one&org=八一村党支部").content.decode()
    assert "城乡共建" in html
    html = c.get(f"/campaigns/{active.pk}/pairings/?kind=hand_in_hand").content.decode()
    assert "城乡共建" not in html
    pairing = active.pairings.get()
    r = client_for(city.town_secretary).post(
        f"/campaigns/pairings/{pairing.pk}/",
        {"date": timezone.localdate().isoformat(), "text": "村里来校参观"},
    )
    assert r.status_code == 302 and pairing.notes.get().text == "村里来校参观"
    # the leader may read but not write
    assert client_for(city.leader).get(f"/campaigns/pairings/{pairing.pk}/").status_code == 200
    r = client_for(city.leader).post(
        f"/campaigns/pairings/{pairing.pk}/", {"date": "2010-05-01", "text": "x"}
    )
    assert r.status_code == 403
