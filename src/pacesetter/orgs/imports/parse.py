"""Reading an uploaded workbook and parsing each row into plain values, with row-level errors."""

import datetime
import io
from dataclasses import dataclass
from typing import Any

import openpyxl
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.core.errors import ValidationError

from ..enums import MEMBER_STATUS_ALIASES, ORG_TYPE_ALIASES, SECTOR_ALIASES, OrgType, Sector
from ..models import (
    ImportBatch,
)
from ..validation import check_id_number, check_phone, id_number_birth_date, parse_date
from .columns import (
    _CJK,
    _SPACES,
    GENDERS,
    GUIDE_TITLE,
    HEADING_SEARCH_ROWS,
    MEMBER_COLUMNS,
    ORG_COLUMNS,
    _error,
    _heading_lookup,
    _iso,
    _norm_heading,
    _text,
)

# --------------------------------------------------------------------------------------------------
# Reading the workbook


@dataclass
class _Sheet:
    ws: Any  # an openpyxl worksheet (read-only mode)
    title: str
    heading_row: int
    columns: dict[str, int]  # key -> 0-based column index
    headings: dict[str, str]  # key -> heading as written in the file
    ignored: list[str]
    estimate: int


def _open_workbook(content: bytes):
    try:
        return openpyxl.load_workbook(io.BytesIO(bytes(content)), read_only=True, data_only=True)
    except Exception as exc:  # BadZipFile, InvalidFileException, KeyError from a damaged package...
        raise ValidationError(
            _("无法读取该文件，请确认它是 Excel .xlsx 文件（旧版 .xls 请先在 Excel 中另存为 .xlsx）"),
            field="file",
        ) from exc


def _find_sheet(wb, kind: str) -> _Sheet | None:
    """The first sheet with a heading row (≥ 2 known headings) among its first rows."""
    lookup = _heading_lookup(kind)
    for ws in wb.worksheets:
        if ws.title == GUIDE_TITLE:
            continue
        rows = ws.iter_rows(min_row=1, max_row=HEADING_SEARCH_ROWS, values_only=True)
        for rownum, values in enumerate(rows, 1):
            keys = {lookup.get(_norm_heading(v)) for v in values} - {None}
            if len(keys) < 2:
                continue
            columns, headings, ignored = {}, {}, []
            for idx, v in enumerate(values):
                key, text = lookup.get(_norm_heading(v)), _text(v)
                if key and key not in columns:
                    columns[key], headings[key] = idx, text
                elif text:
                    ignored.append(text)
            estimate = max((ws.max_row or 0) - rownum, 0)
            return _Sheet(ws, ws.title, rownum, columns, headings, ignored, estimate)
    return None


def import_file_row_count(content: bytes, kind: str) -> int:
    """About how many data rows the upload holds (from the sheet's dimension); raises if unreadable."""
    wb = _open_workbook(content)
    try:
        sheet = _find_sheet(wb, kind)
        return sheet.estimate if sheet else 0
    finally:
        wb.close()


class _Progress:
    """Writes ImportBatch.progress when it has moved by at least 2 points (not on every row)."""

    def __init__(self, batch_id: int, start: int = 0, end: int = 100):
        self.batch_id, self.start, self.end, self.last = batch_id, start, end, -100

    def __call__(self, done: int, total: int) -> None:
        pct = self.start + int((self.end - self.start) * min(done, total) / total) if total else self.end
        if pct - self.last >= 2:
            self.last = pct
            ImportBatch.objects.filter(pk=self.batch_id).update(progress=min(pct, 99))


def _noop_progress(done: int, total: int) -> None:
    return None


# --------------------------------------------------------------------------------------------------
# Cell-level parsing of one row


def _parse_date_cell(raw, heading, rownum, errors) -> tuple[datetime.date | None, bool]:
    try:
        value = parse_date(raw.strip() if isinstance(raw, str) else raw)
    except (ValueError, OverflowError):
        errors.append(
            _error(rownum, heading, raw, _("无法识别的日期，请写成 1980-05-17、1980/5/17 或 1980年5月17日"))
        )
        return None, False
    if value and not (datetime.date(1900, 1, 1) <= value <= timezone.localdate()):
        errors.append(_error(rownum, heading, raw, _("日期不在合理范围内（1900年至今天）")))
        return None, False
    return value, True


