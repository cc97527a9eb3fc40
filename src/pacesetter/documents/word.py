"""python-docx helpers for documents in the layout of GB/T 9704-2012 (党政机关公文格式).

Fonts are named as Word on the users' PCs has them (方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312); the
East Asian font must be set through w:eastAsia or Word falls back to a Latin font for Chinese text.
"""

import datetime
import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt, RGBColor

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"


def cn_date(day: datetime.date | datetime.datetime) -> str:
    """A date the way formal documents write it (GB/T 9704-2012 §7.3.5.1): 2026年1月5日, no leading zeros.

    The one date formatter of every generated document; a datetime is taken in the local time zone.
    """
    if isinstance(day, datetime.datetime):
        from django.utils import timezone

        day = timezone.localdate(day) if timezone.is_aware(day) else day.date()
    return f"{day.year}年{day.month}月{day.day}日"


def set_font(run_or_style, name: str, size_pt=None, bold: bool | None = None) -> None:
    """Latin and East Asian font of a run or style; `size_pt` in points or as a docx Length."""
    font = run_or_style.font
    font.name = name
    if size_pt is not None:
        font.size = size_pt if isinstance(size_pt, Length) else Pt(size_pt)
    if bold is not None:
        font.bold = bold
    element = run_or_style.element if hasattr(run_or_style, "element") else run_or_style._element
    rpr = element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        rfonts.set(qn(attr), name)


def new_document() -> Document:
    """A4, margins 37/35/28/26 mm, body 仿宋_GB2312 三号 (16 pt) with a fixed 28 pt line pitch."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    set_font(normal, BODY_FONT, 16)
    pf = normal.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(28)
    pf.space_before = pf.space_after = Pt(0)
    return doc


def add_title(doc, text: str, size_pt: float = 22):
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(14)
    p.paragraph_format.line_spacing = Pt(36)
    set_font(p.add_run(text), TITLE_FONT, size_pt)
    return p


def add_heading(doc, text: str, level: int = 1):
    p = doc.add_paragraph()
    set_font(p.add_run(text), HEADING_FONT if level == 1 else SUBHEADING_FONT, 16)
    return p


def add_paragraph(doc, text: str, *, indent: bool = True, align=None, bold: bool = False):
    p = doc.add_paragraph()
    if indent:
        p.paragraph_format.first_line_indent = Pt(32)  # two characters
    if align is not None:
        p.alignment = align
    set_font(p.add_run(text), BODY_FONT, 16, bold=bold or None)
    return p


def add_picture_png(doc, png: bytes, width_mm: float, *, center: bool = True):
    """A picture in a paragraph of its own whose line grows with it.

    Normal's line pitch is *exactly* 28 pt; a picture in a paragraph that inherits it is cut to a 28 pt
    strip by Word and LibreOffice (a QR code then no longer scans), so this paragraph uses single spacing.
    """
    p = doc.add_paragraph()
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run().add_picture(io.BytesIO(png), width=Mm(width_mm))
    return p


def to_bytes(doc) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---- GB/T 9704 parts of an official notice (通报): 版头 and 版记 -------------------------------------

RED = "FF0000"


def _border(paragraph, edge: str, color: str = RED, size_eighths: int = 12) -> None:
    """A rule above or below a paragraph (w:pBdr), the way the 版头 separator and 版记 lines are drawn."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = ppr.makeelement(qn("w:pBdr"), {})
        ppr.append(borders)
    line = borders.makeelement(
        qn(f"w:{edge}"),
        {qn("w:val"): "single", qn("w:sz"): str(size_eighths), qn("w:space"): "1", qn("w:color"): color},
    )
    borders.append(line)


def add_issuer_mark(doc, issuer: str, size_pt: float | None = None):
    """发文机关标志: the issuing body's name, red, centred, 方正小标宋简体; 36 pt, or 30 pt for a name of more
    than 12 characters (the type area, 156 mm, holds 12 characters at 36 pt and 14 at 30; a longer name wraps)."""
    size_pt = size_pt or (30 if len(issuer) > 12 else 36)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.line_spacing = Pt(size_pt + 12)
    p.paragraph_format.space_after = Pt(24)
    run = p.add_run(issuer)
    set_font(run, TITLE_FONT, size_pt)
    run.font.color.rgb = RGBColor.from_string(RED)
    return p


def add_doc_number(doc, number: str):
    """发文字号, centred under the mark, with the red separator line (版头中的分隔线) below it."""
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(28)
    set_font(p.add_run(number), BODY_FONT, 16)
    _border(p, "bottom", RED, 16)
    return p


def add_signature_date(doc, text: str, *, issuer: str = ""):
    """成文日期, right-aligned, four characters in from the right margin; `issuer` (发文机关署名) above it."""
    first = None
    for line in ([issuer] if issuer else []) + [text]:
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        p.paragraph_format.right_indent = Pt(64)
        if first is None:
            p.paragraph_format.space_before = Pt(28)
            first = p
        set_font(p.add_run(line), BODY_FONT, 16)
    return p


def add_signature_lines(doc, lines: list[str]) -> None:
    """落款 of a document that is no numbered notice (a pledge, a plan): after a blank line, each of `lines` (the
    signer, then the date) right-aligned four characters in from the right margin, in the body font (三号)."""
    doc.add_paragraph()
    for text in lines:
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        p.paragraph_format.right_indent = Pt(64)
        set_font(p.add_run(text), BODY_FONT, 16)


def add_table(doc, header: tuple[str, ...], rows, *, size_pt: float = 12):
    """A grid table for a formal document: header row in 黑体, cells in 仿宋_GB2312, `size_pt` points,
    single line spacing (Normal's fixed 28 pt pitch would crowd a table)."""
    from docx.enum.table import WD_TABLE_ALIGNMENT

    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER

    def fill(cell, text, font):
        cell.text = ""
        p = cell.paragraphs[0]
        p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        set_font(p.add_run(text), font, size_pt)

    for cell, text in zip(table.rows[0].cells, header, strict=True):
        fill(cell, text, HEADING_FONT)
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            fill(cell, text, BODY_FONT)
    return table


def add_imprint(doc, issuer: str, issued_on: str):
    """版记: 印发机关 left, 印发日期 right (“…印发”), 14 pt, between a thick first and last line."""
    p = doc.add_paragraph()
    p.paragraph_format.space_before = Pt(56)
    p.paragraph_format.left_indent = Pt(14)
    p.paragraph_format.right_indent = Pt(14)
    section = doc.sections[-1]
    width = section.page_width - section.left_margin - section.right_margin - Pt(28)
    p.paragraph_format.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)
    set_font(p.add_run(f"{issuer}\t{issued_on}印发"), BODY_FONT, 14)
    _border(p, "top", "000000", 8)
    _border(p, "bottom", "000000", 8)
    return p
