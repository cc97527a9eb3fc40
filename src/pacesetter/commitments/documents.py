"""Documents of commitments: 承诺书 (.docx, GB/T 9704 layout), the wall as Excel, an A4 poster with a QR code."""

import io

import segno
from django.utils import timezone
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.shared import Mm, Pt
from openpyxl import Workbook

from pacesetter.documents import qr
from pacesetter.documents.word import add_picture_png, add_signature_lines, cn_date, to_bytes
from pacesetter.documents.word import add_title as _title
from pacesetter.documents.word import new_document as _new_document
from pacesetter.documents.word import set_font as _font
from pacesetter.onecount import slip_display

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
TITLE_SIZE = Pt(22)  # 二号
BODY_SIZE = Pt(16)  # 三号
TABLE_SIZE = Pt(12)


def _para(doc, text: str, *, font: str = BODY_FONT, indent=True, align=None, size=BODY_SIZE):
    p = doc.add_paragraph()
    if indent:
        p.paragraph_format.first_line_indent = Pt(32)  # two characters
    if align is not None:
        p.alignment = align
    _font(p.add_run(text), font, size)
    return p


def _table(doc, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(text), HEADING_FONT, TABLE_SIZE)
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(text), BODY_FONT, TABLE_SIZE)


def _items(doc, commitments) -> None:
    for n, c in enumerate(commitments, 1):
        p = _para(doc, f"{n}. {c.title}", font=HEADING_FONT)
        p.paragraph_format.space_before = Pt(6)
        _para(
            doc,
            f"对照标准：{c.criteria_item.name}；量化目标：{c.target}；完成时限：{cn_date(c.deadline)}；"
            f"责任人：{c.responsible}。",
        )
        if c.content:
            _para(doc, c.content)


def org_pledge_docx(*, org, campaign, commitments) -> bytes:
    """承诺书 of an organisation: its 实事 against 五个好, each with target, deadline and responsible people."""
    doc = _new_document()
    title = f"{org.name}公开承诺书"
    doc.core_properties.title = title
    _title(doc, title)
    _para(
        doc,
        f"为深入开展{campaign.name}，按照“五个好”的要求，{org.name}向全体党员和群众郑重承诺，"
        f"在{cn_date(campaign.ends_on)}前办好以下实事，接受党员群众监督：",
    )
    if commitments:
        _items(doc, commitments)
    else:
        _para(doc, "（尚无已公开的承诺事项）")
    add_signature_lines(doc, [org.name, cn_date(timezone.localdate())])
    return to_bytes(doc)


def member_pledge_docx(*, member, campaign, post, commitments) -> bytes:
    """承诺书 of a member: their post (设岗) and personal commitments against 五带头."""
    doc = _new_document()
    title = "共产党员公开承诺书"
    doc.core_properties.title = f"{member.name}{title}"
    _title(doc, title)
    _table(
        doc,
        ("姓名", "所在党组织", "岗位"),
        [(member.name, member.organisation.name, post.title if post else "")],
    )
    if post and post.duties:
        _para(doc, f"岗位职责：{post.duties}")
    _para(doc, f"在{campaign.name}中，我立足本职岗位，按照“五带头”的要求，郑重承诺：")
    if commitments:
        _items(doc, commitments)
    else:
        _para(doc, "（尚无已公开的承诺事项）")
    add_signature_lines(doc, [f"承诺人：{member.name}", cn_date(timezone.localdate())])
    return to_bytes(doc)


def qr_svg(url: str) -> str:
    """Inline SVG of a QR code; segno writes the markup itself from the URL (no user text interpolated)."""
    return segno.make(url, error="m").svg_inline(scale=6, border=2, omitsize=True)


