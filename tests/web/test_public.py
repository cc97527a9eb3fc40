"""The public page of an organisation (公开上墙) and its QR poster."""

import datetime
import io

from django.utils import timezone
from docx import Document

from pacesetter.campaigns.enums import CampaignStatus
from pacesetter.campaigns.models import Campaign, GroupMember, OrgTheme
from pacesetter.plans.enums import PlanStatus
from pacesetter.plans.models import Plan


def _campaign(city):
    return Campaign.objects.create(
        name="2010—2012年创先争优活动",
        organisation=city.city,
        status=CampaignStatus.ACTIVE,
        starts_on=datetime.date(2010, 4, 1),
        ends_on=datetime.date(2012, 7, 1),
    )


def test_public_page_shows_default_theme_until_org_sets_one(city, client):
    _campaign(city)
    html = client.get(f"/p/orgs/{city.school.pk}/").content.decode()
    assert "爱岗敬业先锋" in html and "建议主题" in html
    assert "实施方案尚未经上级审核通过" in html


def test_public_page_shows_published_things_only(city, client):
    c = _campaign(city)
    OrgTheme.objects.create(
        campaign=c, organisation=city.school, theme="教书育人当先锋", carriers=["党员示范课", "结对帮扶"]
    )
    GroupMember.objects.create(campaign=c, organisation=city.school, name="黄丽萍", position="head")
    plan = Plan.objects.create(
        campaign=c,
        organisation=city.school,
        title="实验小学创先争优实施方案",
        body="<p>一、指导思想</p>",
        status=PlanStatus.SUBMITTED,
    )
    html = client.get(f"/p/orgs/{city.school.pk}/").content.decode()
    assert "教书育人当先锋" in html and "党员示范课" in html and "黄丽萍" in html
    assert "实验小学创先争优实施方案" not in html  # submitted, not yet approved
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.APPROVED, decided_at=timezone.now())
    html = client.get(f"/p/orgs/{city.school.pk}/").content.decode()
    assert "实验小学创先争优实施方案" in html and "一、指导思想" in html
    assert "<svg" in html  # the QR code to this page


def test_public_page_of_inactive_org_is_404(city, client):
    city.school.is_active = False
    city.school.save()
    assert client.get(f"/p/orgs/{city.school.pk}/").status_code == 404


def test_poster_is_a4_docx_with_qr(city, client_for):
    _campaign(city)
    response = client_for(city.secretary).get(f"/orgs/{city.school.pk}/poster.docx")
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "城厢区实验小学党支部" in text and "爱岗敬业先锋" in text and f"/p/orgs/{city.school.pk}/" in text
    assert len(doc.inline_shapes) == 1
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert client_for(city.town_secretary).get(f"/orgs/{city.school.pk}/poster.docx").status_code == 404


def test_public_page_lists_published_commitments_with_rollup_rule(city, client):
    from pacesetter.campaigns.models import CriteriaItem, CriteriaSet
    from pacesetter.commitments.models import Commitment

    c = _campaign(city)
    cs = CriteriaSet.objects.create(campaign=c, name="五个好", subject="org")
    item = CriteriaItem.objects.create(criteria_set=cs, name="工作业绩好", weight=100)
    common = dict(
        campaign=c,
        kind="org",
        organisation=city.school,
        criteria_item=item,
        target="每周一次",
        deadline=datetime.date(2030, 1, 1),
        responsible="黄丽萍",
    )
    Commitment.objects.create(
        title="为留守儿童开设课后辅导班",
        status="published",
        progress=60,
        published_at=timezone.now(),
        **common,
    )
    Commitment.objects.create(title="还在起草的承诺", status="draft", **common)
    html = client.get(f"/p/orgs/{city.school.pk}/").content.decode()
    assert "为留守儿童开设课后辅导班" in html and "60%" in html
    assert "还在起草的承诺" not in html
    assert (
        'data-testid="public-rollup"' in html and "0%" in html
    )  # the stated rule is shown beside the figure


