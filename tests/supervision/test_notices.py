import datetime as dt
import os
import shutil
import subprocess

import pytest
from docx import Document

from pacesetter.campaigns import tallies
from pacesetter.core.errors import PermissionDeniedError, StateError
from pacesetter.supervision import documents, services, stats_tally
from pacesetter.supervision.enums import NoticeStatus
from pacesetter.supervision.selectors import notice_list_for
from tests.supervision.test_rectification import issue


def compose(city):
    return services.notice_compose(
        actor=city.office, org=city.city, campaign=getattr(city, "campaign", None), today=dt.date(2026, 3, 5)
    )


def test_compose_prefills_live_figures_and_lagging_orgs(sup):
    order = issue(sup, days=1)
    type(order).objects.filter(pk=order.pk).update(deadline=dt.date(2026, 1, 5))
    stats_tally.rebuild()  # written past the services that keep the dashboard's counters
    notice = compose(sup)
    assert notice.doc_number == "创先争优办〔2026〕1号"
    assert "下达整改通知未销号1件，其中逾期1件" in notice.body
    assert "城厢区实验小学党支部" in notice.body and "提出批评" in notice.body
    assert compose(sup).number == 2
    with pytest.raises(PermissionDeniedError):
        services.notice_compose(actor=sup.secretary, org=sup.district)


def test_issue_makes_it_visible_below_and_notifies_secretaries(sup):
    notice = compose(sup)
    assert list(notice_list_for(sup.secretary)) == []
    services.notice_update(
        actor=sup.office, notice=notice, title="关于活动进展的通报", body="正文第一段\n正文第二段"
    )
    services.notice_issue(actor=sup.office, notice=notice)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.ISSUED
    assert list(notice_list_for(sup.secretary)) == [notice]
    assert list(notice_list_for(sup.member_user)) == [notice]
    assert sup.town_secretary.notifications.filter(title__contains="创先争优办〔2026〕1号").exists()
    with pytest.raises(StateError):
        services.notice_update(actor=sup.office, notice=notice, title="改")
    with pytest.raises(StateError):
        services.notice_issue(actor=sup.office, notice=notice)


def test_docx_has_the_gbt9704_parts(sup):
    notice = compose(sup)
    services.notice_issue(actor=sup.office, notice=notice)
    notice.refresh_from_db()
    doc = Document(__import__("io").BytesIO(documents.notice_docx(notice)))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "示范市委创先争优活动领导小组办公室"
    assert doc.paragraphs[0].runs[0].font.color.rgb == __import__("docx").shared.RGBColor(0xFF, 0, 0)
    assert texts[1] == "创先争优办〔2026〕1号"
    assert 'w:color="FF0000"' in doc.paragraphs[1]._p.xml  # the red separator line
    assert texts[2] == notice.title
    assert texts[3] == "各基层党组织："
    assert "2026年3月5日" in texts
    assert texts[-1].endswith("印发") and texts[-1].startswith("示范市委创先争优活动领导小组办公室\t")
    body = doc.paragraphs[4]
    assert body.runs[0].font.name == "仿宋_GB2312" and body.runs[0].font.size.pt == 16
    assert body.paragraph_format.first_line_indent.pt == 32
    assert (
        doc.paragraphs[2].runs[0].font.name == "方正小标宋简体"
        and doc.paragraphs[2].runs[0].font.size.pt == 22
    )


def test_docx_opens_in_libreoffice(sup, tmp_path):
    if not (shutil.which("libreoffice") and shutil.which("pdftotext")):
        if os.environ.get("CI") == "true":
            pytest.fail("libreoffice and poppler-utils are required in CI")
        pytest.skip("libreoffice or pdftotext not installed")
    notice = compose(sup)
    services.notice_issue(actor=sup.office, notice=notice)
    notice.refresh_from_db()
    src = tmp_path / "notice.docx"
    src.write_bytes(documents.notice_docx(notice))
    subprocess.run(
        [
            "libreoffice",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(src),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pdf = tmp_path / "notice.pdf"
    assert pdf.exists()
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    squashed = "".join(text.split())
    assert "创先争优办〔2026〕1号" in squashed
    assert "".join(notice.title.split()) in squashed
    assert "印发" in squashed


def test_draft_names_the_children_the_dashboard_marks_lagging(sup, client_for):
    from pacesetter.progress.selectors import lagging_children

    # nobody has started a plan and only the school logged nothing: every child lags on plans
    lagging = lagging_children(campaign=sup.campaign, org=sup.city)
    assert [(org.name, reasons[0]) for org, reasons in lagging] == [
        ("城厢区委", "2个组织（共2个）尚未着手实施方案"),
        ("和林镇党委", "2个组织（共2个）尚未着手实施方案"),
    ]
    notice = compose(sup)
    assert "未发现明显滞后的组织" not in notice.body
    for org, reasons in lagging:
        assert f"{org.name}工作滞后：{'；'.join(reasons)}。" in notice.body
    assert "对和林镇党委、城厢区委思想不重视" in notice.body
    page = client_for(sup.office).get(f"/progress/?campaign={sup.campaign.pk}").content.decode()
    for org, reasons in lagging:
        row = page.split(f'data-testid="progress-row-{org.pk}"')[1].split("</tr>")[0]
        assert 'data-testid="lagging"' in row and "；".join(reasons) in row


def test_draft_finds_nothing_lagging_when_every_child_is_on_track(sup):
    from pacesetter.plans.enums import PlanStatus
    from pacesetter.plans.models import Plan
    from pacesetter.records.models import ActivityRecord

    for org in (sup.district, sup.school, sup.town, sup.village):
        Plan.objects.create(campaign=sup.campaign, organisation=org, title="方案", status=PlanStatus.APPROVED)
        ActivityRecord.objects.create(
            organisation=org,
            campaign=sup.campaign,
            kind="study",
            title="学习",
            occurred_on=dt.date(2026, 3, 1),
            logged_by=sup.secretary,
        )
    tallies.rebuild()  # the rows above are written past the services that keep the dashboard's counters
    assert "各组织总体按计划推进，未发现明显滞后的组织。" in compose(sup).body
