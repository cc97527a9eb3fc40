"""python-docx helpers for documents in the layout of GB/T 9704-2012 (党政机关公文格式).

Fonts are named as Word on the users' PCs has them (方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312); the
East Asian font must be set through w:eastAsia or Word falls back to a Latin font for Chinese text.
"""

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"


def set_font(run_or_style, name: str, size_pt: float | None = None, bold: bool | None = None) -> None:
    font = run_or_style.font
    font.name = name
    if size_pt is not None:
        font.size = Pt(size_pt)
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
    p = doc.add_paragraph()
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