def poster_docx(*, commitment, url: str) -> bytes:
    """An A4 poster (示诺) of one commitment with a QR code to its public page."""
    doc = _new_document()
    doc.core_properties.title = f"公开承诺 {commitment.title}"
    _title(doc, "公 开 承 诺")
    _para(doc, commitment.owner_name, font=HEADING_FONT, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    doc.add_paragraph()
    _para(doc, commitment.title, font=TITLE_FONT, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, size=Pt(18))
    _para(doc, f"对照标准：{commitment.criteria_item.name}")
    _para(doc, f"量化目标：{commitment.target}")
    _para(doc, f"完成时限：{cn_date(commitment.deadline)}")
    _para(doc, f"责任人：{commitment.responsible}")
    if commitment.content:
        _para(doc, commitment.content)
    doc.add_paragraph()
    add_picture_png(doc, qr.qr_png(url, scale=10), 50)
    _para(doc, "扫码查看践诺进度、参与评诺", indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, url, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, size=Pt(10))
    return to_bytes(doc)


def wall_xlsx(*, root, commitments) -> bytes:
    """The public commitments of a subtree as a spreadsheet, written row by row (write-only workbook)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("公开承诺")
    ws.append([f"{root.name} · 公开承诺一览"])
    ws.append(
        [
            "组织",
            "承诺人",
            "类别",
            "对照标准",
            "承诺事项",
            "量化目标",
            "完成时限",
            "责任人",
            "状态",
            "进度（%）",
            "逾期",
        ]
    )
    for c in commitments:
        ws.append(
            [
                c.organisation.label,
                c.owner_name,
                str(c.get_kind_display()),
                c.criteria_item.name,
                c.title,
                c.target,
                c.deadline,
                c.responsible,
                str(c.get_status_display()),
                c.progress,
                "是" if c.overdue_at else "",
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


SLIPS_PER_ROW = 2
SLIP_ROWS_PER_PAGE = 4
SLIP_TEXT_SIZE = Pt(10.5)


def slip_url(code: str, site: str) -> str:
    return f"{site.rstrip('/')}/wall/slip/?code={code}"


def slips_docx(*, org, codes: list[str], site: str) -> bytes:
    """评价凭条: eight slips per A4 page (GB/T 9704 page and fonts), each with the organisation, a QR code
    that opens its public commitments with the code filled in, the address and the code to type."""
    doc = _new_document()
    section = doc.sections[0]
    # Slips are cut apart: narrower margins than a 公文 so eight fit a page.
    section.top_margin = section.bottom_margin = Mm(12)
    section.left_margin = section.right_margin = Mm(12)
    per_page = SLIPS_PER_ROW * SLIP_ROWS_PER_PAGE
    address = f"{site.rstrip('/')}/wall/slip/"

    def line(p, text, font=BODY_FONT, size=SLIP_TEXT_SIZE, bold=None):
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        p.paragraph_format.first_line_indent = Pt(0)
        _font(p.add_run(text), font, size, bold=bold)
        return p

    for start in range(0, len(codes), per_page):
        if start:
            doc.add_page_break()
        chunk = codes[start : start + per_page]
        table = doc.add_table(rows=(len(chunk) + SLIPS_PER_ROW - 1) // SLIPS_PER_ROW, cols=SLIPS_PER_ROW)
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for i, code in enumerate(chunk):
            cell = table.cell(i // SLIPS_PER_ROW, i % SLIPS_PER_ROW)
            cell.width = Mm(90)
            line(cell.paragraphs[0], "评价凭条", HEADING_FONT, Pt(12)).paragraph_format.space_before = Pt(6)
            line(cell.add_paragraph(), org.name, size=Pt(10.5))
            qp = cell.add_paragraph()
            qp.alignment = WD_ALIGN_PARAGRAPH.CENTER
            qp.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            qp.paragraph_format.first_line_indent = Pt(0)
            qp.add_run().add_picture(io.BytesIO(qr.qr_png(slip_url(code, site), scale=4)), width=Mm(28))
            line(cell.add_paragraph(), f"凭条码：{slip_display(code)}", HEADING_FONT, Pt(12))
            line(cell.add_paragraph(), f"手机扫码，或打开 {address} 输入凭条码", size=Pt(8))
            note = line(cell.add_paragraph(), "本组织每项公开承诺可凭此条评价一次，不记名", size=Pt(8))
            note.paragraph_format.space_after = Pt(6)
    return to_bytes(doc)
