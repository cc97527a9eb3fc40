"""Pages, the public wall, documents, statistics and the API."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document
from openpyxl import load_workbook

from pacesetter.campaigns.enums import StepCapability
from pacesetter.commitments import selectors, services
from pacesetter.commitments.enums import CommitmentStatus as S
from pacesetter.commitments.models import Commitment

from .conftest import advance, member_commitment, org_commitment, set_window

pytestmark = pytest.mark.django_db


def test_public_wall_shows_only_published(city, camp, client):
    draft = org_commitment(city, camp, title="草稿实事")
    approved = advance(city, org_commitment(city, camp, title="已审核实事"), S.APPROVED)
    pub = advance(city, org_commitment(city, camp, title="公开实事"), S.PUBLISHED)
    r = client.get("/wall/")
    html = r.content.decode()
    assert r.status_code == 200 and "公开实事" in html and "草稿实事" not in html and "已审核实事" not in html
    assert client.get(f"/wall/c/{draft.pk}/").status_code == 404
    assert client.get(f"/wall/c/{approved.pk}/").status_code == 404
    page = client.get(f"/wall/c/{pub.pk}/")
    assert page.status_code == 200 and "<svg" in page.content.decode()
    assert "ps_device" in page.cookies


def test_public_org_page_shows_rollup_with_its_rule(city, camp, client):
    a = advance(city, org_commitment(city, camp, title="甲"), S.PUBLISHED)
    advance(city, org_commitment(city, camp, title="乙"), S.PUBLISHED)
    services.progress_add(actor=city.school_secretary, commitment=a, percent=80, text="推进")
    html = client.get(f"/wall/org/{city.school.pk}/").content.decode()
    assert 'data-testid="rollup-percent">40%' in html
    assert "尚未填报进度的按 0% 计" in html
    assert [c.title for c in selectors.published_commitments_for_org(city.school)] == ["甲", "乙"]


def test_wall_filters_by_subtree_and_sector(city, camp, client):
    advance(city, org_commitment(city, camp, title="学校实事"), S.PUBLISHED)
    v = org_commitment(city, camp, org=city.village, actor=city.town_secretary, title="村里实事")
    services.commitment_transition(actor=city.town_secretary, commitment=v, action="submit")
    services.commitment_transition(actor=city.town_secretary, commitment=v, action="approve")
    services.commitment_transition(actor=city.town_secretary, commitment=v, action="publish")
    by_org = client.get(f"/wall/?org={city.town.pk}").content.decode()
    assert "村里实事" in by_org and "学校实事" not in by_org
    by_sector = client.get("/wall/?sector=school").content.decode()
    assert "学校实事" in by_sector and "村里实事" not in by_sector
    assert client.get("/wall/?org=999999").status_code == 404


def _publish_many(city, camp, n):
    c = advance(city, org_commitment(city, camp), S.PUBLISHED)
    rows = []
    for i in range(n):
        c.pk = None
        c.title = f"实事{i}"
        rows.append(
            Commitment(
                **{
                    f.attname: getattr(c, f.attname)
                    for f in Commitment._meta.concrete_fields
                    if f.attname != "id"
                }
            )
        )
    Commitment.objects.bulk_create(rows)


@pytest.mark.parametrize("n", [3, 30])
def test_wall_query_count_does_not_grow(city, camp, client, n, django_assert_max_num_queries):
    _publish_many(city, camp, n)
    client.get("/wall/")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/wall/?org={city.district.pk}&sector=school").status_code == 200
    assert len(ctx.captured_queries) == 3  # the organisation, its children, one page of commitments
    with CaptureQueriesContext(connection) as ctx:
        client.get("/wall/")
    assert len(ctx.captured_queries) == 2


@pytest.mark.parametrize("n", [3, 30])
def test_internal_list_query_count(city, camp, client_for, n):
    _publish_many(city, camp, n)
    c = client_for(city.secretary)
    c.get("/commitments/")
    with CaptureQueriesContext(connection) as ctx:
        assert c.get("/commitments/").status_code == 200
    counts = len(ctx.captured_queries)
    assert counts <= 8, [q["sql"] for q in ctx.captured_queries]
    test_internal_list_query_count.counts = getattr(test_internal_list_query_count, "counts", set()) | {
        counts
    }
    if n == 30:
        assert len(test_internal_list_query_count.counts) == 1


def test_draft_visible_to_owner_and_not_to_others(city, camp, client_for):
    c = member_commitment(city, camp)
    assert client_for(city.member_user).get(f"/commitments/{c.pk}/").status_code == 200
    assert client_for(city.secretary).get(f"/commitments/{c.pk}/").status_code == 404  # a draft is private
    advance(city, c, S.SUBMITTED)
    assert client_for(city.secretary).get(f"/commitments/{c.pk}/").status_code == 200
    assert client_for(city.town_secretary).get(f"/commitments/{c.pk}/").status_code == 404


def test_member_flow_through_pages(city, camp, client_for):
    m = client_for(city.member_user)
    r = m.get("/commitments/new/?kind=member")
    assert r.status_code == 302 and r["Location"].startswith("/commitments/post/")
    m.post(
        f"/commitments/post/?campaign={camp.pk}",
        {"title": "班主任", "duties": "负责班级管理", "campaign": camp.pk},
    )
    from .conftest import deadline, item

    r = m.post(
        "/commitments/new/?kind=member",
        {
            "campaign": camp.pk,
            "criteria_item": item(camp, "member", 2).pk,
            "title": "义务辅导",
            "target": "80 小时",
            "deadline": deadline().isoformat(),
            "responsible": "林老师",
            "content": "",
        },
    )
    c = Commitment.objects.get(title="义务辅导")
    assert r.status_code == 302 and c.post.title == "班主任"
    m.post(f"/commitments/{c.pk}/transition/", {"action": "submit"})
    s = client_for(city.secretary)
    assert "义务辅导" in s.get("/commitments/reviews/").content.decode()
    s.post(f"/commitments/{c.pk}/transition/", {"action": "approve"})
    set_window(camp, StepCapability.COMMITMENTS, False)
    r = m.post(f"/commitments/{c.pk}/transition/", {"action": "publish"}, follow=True)
    assert "已于" in r.content.decode() and "截止" in r.content.decode()
    c.refresh_from_db()
    assert c.status == S.APPROVED


def test_documents_open_and_contain_text(city, camp, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    org_c = advance(city, org_commitment(city, camp, title="修缮操场"), S.PUBLISHED)
    advance(city, member_commitment(city, camp, title="义务辅导"), S.APPROVED)
    s = client_for(city.secretary)
    doc = Document(io.BytesIO(s.get(f"/commitments/orgs/{city.school.pk}/pledge.docx").content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "城厢区实验小学党支部公开承诺书" in text and "修缮操场" in text and "走访困难群众 30 户" in text
    sec = doc.sections[0]
    assert (
        round(sec.top_margin.mm),
        round(sec.bottom_margin.mm),
        round(sec.left_margin.mm),
        round(sec.right_margin.mm),
    ) == (37, 35, 28, 26)
    title_run = doc.paragraphs[0].runs[0]
    assert title_run.font.name == "方正小标宋简体" and title_run.font.size.pt == 22
    from docx.oxml.ns import qn

    assert doc.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    m = client_for(city.member_user)
    mdoc = Document(io.BytesIO(m.get(f"/commitments/members/{city.teacher.pk}/pledge.docx").content))
    mtext = "\n".join(p.text for p in mdoc.paragraphs) + "".join(
        c.text for t in mdoc.tables for row in t.rows for c in row.cells
    )
    assert "共产党员公开承诺书" in mtext and "义务辅导" in mtext and "班主任" in mtext
    poster = Document(io.BytesIO(s.get(f"/commitments/{org_c.pk}/poster.docx").content))
    assert "修缮操场" in "\n".join(p.text for p in poster.paragraphs)
    assert len(poster.inline_shapes) == 1  # the QR code
    wb = load_workbook(io.BytesIO(s.get(f"/commitments/orgs/{city.district.pk}/wall.xlsx").content))
    rows = list(wb.active.values)
    assert (
        rows[2][4] == "修缮操场" and len(rows) == 3
    )  # the approved member commitment is not on the wall yet


def test_stats_by_subtree_in_sql(city, camp, django_assert_num_queries):
    a = advance(city, org_commitment(city, camp, title="甲"), S.PUBLISHED)
    advance(city, org_commitment(city, camp, title="乙"), S.REPORTED)
    org_commitment(city, camp, title="草稿")
    services.progress_add(actor=city.school_secretary, commitment=a, percent=50, text="过半")
    for i, level in enumerate(["satisfied", "basic", "unsatisfied"]):
        services.rating_submit_public(commitment=a, level=level, device="", ip="1.2.3.4", person_key=f"p{i}")
    # an unverified rating is not counted
    services.rating_submit_public(commitment=a, level="unsatisfied", device="u" * 32, ip="1.2.3.4")
    with django_assert_num_queries(3):
        rows = selectors.commitment_stats_by_subtree(camp, city.city)
    by_name = {r.org.name: r for r in rows}
    d = by_name["城厢区委"]
    assert (d.drafted, d.published, d.fulfilled, d.overdue, d.avg_progress, d.progress_items) == (
        3,
        2,
        1,
        0,
        25,
        2,
    )
    assert (d.ratings.total, d.ratings.rate) == (3, 67)
    t = by_name["和林镇党委"]
    assert (t.drafted, t.avg_progress, t.ratings.rate) == (0, None, None)


def test_api_operations(city, camp, client_for):
    from .conftest import deadline, item

    m = client_for(city.member_user)
    assert (
        m.put(
            "/api/commitment-post",
            {"campaign_id": camp.pk, "title": "班主任"},
            content_type="application/json",
        ).status_code
        == 200
    )
    r = m.post(
        "/api/commitments",
        {
            "campaign_id": camp.pk,
            "personal": True,
            "criteria_item_id": item(camp, "member").pk,
            "title": "读书",
            "target": "12 本",
            "deadline": deadline().isoformat(),
            "responsible": "林老师",
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert (
        m.post(
            f"/api/commitments/{pk}/transitions", {"action": "submit"}, content_type="application/json"
        ).json()["status"]
        == "submitted"
    )
    r = m.post(f"/api/commitments/{pk}/transitions", {"action": "approve"}, content_type="application/json")
    assert (
        r.status_code == 403
        and r.json()["message"] == "只有审核组织（上级党组织书记或活动办公室）可以审核通过这项承诺"
    )
    s = client_for(city.secretary)
    assert [c["id"] for c in s.get("/api/commitment-reviews").json()] == [pk]
    assert (
        s.post(
            f"/api/commitments/{pk}/transitions", {"action": "approve"}, content_type="application/json"
        ).status_code
        == 200
    )
    r = s.post(f"/api/commitments/{pk}/transitions", {"action": "approve"}, content_type="application/json")
    assert r.status_code == 409 and r.json()["message"] == "承诺当前状态为“已审核”，不能审核通过"
    m.post(f"/api/commitments/{pk}/transitions", {"action": "publish"}, content_type="application/json")
    assert (
        m.post(
            f"/api/commitments/{pk}/progress",
            {"percent": 40, "text": "读了 5 本"},
            content_type="application/json",
        ).status_code
        == 201
    )
    assert (
        m.post(
            f"/api/commitments/{pk}/report", {"text": "读完 12 本"}, content_type="application/json"
        ).json()["status"]
        == "reported"
    )
    events = m.get(f"/api/commitments/{pk}/events").json()
    assert [e["to_status"] for e in events] == ["draft", "submitted", "approved", "published", "reported"]
    wall = client_for(None).get("/api/wall").json()
    assert [c["title"] for c in wall] == ["读书"]
    stats = (
        client_for(city.office)
        .get(f"/api/commitment-stats?campaign_id={camp.pk}&org_id={city.city.pk}")
        .json()
    )
    assert {s["organisation_name"]: s["published"] for s in stats} == {"城厢区委": 1, "和林镇党委": 0}


def test_report_button_leads_to_the_form_and_a_fulfilled_claim_below_target_needs_confirming(
    city, camp, client_for
):
    from pacesetter.commitments.models import FulfilmentReport
    from tests.commitments.conftest import advance, member_commitment

    c = advance(city, member_commitment(city, camp), S.PUBLISHED)
    Commitment.objects.filter(pk=c.pk).update(progress=40)
    owner = client_for(city.member_user)
    page = owner.get(f"/commitments/{c.pk}/").content.decode()
    assert f'href="/commitments/{c.pk}/report/" data-testid="action-report"' in page
    assert 'name="action" value="report"' not in page  # no empty form posting 述诺 any more
    form = owner.get(f"/commitments/{c.pk}/report/").content.decode()
    assert "已填报的进度为 40%" in form and 'name="confirm_below_target"' in form
    claim = {"outcome": "fulfilled", "text": "全部完成"}
    response = owner.post(f"/commitments/{c.pk}/report/", claim)
    assert response.status_code == 200
    assert "填报的进度只有 40%，却选择了“承诺已兑现”" in response.content.decode()
    c.refresh_from_db()
    assert c.status == S.PUBLISHED and not FulfilmentReport.objects.exists()
    response = owner.post(f"/commitments/{c.pk}/report/", {**claim, "confirm_below_target": "on"})
    assert response.status_code == 302
    report = FulfilmentReport.objects.get()
    assert (report.outcome, report.progress) == ("fulfilled", 40)
    reviewer = client_for(city.secretary).get(f"/commitments/{c.pk}/").content.decode()
    outcome = reviewer.split('data-testid="report-outcome">')[1].split("</div>")[0]
    assert "承诺已兑现" in outcome and "述诺时进度 40%" in outcome and "report-below-target" in outcome
