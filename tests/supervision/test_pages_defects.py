"""Page defects found walking each role (issue #22): the review as Word, buttons derived from the policy,
the liaison list's review state, and the draw page's parameters."""

import datetime as dt
import io
import re

from docx import Document

from pacesetter.documents.word import cn_date
from pacesetter.supervision.enums import ReviewDue
from pacesetter.supervision.selectors import liaison_status_list_for
from tests.supervision.test_reviews import file_review


def test_review_docx_downloads_from_the_review_page(sup, client_for):
    review = file_review(sup)
    leader = client_for(sup.leader)
    page = leader.get(f"/supervision/reviews/{review.pk}/").content.decode()
    assert f'href="/supervision/reviews/{review.pk}/docx/"' in page
    response = leader.get(f"/supervision/reviews/{review.pk}/docx/")
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "关于城厢区实验小学党支部创先争优活动的点评意见"
    assert texts[1] == "城厢区实验小学党支部："
    assert "总体评价：较好" in texts[2] and cn_date(review.reviewed_at) in texts[2]
    for part in ("一、肯定成绩", "为民服务有成效", "二、指出问题", "台账不全", "三、努力方向", "完善制度"):
        assert part in texts
    assert texts[-2:] == ["点评人：leader", cn_date(review.reviewed_at)]
    row = [c.text for c in doc.tables[0].rows[1].cells]
    assert row == ["为辖区困难群众办实事", cn_date(sup.commitment.deadline), "40%", "【存在问题】进度偏慢"]
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    # scoped like the review page: another subtree's secretary does not get it
    assert client_for(sup.town_secretary).get(f"/supervision/reviews/{review.pk}/docx/").status_code == 404


def test_inspector_sees_no_buttons_to_routes_the_policy_refuses(sup, client_for):
    inspector, office = client_for(sup.inspector), client_for(sup.office)
    for url, create in (
        ("/supervision/draws/", "/supervision/draws/new/"),
        ("/supervision/teams/", "/supervision/teams/new/"),
    ):
        assert inspector.get(create).status_code == 403
        assert f'href="{create}"' not in inspector.get(url).content.decode()
        assert office.get(create).status_code == 200
        assert f'href="{create}"' in office.get(url).content.decode()


def test_liaison_list_says_reviewed_in_time_only_after_a_review(sup, client_for):
    leader = client_for(sup.leader)
    page = leader.get("/supervision/liaisons/").content.decode()
    assert "尚未点评" in page and 'class="badge bg-success"' not in page
    [row] = liaison_status_list_for(sup.leader, mine=True)
    assert (row.last_reviewed_at, row.state) == (None, ReviewDue.PENDING)
    file_review(sup)
    page = leader.get("/supervision/liaisons/").content.decode()
    assert 'class="badge bg-success">已按期点评<' in page
    assert liaison_status_list_for(sup.leader, mine=True)[0].state == ReviewDue.OK


def test_draw_page_shows_readable_parameters(sup, client_for):
    from pacesetter.orgs.enums import OrgType, Sector
    from pacesetter.supervision import services

    type(sup.campaign).objects.filter(pk=sup.campaign.pk).update(plan_deadline=dt.date(2026, 1, 5))
    sup.campaign.refresh_from_db()
    draw = services.draw_create(
        actor=sup.office,
        root=sup.city,
        n=1,
        title="三月抽查",
        sector=Sector.SCHOOL,
        org_type=OrgType.BRANCH,
        flags=["overdue_plan"],
        campaign=sup.campaign,
    )
    html = client_for(None).get(f"/supervision/draws/{draw.pk}/").content.decode()
    shown = re.findall(r'data-testid="draw-parameter">([^<]*)<', html)
    assert shown == ["学校", "党支部", "实施方案逾期未报的组织", sup.campaign.name]
    assert "{&#x27;root&#x27;" not in html and "'sector'" not in html


def test_arrange_spot_check_on_a_shared_name_creates_it_for_the_drawn_org(sup, client_for):
    from pacesetter.orgs.enums import OrgType, Sector
    from pacesetter.supervision import services
    from pacesetter.supervision.models import Inspection
    from tests.factories import make_org

    twin = make_org("城厢区实验小学党支部", sup.town, OrgType.BRANCH, Sector.SCHOOL)
    draw = services.draw_create(actor=sup.office, root=sup.town, n=1, title="镇抽查", sector=Sector.SCHOOL)
    assert draw.chosen_ids == [twin.pk]
    office = client_for(sup.office)
    page = office.get(f"/supervision/draws/{draw.pk}/").content.decode()
    link = re.search(r'href="(/supervision/inspections/new/\?[^"]+)"', page).group(1).replace("&amp;", "&")
    form = office.get(link).content.decode()
    assert f'name="organisation" value="{twin.pk}"' in form
    data = {
        "draw": draw.pk,
        "organisation": twin.pk,
        "organisation_name": "城厢区实验小学党支部",
        "method": "spot_check",
        "planned_on": "2026-12-20",
        "subject": "随机抽查",
    }
    response = office.post("/supervision/inspections/new/", data)
    assert response.status_code == 302
    assert Inspection.objects.get().organisation == twin
    # typed by name alone, the same name is ambiguous: a clear error, nothing created
    response = office.post("/supervision/inspections/new/", {**data, "organisation": ""})
    assert response.status_code == 200
    assert "有多个名为“城厢区实验小学党支部”的组织" in response.content.decode()
    assert Inspection.objects.count() == 1


def test_rectification_history_shows_each_action_in_words(sup, client_for):
    from pacesetter.supervision import services
    from tests.supervision.test_rectification import issue

    order = issue(sup)
    services.rectification_report(actor=sup.secretary, rectification=order, measures_taken="已补齐台账")
    html = client_for(sup.leader).get(f"/supervision/rectifications/{order.pk}/").content.decode()
    assert re.findall(r'data-testid="event-action">([^<]*)<', html) == ["下达整改通知", "报告整改情况"]


def test_round_list_offers_the_rectification_cases_only_to_who_may_open_them(sup, client_for):
    for user, shown in ((sup.inspector, False), (sup.leader, False), (sup.office, True)):
        c = client_for(user)
        assert ('href="/evaluations/cases/"' in c.get("/evaluations/").content.decode()) is shown
        assert (c.get("/evaluations/cases/").status_code == 200) is shown
