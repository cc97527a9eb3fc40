"""Word (.docx) documents of plans in the GB/T 9704 layout, and the overdue list as Excel (.xlsx)."""

import io

from django.utils import timezone
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from openpyxl import Workbook

from pacesetter.documents.word import add_signature_lines, cn_date, to_bytes
from pacesetter.documents.word import add_title as _title
from pacesetter.documents.word import new_document as _new_document
from pacesetter.documents.word import set_font as _font

from .enums import PlanProgress
from .html import parse_blocks

# 序号, 组织名称, 争创主题, 状态, 报送时间: 15.6 cm, the A4 text width of the GB/T 9704 margins
SUMMARY_WIDTHS = (Cm(1.4), Cm(5.4), Cm(3.0), Cm(1.8), Cm(4.0))

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONTS = {"h2": "黑体", "h3": "楷体_GB2312", "h4": BODY_FONT}
SUBTITLE_FONT = "楷体_GB2312"
BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号


def _centred(doc, text: str, font: str = SUBTITLE_FONT) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run(text), font, BODY_SIZE)


def _body(doc, body_html: str) -> None:
    """Paragraphs, headings and list items of the sanitised body, each a docx paragraph."""
    for block in parse_blocks(body_html):
        p = doc.add_paragraph()
        font = HEADING_FONTS.get(block.kind, BODY_FONT)
        if block.kind == "li":
            prefix = f"{block.number}. " if block.list_kind == "ol" else "● "
            p.paragraph_format.left_indent = Pt(32)
            p.paragraph_format.first_line_indent = Pt(-16) if block.list_kind == "ul" else Pt(0)
            _font(p.add_run(prefix), BODY_FONT, BODY_SIZE)
        else:
            p.paragraph_format.first_line_indent = Pt(32)  # two characters, as in official documents
        for r in block.runs:
            run = p.add_run(r.text)
            _font(run, font, BODY_SIZE, bold=True if (r.bold or block.kind == "h4") else None)
            if r.italic:
                run.font.italic = True


def plan_docx(plan, version=None) -> bytes:
    """One plan (its working text, or a submitted `version`) as a Word document."""
    title = version.title if version else plan.title
    body = version.body if version else plan.body
    doc = _new_document()
    doc.core_properties.title = title
    _title(doc, title)
    _centred(doc, plan.organisation.name)
    _body(doc, body)
    signed = version.submitted_at if version else plan.updated_at
    add_signature_lines(doc, [plan.organisation.name, cn_date(timezone.localtime(signed))])
    return to_bytes(doc)


def summary_docx(*, campaign, root, rows: list[dict]) -> bytes:
    """汇总: a table of every organisation's plan status in `root`'s subtree, then each submitted plan's text."""
    doc = _new_document()
    doc.core_properties.title = f"{campaign.name}实施方案汇总"
    _title(doc, f"{campaign.name}\n实施方案汇总")
    _centred(doc, f"{root.name} · {cn_date(timezone.localdate())}")
    done = sum(1 for r in rows if r["progress"] in (PlanProgress.SUBMITTED, PlanProgress.APPROVED))
    p = doc.add_paragraph()
    p.paragraph_format.first_line_indent = Pt(32)
    p.add_run(
        f"应报送组织 {len(rows)} 个，已报送 {done} 个，"
        f"其中已通过 {sum(1 for r in rows if r['progress'] == PlanProgress.APPROVED)} 个，"
        f"逾期未报送 {sum(1 for r in rows if r['progress'] == PlanProgress.OVERDUE)} 个。"
    )
    table = doc.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(
        table.rows[0].cells, ("序号", "组织名称", "争创主题", "状态", "报送时间"), strict=True
    ):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(text), "黑体", Pt(12))
    for i, r in enumerate(rows, 1):
        when = cn_date(r["submitted_at"]) if r["submitted_at"] else ""
        status = str(r["progress"].label) + ("（逾期报送）" if r["is_late"] else "")
        for cell, text in zip(
            table.add_row().cells, (str(i), r["org"].label, r["theme"], status, when), strict=True
        ):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(text), BODY_FONT, Pt(12))
    # Widths for what each column holds (the name with its parent is the longest): equal columns wrapped
    # "上级 / 名称" onto three lines beside a wide 序号 column. LibreOffice reads the grid's widths, Word the
    # cells': both are set.
    table.autofit = False
    for column, width in zip(table.columns, SUMMARY_WIDTHS, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, SUMMARY_WIDTHS, strict=True):
            cell.width = width
    for r in rows:
        plan = r["plan"]
        if plan is None or plan.current_version is None:
            continue
        version = plan.current_version
        doc.add_page_break()
        h = doc.add_paragraph()
        h.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(h.add_run(version.title), "黑体", BODY_SIZE)
        _centred(doc, f"{r['org'].label}（{r['progress'].label}，第 {version.number} 版）")
        _body(doc, version.body)
    return to_bytes(doc)


def progress_xlsx(*, campaign, root, orgs) -> bytes:
    """The organisations' plan progress as a spreadsheet, streamed row by row (write-only workbook)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("实施方案报送情况")
    ws.append([f"{campaign.name} · {root.name} · 实施方案报送情况"])
    ws.append(["组织名称", "上级组织", "状态", "报送时间", "逾期报送"])
    for o in orgs:
        when = timezone.localtime(o.plan_submitted_at).replace(tzinfo=None) if o.plan_submitted_at else None
        ws.append(
            [o.name, o.parent_name, str(PlanProgress(o.progress).label), when, "是" if o.plan_is_late else ""]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