def test_public_page_keeps_the_plan_structure_with_headings_one_level_down(city, client):
    c = _campaign(city)
    Plan.objects.create(
        campaign=c,
        organisation=city.school,
        title="实验小学创先争优实施方案",
        body="<h2>一、指导思想</h2><p>以科学发展观为指导。</p><h3>（一）目标</h3><ul><li>争创五个好</li></ul>"
        '<p onclick="x()">第二段<script>alert(1)</script></p>',
        status=PlanStatus.APPROVED,
        decided_at=timezone.now(),
    )
    html = client.get(f"/p/orgs/{city.school.pk}/").content.decode()
    start = html.index('data-testid="public-plan-body">') + len('data-testid="public-plan-body">')
    body = html[start : html.index("</div>", start)]
    assert body == (
        "<h3>一、指导思想</h3><p>以科学发展观为指导。</p><h4>（一）目标</h4><ul><li>争创五个好</li></ul>"
        "<p>第二段</p>"
    )


def test_public_page_shows_timetable_and_criteria(city, client):
    from pacesetter.campaigns.models import CriteriaIndicator, CriteriaItem, CriteriaSet, Stage, Step

    c = _campaign(city)
    stage = Stage.objects.create(
        campaign=c, name="第一阶段", starts_on=datetime.date(2010, 4, 1), ends_on=datetime.date(2011, 7, 1)
    )
    tz = timezone.get_current_timezone()
    Step.objects.create(
        campaign=c,
        stage=stage,
        kind="commit",
        opens_at=datetime.datetime(2010, 5, 1, tzinfo=tz),
        closes_at=datetime.datetime(2010, 6, 30, tzinfo=tz),
    )
    Step.objects.create(
        campaign=c,
        stage=stage,
        kind="mobilise",
        opens_at=datetime.datetime(2010, 4, 1, tzinfo=tz),
        closes_at=datetime.datetime(2010, 4, 30, tzinfo=tz),
    )
    cs = CriteriaSet.objects.create(campaign=c, name="五个好", subject="org")
    item = CriteriaItem.objects.create(criteria_set=cs, name="领导班子好", description="团结协作", order=1)
    CriteriaIndicator.objects.create(item=item, name="比服务发展", order=1)
    CriteriaIndicator.objects.create(item=item, name="看学习能力", order=2)
    response = client.get(f"/p/orgs/{city.school.pk}/")
    html = response.content.decode()
    timetable = html[html.index('data-testid="public-timetable"') : html.index('id="h-criteria"')]
    assert "第一阶段" in timetable and "2010-04-01 — 2011-07-01" in timetable
    assert timetable.index("动员部署：2010-04-01 — 2010-04-30") < timetable.index(
        "公开承诺：2010-05-01 — 2010-06-30"
    )
    criteria = html[html.index('data-testid="public-criteria"') : html.index('id="h-commitments"')]
    assert "五个好" in criteria and "<b>领导班子好</b>：团结协作" in criteria
    assert "考察指标：比服务发展、看学习能力" in criteria
    assert "推动科学发展、促进社会和谐、服务人民群众、加强基层组织" in criteria


def test_public_page_progress_bar_is_named(city, client):
    from pacesetter.campaigns.models import CriteriaItem, CriteriaSet
    from pacesetter.commitments.models import Commitment

    c = _campaign(city)
    cs = CriteriaSet.objects.create(campaign=c, name="五个好", subject="org")
    item = CriteriaItem.objects.create(criteria_set=cs, name="工作业绩好", weight=100)
    Commitment.objects.create(
        campaign=c,
        kind="org",
        organisation=city.school,
        criteria_item=item,
        title="修缮操场",
        target="年底前完工",
        deadline=datetime.date(2030, 1, 1),
        responsible="黄丽萍",
        status="published",
        progress=40,
        published_at=timezone.now(),
    )
    html = client.get(f"/p/orgs/{city.school.pk}/").content.decode()
    assert 'role="progressbar" aria-labelledby="rollup-label"' in html
    assert '<span id="rollup-label">承诺践诺总进度</span>' in html