def _parse_member_row(rownum: int, values: tuple, sheet: _Sheet, errors: list) -> dict | None:
    h = {c.key: sheet.headings.get(c.key, c.heading) for c in MEMBER_COLUMNS}
    raw = {key: (values[idx] if idx < len(values) else None) for key, idx in sheet.columns.items()}
    if all(_text(v) == "" for v in raw.values()):
        return None
    start = len(errors)

    name = _text(raw.get("name"))
    if _CJK.search(name):
        name = _SPACES.sub("", name)  # 张　三 padded to three characters in many rosters
    if not name:
        errors.append(_error(rownum, h["name"], "", _("姓名不能为空")))
    elif len(name) > 50:
        errors.append(_error(rownum, h["name"], name, _("姓名不能超过50个字")))

    gender_text = _text(raw.get("gender"))
    gender = GENDERS.get(gender_text)
    if not gender_text:
        errors.append(_error(rownum, h["gender"], "", _("性别不能为空")))
    elif gender is None:
        errors.append(_error(rownum, h["gender"], gender_text, _("性别只能填“男”或“女”")))

    ethnicity = _text(raw.get("ethnicity")) or None
    if ethnicity and len(ethnicity) > 20:
        errors.append(_error(rownum, h["ethnicity"], ethnicity, _("民族不能超过20个字")))

    birth, birth_ok = _parse_date_cell(raw.get("birth_date"), h["birth_date"], rownum, errors)
    joined, _ok = _parse_date_cell(raw.get("joined_on"), h["joined_on"], rownum, errors)

    org_text = _text(raw.get("organisation"))
    if not org_text:
        errors.append(_error(rownum, h["organisation"], "", _("所在党组织不能为空")))

    post = _text(raw.get("post")) or None
    if post and len(post) > 100:
        errors.append(_error(rownum, h["post"], post, _("岗位不能超过100个字")))

    status_text = _text(raw.get("status"))
    status = MEMBER_STATUS_ALIASES.get(status_text) if status_text else None
    if status_text and status is None:
        errors.append(
            _error(rownum, h["status"], status_text, _("党员类别只能填“在职”“无职”“流动”或“年老体弱”"))
        )

    phone = _text(raw.get("phone")).replace(" ", "") or None
    if phone:
        if "*" in phone:
            errors.append(_error(rownum, h["phone"], phone, _("联系电话已脱敏（含 *），请填写完整号码")))
        elif problem := check_phone(phone):
            errors.append(_error(rownum, h["phone"], phone, problem))

    raw_id = raw.get("id_number")
    id_number = _text(raw_id).replace(" ", "").upper().replace("Ｘ", "X") or None
    if isinstance(raw_id, int | float) and not isinstance(raw_id, bool) and len(id_number or "") >= 15:
        errors.append(
            _error(
                rownum,
                h["id_number"],
                id_number,
                _("身份证号被 Excel 存成了数字，末尾几位可能已丢失；请把该列设为“文本”格式后重新填写"),
            )
        )
        id_number = None
    elif id_number and "*" in id_number:
        errors.append(
            _error(rownum, h["id_number"], id_number, _("身份证号已脱敏（含 *），请填写完整的身份证号"))
        )
        id_number = None
    elif problem := check_id_number(id_number or "", birth if birth_ok else None):
        errors.append(_error(rownum, h["id_number"], id_number, problem))
        id_number = None
    if id_number and birth is None and birth_ok:
        birth = id_number_birth_date(id_number)

    if birth and joined and joined < birth:
        errors.append(_error(rownum, h["joined_on"], raw.get("joined_on"), _("入党时间不能早于出生日期")))

    return {
        "r": rownum,
        "ok": len(errors) == start,
        "name": name,
        "gender": gender,
        "ethnicity": ethnicity,
        "birth_date": _iso(birth),
        "joined_on": _iso(joined),
        "org": org_text,
        "post": post,
        "status": status,
        "phone": phone,
        "id_number": id_number,
    }


def _parse_org_row(rownum: int, values: tuple, sheet: _Sheet, errors: list) -> dict | None:
    h = {c.key: sheet.headings.get(c.key, c.heading) for c in ORG_COLUMNS}
    raw = {key: (values[idx] if idx < len(values) else None) for key, idx in sheet.columns.items()}
    if all(_text(v) == "" for v in raw.values()):
        return None
    start = len(errors)
    name = _text(raw.get("name"))
    if not name:
        errors.append(_error(rownum, h["name"], "", _("组织名称不能为空")))
    elif len(name) > 120:
        errors.append(_error(rownum, h["name"], name, _("组织名称不能超过120个字")))
    elif "/" in name or "／" in name:
        errors.append(_error(rownum, h["name"], name, _("组织名称中不能有“/”")))
    type_text = _text(raw.get("org_type"))
    org_type = ORG_TYPE_ALIASES.get(type_text) or (type_text if type_text in OrgType.values else None)
    if not type_text:
        errors.append(_error(rownum, h["org_type"], "", _("组织类别不能为空")))
    elif org_type is None:
        errors.append(_error(rownum, h["org_type"], type_text, _("组织类别应为“党委”“党总支”或“党支部”")))
    sector_text = _text(raw.get("sector"))
    sector = SECTOR_ALIASES.get(sector_text) or (sector_text if sector_text in Sector.values else None)
    if not sector_text:
        errors.append(_error(rownum, h["sector"], "", _("所属行业不能为空")))
    elif sector is None:
        allowed = "、".join(str(label) for label in Sector.labels)
        errors.append(_error(rownum, h["sector"], sector_text, _("所属行业应为：%(v)s") % {"v": allowed}))
    return {
        "r": rownum,
        "ok": len(errors) == start,
        "name": name,
        "parent": _text(raw.get("parent")),
        "org_type": str(org_type) if org_type else None,
        "sector": str(sector) if sector else None,
    }
