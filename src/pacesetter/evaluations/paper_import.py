"""Batch entry of paper ballots (纸质测评表) from an Excel file: the template, and an all-or-nothing import.

A clerk types a stack of paper sheets into the template, one row per target, every row carrying the
sheet's ballot code, and uploads it once. The whole file is checked before anything is written; every
problem is reported with its Excel row and column. A clean file is stored in ONE transaction through the
same `ballot_cast_code` as single paper entry, so a code spent meanwhile rolls all of it back.
Ballot codes are read, hashed and compared, never stored or logged.
"""

import io
from collections.abc import Iterator
from dataclasses import dataclass, field

import openpyxl
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from pacesetter.core import codes as codebook
from pacesetter.core.audit import audit_log
from pacesetter.core.errors import ApplicationError, PermissionDeniedError
from pacesetter.documents.sheets import add_dropdown

from . import services
from .enums import DONT_KNOW, Channel
from .errors import RoundNotOpenError
from .models import Round
from .rules import can_enter_paper_ballots
from .selectors import BallotForm, FormTarget, ballot_form

MAX_BYTES = 5 * 1024 * 1024
MAX_SHEETS = 2000
MAX_REPORTED_ERRORS = 500
HEADER_SEARCH_ROWS = 5
TEMPLATE_BLOCKS = 10
# Dropdowns reach well below the pre-filled rows, for clerks who paste more blocks underneath.
VALIDATION_ROWS = 5000

SHEET_TITLE = "纸质测评表"
GUIDE_TITLE = "说明"
LISTS_TITLE = "选项"
CODE_HEADING = "评议码"
TARGET_HEADING = "评议对象"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class PaperImportReport:
    """What an upload did: `ok` means every sheet was stored; otherwise nothing was, and `errors` say why.

    `sheets` is the number of sheets (distinct codes) found in the file. Each error is
    {row, column, value, reason}; row is the Excel row number, or None for the file as a whole.
    """

    ok: bool
    sheets: int
    errors: list[dict] = field(default_factory=list)


@dataclass
class _Sheet:
    code: str  # normalised
    typed: str  # as written on its first row, for the report
    first_row: int
    answers: dict = field(default_factory=dict)  # {target_id: {position: score | "dk"}}
    rows: dict = field(default_factory=dict)  # {target_id: row}


class _SheetRefused(Exception):
    def __init__(self, sheet: _Sheet, error: ApplicationError):
        super().__init__(str(error.message))
        self.sheet, self.error = sheet, error


