"""Word documents: a plan and a subtree summary open in python-docx with the expected text and layout."""

import io
import shutil
import subprocess

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from pacesetter.plans import documents, services
from pacesetter.plans.selectors import plan_summary_rows

from .conftest import BODY


@pytest.fixture
def submitted(campaign, city, school_secretary):
    plan = services.plan_save(
        actor=school_secretary,
        campaign=campaign,
        org=city.school,
        title="实验小学创先争优实施方案",
        body=BODY,
    )
    services.plan_submit(actor=school_secretary, plan=plan)
    plan.refresh_from_db()
    return plan


def _texts(doc):
    return [p.text for p in doc.paragraphs if p.text]


def test_plan_docx_text_fonts_and_margins(submitted):
    doc = Document(io.BytesIO(documents.plan_docx(submitted, submitted.current_version)))
    texts = _texts(doc)
    assert texts[:6] == [
        "实验小学创先争优实施方案",
        "城厢区实验小学党支部",
        "一、指导思想",
        "以科学发展观为指导。",
        "1. 学习",
        "2. 服务",
    ]
    assert texts[-2] == "城厢区实验小学党支部"  # signature
    title = doc.paragraphs[0]
    assert title.alignment == 1  # centred
    run = title.runs[0]
    assert run.font.size == Pt(22) and run.font.name == "方正小标宋简体"
    assert run._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    normal = doc.styles["Normal"]
    assert normal.font.size == Pt(16)
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert normal.paragraph_format.line_spacing == Pt(28)
    bold = [r for r in doc.paragraphs[3].runs if r.text == "科学发展观"][0]
    assert bold.bold is True
    heading = doc.paragraphs[2].runs[0]
    assert heading._element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    s = doc.sections[0]
    size = [round(x.mm) for x in (s.page_width, s.page_height)]
    margins = [round(x.mm) for x in (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin)]
    assert (size, margins) == ([210, 297], [37, 35, 28, 26])


def test_summary_docx_table_and_plan_texts(submitted, campaign, city):
    from pacesetter.campaigns.models import OrgTheme

    OrgTheme.objects.create(campaign=campaign, organisation=city.school, theme="爱岗敬业先锋")
    rows = plan_summary_rows(campaign=campaign, root=city.city)
    doc = Document(io.BytesIO(documents.summary_docx(campaign=campaign, root=city.city, rows=rows)))
    table = doc.tables[0]
    cells = [[c.text for c in row.cells] for row in table.rows]
    assert cells[0] == ["序号", "组织名称", "争创主题", "状态", "报送时间"]
    # the name with its parent gets the room (equal columns wrapped it onto three lines)
    widths = [c.width for c in table.columns]
    assert widths[1] > 3 * widths[0] and sum(widths) <= 156 * 36000  # EMU: within the 156 mm text width
    assert [r[1:4] for r in cells[1:]] == [
        ["示范市委 / 城厢区委", "", "未开始"],
        ["城厢区委 / 城厢区实验小学党支部", "爱岗敬业先锋", "已报送"],
        ["示范市委 / 和林镇党委", "", "未开始"],
        ["和林镇党委 / 八一村党支部", "", "未开始"],
    ]
    texts = _texts(doc)
    assert "应报送组织 4 个，已报送 1 个，其中已通过 0 个，逾期未报送 0 个。" in texts
    assert "城厢区委 / 城厢区实验小学党支部（已报送，第 1 版）" in texts
    assert "以科学发展观为指导。" in texts


def test_docx_pages_download(submitted, city, school_secretary, client_for):
    r = client_for(city.secretary).get(f"/plans/{submitted.pk}/docx/")
    assert r.status_code == 200 and r["Content-Type"].endswith("wordprocessingml.document")
    assert "filename*=utf-8''" in r["Content-Disposition"]
    assert "实验小学创先争优实施方案" in _texts(Document(io.BytesIO(r.content)))
    r = client_for(city.office).get(
        f"/plans/summary/docx/?campaign={submitted.campaign_id}&org={city.district.pk}"
    )
    assert r.status_code == 200
    doc = Document(io.BytesIO(r.content))
    assert [row.cells[1].text for row in doc.tables[0].rows] == [
        "组织名称",
        "示范市委 / 城厢区委",
        "城厢区委 / 城厢区实验小学党支部",
    ]
    assert client_for(city.town_secretary).get(f"/plans/{submitted.pk}/docx/").status_code == 404
    r = client_for(city.town_secretary).get(
        f"/plans/summary/docx/?campaign={submitted.campaign_id}&org={city.district.pk}"
    )
    assert r.status_code == 404


@pytest.mark.skipif(not shutil.which("libreoffice"), reason="libreoffice is not installed")
def test_plan_docx_converts_to_pdf(submitted, tmp_path):
    path = tmp_path / "plan.docx"
    path.write_bytes(documents.plan_docx(submitted, submitted.current_version))
    subprocess.run(
        ["libreoffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pdf = (tmp_path / "plan.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000
