"""Files of a round: ballot-code slips (.docx with QR codes), results (.xlsx), 评议结果通报 (.docx) and
the public ballot file (JSON lines sorted by receipt). All figures come from results.round_results."""

import io
import json
from collections.abc import Iterator

import segno
from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.styles import Font

from pacesetter.core.codes import code_display
from pacesetter.documents import word

from .enums import Channel, RoundKind
from .models import Ballot, Round
from .results import TOTAL, RoundResults, round_results
from .selectors import ballot_form

SLIPS_PER_ROW = 2
SLIP_ROWS_PER_PAGE = 4


def _east_asian(doc, font="宋体", size=11):
    style = doc.styles["Normal"]
    style.font.name = font
    style.font.size = Pt(size)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), font)


def ballot_url(code: str, site: str) -> str:
    return f"{site.rstrip('/')}/e/{code_display(code)}/"


def slips_docx(round_: Round, group_name: str, codes: list[str], *, site: str) -> bytes:
    """Eight slips per A4 page, each with the round, the rater group, a QR code, the URL and the code.

    `site` is the address raters reach the site at (PACESETTER_SITE_URL, else the address of the request).
    """
    doc = Document()
    _east_asian(doc, size=10)
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.2))
    per_page = SLIPS_PER_ROW * SLIP_ROWS_PER_PAGE
    for start in range(0, len(codes), per_page):
        if start:
            doc.add_page_break()
        chunk = codes[start : start + per_page]
        rows = (len(chunk) + SLIPS_PER_ROW - 1) // SLIPS_PER_ROW
        table = doc.add_table(rows=rows, cols=SLIPS_PER_ROW)
        table.style = "Table Grid"
        for i, code in enumerate(chunk):
            cell = table.cell(i // SLIPS_PER_ROW, i % SLIPS_PER_ROW)
            cell.width = Cm(9.3)
            p = cell.paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = p.add_run(round_.name)
            run.bold = True
            cell.add_paragraph(f"评议人类别：{group_name}").alignment = WD_ALIGN_PARAGRAPH.CENTER
            png = io.BytesIO()
            segno.make(ballot_url(code, site), error="m").save(png, kind="png", scale=4, border=1)
            png.seek(0)
            qp = cell.add_paragraph()
            qp.alignment = WD_ALIGN_PARAGRAPH.CENTER
            qp.add_run().add_picture(png, width=Cm(3.2))
            cp = cell.add_paragraph()
            cp.alignment = WD_ALIGN_PARAGRAPH.CENTER
            crun = cp.add_run(f"评议码：{code_display(code)}")
            crun.bold = True
            crun.font.size = Pt(12)
            up = cell.add_paragraph(f"手机扫码，或打开 {site.rstrip('/')}/e/ 输入评议码")
            up.alignment = WD_ALIGN_PARAGRAPH.CENTER
            up.runs[0].font.size = Pt(8)
            note = cell.add_paragraph("本码仅可使用一次，投票不记名")
            note.alignment = WD_ALIGN_PARAGRAPH.CENTER
            note.runs[0].font.size = Pt(8)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _pct(v):
    return round(v, 1) if v is not None else None


def results_workbook(results: RoundResults) -> bytes:
    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    ws = wb.create_sheet("评议结果")
    head = [
        "同类排名",
        "评议对象",
        "行业",
        "样本数",
        "综合得分",
        "满意度(%)",
        "网上份数",
        "网上得分",
        "纸质份数",
        "纸质得分",
        "协助录入份数",
        "协助录入得分",
        "合计份数",
        "合计得分",
        "样本不足（权重已重新分配）",
        "满意度过低",
    ]
    assessment = results.round.kind == RoundKind.ASSESSMENT
    if assessment:
        head.append("考核等次")
    ws.append(head)
    for t in results.targets:
        web, paper, total = t.by_channel[Channel.WEB], t.by_channel[Channel.PAPER], t.by_channel[TOTAL]
        assisted = t.by_channel[Channel.ASSISTED]
        ws.append(
            [
                f"{t.rank}/{t.rank_of}" if t.rank else "",
                t.name,
                t.sector,
                t.sample,
                _pct(t.score),
                _pct(t.satisfaction),
                web.ballots,
                _pct(web.score),
                paper.ballots,
                _pct(paper.score),
                assisted.ballots,
                _pct(assisted.score),
                total.ballots,
                _pct(total.score),
                "、".join(t.dropped_groups),
                "满意度过低 — 需分析原因、整改提高" if t.low_satisfaction else "",
                *([t.get_grade_display()] if assessment else []),
            ]
        )
    detail = wb.create_sheet("分项明细")
    option_labels = [o.label for o in results.options]
    detail.append(
        [
            "评议对象",
            "评议主体",
            "权重(%)",
            "实际权重(%)",
            "份数",
            "评议内容",
            "平均分",
            "满意度(%)",
            *option_labels,
            "不了解",
        ]
    )
    for t in results.targets:
        for g in t.groups:
            if not g.shown:
                detail.append(
                    [t.name, g.name, g.weight, 0, g.ballots, f"样本不足（少于 {results.k} 份，不单独显示）"]
                )
                continue
            for q in g.questions:
                detail.append(
                    [
                        t.name,
                        g.name,
                        g.weight,
                        _pct(g.effective_weight),
                        g.ballots,
                        q.text,
                        _pct(q.mean),
                        _pct(q.satisfaction),
                        *[q.distribution[o.score] for o in results.options],
                        q.dont_know,
                    ]
                )
    part = wb.create_sheet("参与情况")
    part.append(["评议主体", "方式", "权重(%)", "发放/应参评", "已参评", "参与率(%)"])
    for p in results.participation:
        part.append([p.name, p.mode, p.weight, p.issued, p.took_part, _pct(p.rate)])
    for sheet in (ws, detail, part):
        sheet.freeze_panes = "A2"
    del bold
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def report_docx(results: RoundResults) -> bytes:
    """评议结果通报 on the shared GB/T 9704 helpers: A4, red issuer mark and rule, title, body in
    仿宋_GB2312, the results table, 成文日期 and the 版记 (imprint) block."""
    round_ = results.round
    issuer = round_.organisation.name
    today = timezone.localdate()
    doc = word.new_document()
    doc.core_properties.title = f"关于{round_.name}结果的通报"
    word.add_issuer_mark(doc, issuer)
    word.add_doc_number(doc, "")
    word.add_title(doc, f"关于{round_.name}结果的通报")
    word.add_paragraph(
        doc,
        f"根据创先争优活动安排，{issuer}组织开展了{round_.get_kind_display()}。"
        f"本次评议共收回有效测评表 {round_.ballot_count} 份。各评议主体少于 {results.k} 份的，"
        "不单独统计，其权重按比例分配给其他评议主体。现将结果通报如下：",
    )
    rows = []
    for t in sorted(results.targets, key=lambda t: (t.sector, t.rank or 10**6)):
        notes = [f"考核等次：{t.get_grade_display()}"] if t.grade else []
        if t.dropped_groups:
            notes.append("样本不足：" + "、".join(t.dropped_groups))
        if t.low_satisfaction:
            notes.append("满意度过低 — 需分析原因、整改提高")
        rows.append(
            (
                f"{t.rank}/{t.rank_of}" if t.rank else "—",
                t.name,
                str(t.sample),
                f"{t.score:.1f}" if t.score is not None else "样本不足",
                f"{t.satisfaction:.1f}" if t.satisfaction is not None else "—",
                "；".join(notes),
            )
        )
    word.add_table(doc, ("排名", "评议对象", "样本数", "综合得分", "满意度(%)", "说明"), rows)
    low = [t for t in results.targets if t.low_satisfaction]
    if low:
        word.add_paragraph(
            doc,
            f"满意度低于 {round_.satisfaction_threshold}% 的单位："
            + "、".join(t.name for t in low)
            + "。请上述单位认真分析原因，制定整改措施，限期报送整改情况。",
        )
    if round_.digest:
        word.add_paragraph(doc, f"全部回执汇总摘要（SHA-256）：{round_.digest}")
    word.add_signature_date(doc, word.cn_date(today), issuer=issuer)
    word.add_imprint(doc, issuer, word.cn_date(today))
    return word.to_bytes(doc)


def ballot_file_lines(round_: Round) -> Iterator[str]:
    """The public ballot file: a header line, then one line per sheet in receipt order.

    It hides exactly what the results page hides (one rule, from results.round_results): the answers
    of a target × rater group cell under k become "*" (such a sheet is still in the digest, but its
    receipt cannot be recomputed from the file), and a sheet's channel becomes "*" when its group is
    left out of the channel split. Every figure the results page shows can be
    recomputed from the rest.
    """
    results = round_results(round_)
    form = ballot_form(round_)
    hidden_cells = {(t.target_id, g.group_id) for t in results.targets for g in t.groups if not g.shown}
    hidden_channel = {g.id for g in form.groups if g.name in results.channel_withheld}
    header = {
        "type": "round",
        "round": round_.pk,
        "name": round_.name,
        "k": round_.k_min,
        "digest": round_.digest,
        "sheets": round_.ballot_count,
        "scale": {str(o.score): o.label for o in form.options},
        "dont_know": None,
        "hidden": "*",
        "questions": [[q.position, q.text, q.weight] for q in form.questions],
        "targets": [[t.id, t.name, t.sector] for t in form.targets],
        "groups": [[g.id, g.name, g.weight] for g in form.groups],
    }
    yield json.dumps(header, ensure_ascii=False) + "\n"
    columns = [f"a{q.position}" for q in form.questions]
    rows = (
        Ballot.objects.filter(round=round_)
        .order_by("sheet__receipt", "target_id")
        .values_list(
            "sheet__receipt", "sheet__nonce", "sheet__group_id", "sheet__channel", "target_id", *columns
        )
        .iterator(chunk_size=5000)
    )
    current, line = None, None
    for receipt, nonce, group_id, channel, target_id, *answers in rows:
        if receipt != current:
            if line is not None:
                yield json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n"
            current = receipt
            line = {
                "receipt": receipt,
                "nonce": nonce,
                "group": group_id,
                "channel": "*" if group_id in hidden_channel else channel,
                "round": round_.pk,
                "ballots": [],
            }
        line["ballots"].append([target_id, "*" if (target_id, group_id) in hidden_cells else list(answers)])
    if line is not None:
        yield json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n"