def _cell_text(value) -> str:
    """A cell as trimmed text; whole numbers without “.0” (Excel stores 100 as 100.0)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _error(row: int | None, column: str, value, reason) -> dict:
    return {"row": row, "column": column, "value": _cell_text(value), "reason": str(reason)}


def target_labels(form: BallotForm) -> list[tuple[str, FormTarget]]:
    """The name each target goes by in the file; namesakes (two members called 张伟) get “（2）” etc."""
    counts: dict[str, int] = {}
    for t in form.targets:
        counts[t.name] = counts.get(t.name, 0) + 1
    seen: dict[str, int] = {}
    labels = []
    for t in form.targets:
        if counts[t.name] == 1:
            labels.append((t.name, t))
        else:
            seen[t.name] = seen.get(t.name, 0) + 1
            labels.append((f"{t.name}（{seen[t.name]}）", t))
    return labels


def _answer_choices(form: BallotForm) -> dict[str, int | str]:
    """What a cell may say: an option label, its score, or 不了解 / dk."""
    choices: dict[str, int | str] = {}
    for o in form.options:
        choices[o.label] = o.score
        choices[str(o.score)] = o.score
    choices[DONT_KNOW] = "dk"
    choices["dk"] = "dk"
    return choices


# --------------------------------------------------------------------------------------------------
# The template


def paper_template_xlsx(round_: Round) -> bytes:
    """The workbook to type paper sheets into: 10 blank sheets pre-filled with the target names, dropdowns."""
    form = ballot_form(round_)
    labels = [label for label, _t in target_labels(form)]
    answers = [o.label for o in form.options] + [DONT_KNOW]
    headings = [CODE_HEADING, TARGET_HEADING, *(q.text for q in form.questions)]
    last_col = get_column_letter(len(headings))

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
    ws.append(
        [_("%(name)s · 纸质测评表录入（每份测评表占一组行，每一行都要填写评议码）") % {"name": round_.name}]
    )
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headings))
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(headings)
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="FDE9E7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    shade = PatternFill("solid", fgColor="F2F2F2")
    for block in range(TEMPLATE_BLOCKS):
        for label in labels:
            ws.append([None, label, *([None] * len(form.questions))])
            if block % 2:  # alternate blocks shaded, so each paper sheet stands out
                for cell in ws[ws.max_row]:
                    cell.fill = shade
            ws.cell(row=ws.max_row, column=1).number_format = "@"
    last_row = max(ws.max_row, VALIDATION_ROWS)

    # The lists live on a hidden sheet: an inline list is limited to 255 characters, too few for targets.
    lists = wb.create_sheet(LISTS_TITLE)
    for i, label in enumerate(answers, 1):
        lists.cell(row=i, column=1, value=label)
    for i, label in enumerate(labels, 1):
        lists.cell(row=i, column=2, value=label)
    lists.sheet_state = "hidden"
    add_dropdown(
        ws,
        f"'{LISTS_TITLE}'!$A$1:$A${len(answers)}",
        f"C3:{last_col}{last_row}",
        error_title=_("不是列表中的选项"),
        error=_("请从下拉列表选择：%(options)s") % {"options": "、".join(answers)},
    )
    add_dropdown(
        ws,
        f"'{LISTS_TITLE}'!$B$1:$B${len(labels)}",
        f"B3:B{last_row}",
        error_title=_("不是本次评议的对象"),
        error=_("请从下拉列表选择评议对象"),
    )
    ws.freeze_panes = "C3"
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["A"].number_format = "@"
    ws.column_dimensions["B"].width = max(16, min(40, max((len(label) * 2 for label in labels), default=16)))
    for idx in range(3, len(headings) + 1):
        ws.column_dimensions[get_column_letter(idx)].width = 14
    ws.row_dimensions[2].height = 36

    guide = wb.create_sheet(GUIDE_TITLE, 1)
    scores = "、".join(f"{o.label}（{o.score}）" for o in form.options)
    notes = [
        _("纸质测评表批量录入说明 — %(name)s") % {"name": round_.name},
        "",
        _(
            "1. 每份纸质测评表占一组行：每个评议对象一行。每一行都要填写这份测评表纸条上的评议码（可复制到同组各行）。"
        ),
        _("2. 评议码照纸条抄写，带不带短横线都可以，不分大小写。"),
        _("3. 答案从下拉列表选择：%(options)s。也可以填分数：%(scores)s。")
        % {"options": "、".join(answers), "scores": scores},
        _("4. 每一项都要填写；测评表上没有勾选的，请填“不了解”。"),
        _(
            "5. 评议对象请从下拉列表选择，不要改名称。模板预留了 %(n)d 份测评表的行，不够时可整组复制粘贴到下面；"
        )
        % {"n": TEMPLATE_BLOCKS}
        + _("没用到的行（只有评议对象、没有评议码和答案）上传时会被忽略。"),
        _(
            "6. 上传时先检查整个文件：只要有一处错误，就一份也不保存，并列出每处错误所在的行和列。改正后重新上传整个文件即可。"
        ),
        _("7. 一个文件最多 %(n)d 份测评表，不超过 5 MB。评议内容如有调整，请重新下载模板。")
        % {"n": MAX_SHEETS},
    ]
    for note in notes:
        guide.append([note])
    guide["A1"].font = Font(bold=True, size=13)
    guide.column_dimensions["A"].width = 120

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------------------------------
# Reading the file


class _TooBig(Exception):
    pass


def _find_header(wb) -> tuple[object, int, dict[str, int]] | None:
    """The sheet, row and column positions of the first header row (a cell “评议码” in the first rows)."""
    for ws in wb.worksheets:
        if ws.title in (GUIDE_TITLE, LISTS_TITLE):
            continue
        for rownum, values in enumerate(ws.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True), 1):
            texts = [_cell_text(v) for v in values]
            if CODE_HEADING in texts:
                columns: dict[str, int] = {}
                for idx, text in enumerate(texts):
                    if text and text not in columns:
                        columns[text] = idx
                return ws, rownum, columns
    return None


def _rows(ws, header_row: int, width: int) -> Iterator[tuple[int, tuple]]:
    for rownum, values in enumerate(
        ws.iter_rows(min_row=header_row + 1, max_col=width, values_only=True), header_row + 1
    ):
        yield rownum, tuple(values) + (None,) * (width - len(values))


def _read(content: bytes, form: BallotForm) -> tuple[list[_Sheet], list[dict]]:
    """Sheets in file order and every problem found in the cells; raises _TooBig past the limits."""
    try:
        wb = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # BadZipFile, InvalidFileException, KeyError from a damaged package...
        return [], [_error(None, "", "", _("无法读取该文件，请上传用模板填写的 Excel .xlsx 文件"))]
    try:
        return _read_workbook(wb, form)
    finally:
        wb.close()


def _read_workbook(wb, form: BallotForm) -> tuple[list[_Sheet], list[dict]]:
    found = _find_header(wb)
    if found is None:
        return [], [
            _error(None, "", "", _("找不到表头：前 %(n)d 行中没有“评议码”一列") % {"n": HEADER_SEARCH_ROWS})
        ]
    ws, header_row, columns = found
    needed = [CODE_HEADING, TARGET_HEADING, *(q.text for q in form.questions)]
    missing = [h for h in needed if h not in columns]
    if missing:
        return [], [_error(header_row, h, "", _("缺少这一列；请使用本次评议的最新模板")) for h in missing]
    code_col, target_col = columns[CODE_HEADING], columns[TARGET_HEADING]
    question_cols = [(q, columns[q.text]) for q in form.questions]
    width = max(columns[h] for h in needed) + 1
    targets = {label: t for label, t in target_labels(form)}
    choices = _answer_choices(form)
    choice_list = "、".join([o.label for o in form.options] + [DONT_KNOW])
    max_rows = MAX_SHEETS * len(form.targets)

    sheets: dict[str, _Sheet] = {}
    errors: list[dict] = []
    used_rows = 0
    for rownum, values in _rows(ws, header_row, width):
        typed = _cell_text(values[code_col])
        cells = [(q, _cell_text(values[idx])) for q, idx in question_cols]
        if not typed and not any(text for _q, text in cells):
            continue  # a pre-filled row of the template that was not used
        used_rows += 1
        if used_rows > max_rows:
            raise _TooBig()
        name = _cell_text(values[target_col])
        target = targets.get(name)
        if not typed:
            errors.append(
                _error(rownum, CODE_HEADING, "", _("未填写评议码（每一行都要填写这份测评表的评议码）"))
            )
        if not name:
            errors.append(_error(rownum, TARGET_HEADING, "", _("未填写评议对象")))
        elif target is None:
            errors.append(_error(rownum, TARGET_HEADING, name, _("不是本次评议的对象，请从下拉列表选择")))
        row_answers = {}
        for q, text in cells:
            if not text:
                errors.append(_error(rownum, q.text, "", _("未填写，可填“不了解”")))
                continue
            answer = choices.get(text, choices.get(text.lower()))
            if answer is None:
                errors.append(
                    _error(
                        rownum, q.text, text, _("不是有效选项，可填：%(options)s") % {"options": choice_list}
                    )
                )
                continue
            row_answers[q.position] = answer
        if not typed:
            continue
        code = codebook.code_normalise(typed)
        sheet = sheets.get(code)
        if sheet is None:
            if len(sheets) >= MAX_SHEETS:
                raise _TooBig()
            sheet = sheets[code] = _Sheet(code=code, typed=typed, first_row=rownum)
        if target is None:
            continue
        if target.id in sheet.rows:
            errors.append(
                _error(
                    rownum,
                    TARGET_HEADING,
                    name,
                    _("同一评议码已在第 %(row)d 行填写过该对象") % {"row": sheet.rows[target.id]},
                )
            )
            continue
        sheet.rows[target.id] = rownum
        sheet.answers[target.id] = row_answers

    for sheet in sheets.values():
        if not codebook.code_is_well_formed(sheet.code):
            errors.append(
                _error(
                    sheet.first_row,
                    CODE_HEADING,
                    sheet.typed,
                    _("评议码格式不对：应为 12 位字母和数字，如 ABCD-EFGH-JKMN"),
                )
            )
        absent = [label for label, t in targets.items() if t.id not in sheet.rows]
        if absent:
            errors.append(
                _error(
                    sheet.first_row,
                    CODE_HEADING,
                    sheet.typed,
                    _("这份测评表缺少以下评议对象：%(names)s") % {"names": "、".join(absent)},
                )
            )
    return list(sheets.values()), errors


def _check_codes(sheets: list[_Sheet], round_: Round, client: str) -> list[dict]:
    """Every well-formed code asked of the public-ballot rules at once (services.codes_refusals)."""
    by_hash = {codebook.code_hash(s.code): s for s in sheets if codebook.code_is_well_formed(s.code)}
    if not by_hash:
        return []
    refusals = services.codes_refusals(list(by_hash), round_=round_, client=client)
    return [
        _error(by_hash[h].first_row, CODE_HEADING, by_hash[h].typed, str(refusal.message))
        for h, refusal in refusals.items()
    ]


# --------------------------------------------------------------------------------------------------
# The import


def _refused(sheets: int, errors: list[dict]) -> PaperImportReport:
    errors = sorted(errors, key=lambda e: e["row"] or 0)
    if len(errors) > MAX_REPORTED_ERRORS:
        extra = len(errors) - MAX_REPORTED_ERRORS
        errors = errors[:MAX_REPORTED_ERRORS] + [
            _error(None, "", "", _("另有 %(n)d 处错误未列出，请先改正以上错误") % {"n": extra})
        ]
    return PaperImportReport(ok=False, sheets=sheets, errors=errors)


def paper_import(*, actor, round_: Round, content: bytes) -> PaperImportReport:
    """Store every sheet of an uploaded file, or none: refusals come back in the report, row by row."""
    if not can_enter_paper_ballots(actor, round_):
        raise PermissionDeniedError()
    client = f"user:{actor.pk}"
    services.code_attempts_check(client)
    if len(content) > MAX_BYTES:
        return _refused(0, [_error(None, "", "", _("文件超过 5 MB，请分成几个文件上传"))])
    try:
        services.require_accepting(round_)
    except RoundNotOpenError as exc:
        return _refused(0, [_error(None, "", "", str(exc.message))])
    form = ballot_form(round_)
    try:
        sheets, errors = _read(content, form)
    except _TooBig:
        return _refused(
            0,
            [_error(None, "", "", _("一个文件最多 %(n)d 份测评表，请分成几个文件上传") % {"n": MAX_SHEETS})],
        )
    if not sheets and not errors:
        return _refused(0, [_error(None, "", "", _("文件中没有填写任何测评表"))])
    # Outside any transaction: failed code attempts must stay counted whatever happens next.
    errors += _check_codes(sheets, round_, client)
    if errors:
        return _refused(len(sheets), errors)
    return _store(actor=actor, round_=round_, sheets=sheets, client=client)


def _store(*, actor, round_: Round, sheets: list[_Sheet], client: str) -> PaperImportReport:
    try:
        with transaction.atomic():
            for sheet in sheets:
                try:
                    services.ballot_cast_code(
                        code=sheet.code,
                        answers=sheet.answers,
                        channel=Channel.PAPER,
                        entered_by=actor,
                        client=client,
                        round_=round_,
                    )
                except ApplicationError as exc:
                    # Leaving the atomic block rolls back every sheet stored before this one.
                    raise _SheetRefused(sheet, exc) from exc
            audit_log(
                actor=actor,
                action="evaluation.paper.import",
                obj=round_,
                scope_path=round_.organisation.path,
                extra={"sheets": len(sheets)},
            )
    except _SheetRefused as refused:
        return _refused(
            len(sheets),
            [
                _error(
                    refused.sheet.first_row,
                    CODE_HEADING,
                    refused.sheet.typed,
                    _("%(reason)s（检查之后刚刚发生变化），未保存任何内容")
                    % {"reason": refused.error.message},
                )
            ],
        )
    return PaperImportReport(ok=True, sheets=len(sheets), errors=[])
