"""The documents of a commendation: the 公示 notice, the 表彰决定 (GB/T 9704, list grouped by category) and
the certificates (one A4 landscape page per honoree, each with its number and a QR code to its honour-roll entry)."""

from typing import Any

from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Mm, Pt, RGBColor

from pacesetter.documents.qr import qr_png
from pacesetter.documents.word import (
    BODY_FONT,
    RED,
    TITLE_FONT,
    add_doc_number,
    add_imprint,
    add_issuer_mark,
    add_paragraph,
    add_picture_png,
    add_signature_date,
    add_table,
    add_title,
    cn_date,
    new_document,
    set_font,
    to_bytes,
)

from .models import Decision, Programme


def _grouped(nominations):
    groups: dict[str, list] = {}
    for n in nominations:
        groups.setdefault(n.category.name, []).append(n)
    return groups


def notice_docx(programme: Programme, nominations) -> bytes:
    """公示: name, gender, organisation with its parent, post and a short deed — never 身份证号, phone or
    birth date — the period and where to object."""
    starts, ends = programme.notice_starts_on, programme.notice_ends_on
    if starts is None or ends is None:
        raise ValueError("the notice has not started")
    doc: Any = new_document()
    add_title(doc, f"关于{programme.title}拟表彰对象的公示")
    add_paragraph(
        doc,
        f"根据评选工作安排，经各级党组织推荐、逐级审核，{programme.issuer_name}确定了{programme.title}拟表彰对象，"
        f"现予以公示。公示期为 {cn_date(starts)}至{cn_date(ends)}"
        "（截止当日 24 时）。公示期间，对公示对象有异议的，可通过公示页面或扫描二维码实名或匿名反映，"
        "实名反映的将予以答复。反映问题要实事求是、具体清楚。",
    )
    for name, rows in _grouped(nominations).items():
        add_paragraph(doc, f"{name}（{len(rows)}名）", indent=False, bold=True)
        add_table(
            doc,
            ("序号", "姓名/名称", "性别", "所在单位", "职务", "主要事迹"),
            [
                (str(i), n.display_name, n.gender or "—", n.org_label, n.post or "—", n.summary)
                for i, n in enumerate(rows, 1)
            ],
            size_pt=10.5,
        )
    add_signature_date(doc, cn_date(starts), issuer=programme.issuer_name)
    return to_bytes(doc)


def decision_docx(decision: Decision, honours) -> bytes:
    programme = decision.programme
    doc: Any = new_document()
    add_issuer_mark(doc, f"{programme.issuer_name}文件")
    add_doc_number(doc, decision.number)
    add_title(doc, decision.title)
    add_paragraph(doc, "各级党组织：", indent=False)
    total = len(honours)
    lead = (
        f"{programme.title}评选工作开展以来，各级党组织认真组织推荐，坚持标准、好中选优，注重工作实绩和群众公认度，"
        f"推荐对象经群众推荐、逐级审核并向社会公示无异议。为表彰先进、树立典型，{programme.issuer_name}决定，"
        f"授予以下 {total} 个（名）先进集体和先进个人相应荣誉称号。"
    )
    if decision.supplementary:
        lead = (
            f"{programme.title}部分拟表彰对象在公示期间收到的异议，经核查已了结。{programme.issuer_name}决定，"
            f"补充授予以下 {total} 个（名）对象相应荣誉称号。"
        )
    add_paragraph(doc, lead)
    add_paragraph(
        doc,
        "希望受表彰的先进集体和个人珍惜荣誉、再接再厉；各级党组织和广大党员要以先进为榜样，"
        "深入开展创先争优活动，创建先进基层党组织、争当优秀共产党员。",
    )
    groups: dict[str, list] = {}
    for h in honours:
        groups.setdefault(h.title, []).append(h)
    for title, rows in groups.items():
        add_paragraph(doc, f"{title}（{len(rows)}名）", indent=False, bold=True)
        add_table(
            doc,
            ("序号", "姓名/名称", "所在单位", "证书编号"),
            [(str(i), h.display_name, h.org_label, h.certificate_no) for i, h in enumerate(rows, 1)],
            size_pt=10.5,
        )
    add_signature_date(doc, cn_date(decision.issued_on), issuer=programme.issuer_name)
    add_imprint(doc, programme.issuer_name, cn_date(decision.issued_on))
    return to_bytes(doc)


def certificates_docx(honours, *, url_for) -> bytes:
    """One page per honoree: 荣誉证书, the name, the honour, the issuer and date, the number and a QR code
    that opens the honour-roll entry (`url_for(honour)` gives the absolute address)."""
    doc: Any = new_document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin = section.right_margin = Mm(25)
    for i, h in enumerate(honours):
        programme = h.decision.programme
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.line_spacing = Pt(60)
        run = p.add_run("荣 誉 证 书")
        set_font(run, TITLE_FONT, 40)
        run.font.color.rgb = RGBColor.from_string(RED)
        p = doc.add_paragraph()
        p.paragraph_format.space_before = Pt(18)
        # groups: a 群团成员 is named with their mass organisation as the unit (selected with the honours)
        mass_member = h.nomination.subject_mass_member
        unit = f"{mass_member.mass_org.name}　" if mass_member is not None else ""
        set_font(p.add_run(f"{unit}{h.display_name}："), BODY_FONT, 22)
        p = doc.add_paragraph()
        p.paragraph_format.first_line_indent = Pt(44)
        p.paragraph_format.line_spacing = Pt(40)
        set_font(p.add_run(f"在{programme.title}中，被评为"), BODY_FONT, 22)
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.line_spacing = Pt(48)
        set_font(p.add_run(f"{h.title}"), TITLE_FONT, 30)
        add_paragraph(doc, "特发此证，以资鼓励。", indent=True)
        add_signature_date(doc, cn_date(h.decision.issued_on), issuer=programme.issuer_name)
        add_picture_png(doc, qr_png(url_for(h), scale=4), 25, center=False)
        p = doc.add_paragraph()
        p.paragraph_format.line_spacing = Pt(16)
        set_font(p.add_run(f"证书编号：{h.certificate_no}　扫码查验"), BODY_FONT, 10)
        if i < len(honours) - 1:
            doc.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
    return to_bytes(doc)
