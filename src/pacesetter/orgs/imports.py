"""Excel (.xlsx) import and export of the organisation tree and the member roster (党员花名册).

An upload becomes an ImportBatch: the sheet is parsed and checked against the database (inline, or by
the worker for large files), the preview shows what would be created, updated, left unchanged or
rejected; confirmation re-checks against the current database and applies everything in one
transaction with bulk writes; the most recent confirmed batch can be rolled back while nothing it
created has been used since.
"""

import datetime
import io
import logging
import re
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import openpyxl
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max, ProtectedError, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.core.audit import audit_log
from pacesetter.core.errors import PermissionDeniedError, StateError, ValidationError
from pacesetter.core.pii import mask_id_number, mask_phone, pii_export_audit

from .enums import ORG_TYPE_ALIASES, SECTOR_ALIASES, Cap, Gender, OrgType, Sector
from .models import (
    SEGMENT,
    ImportBatch,
    ImportKind,
    ImportStatus,
    Liaison,
    Member,
    Organisation,
    RoleGrant,
    decode_segment,
    encode_segment,
)
from .selectors import import_batch_list_for, org_in_scope, scope_paths, scope_q, subtree_q
from .validation import check_id_number, check_phone, id_number_birth_date, parse_date

log = logging.getLogger(__name__)

GUIDE_TITLE = "填写说明"
HEADING_SEARCH_ROWS = 10
MAX_STORED_ERRORS = 5000
MAX_SAMPLES = 100
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --------------------------------------------------------------------------------------------------
# Columns


@dataclass(frozen=True)
class Column:
    key: str
    heading: str
    aliases: tuple[str, ...]
    required: bool
    help: str
    example: str


MEMBER_COLUMNS = (
    Column("name", "姓名", ("党员姓名",), True, "党员姓名，不超过50个字", "张三"),
    Column("gender", "性别", (), True, "填“男”或“女”", "男"),
    Column("ethnicity", "民族", (), False, "如“汉族”“回族”；新登记党员不填时记为汉族", "汉族"),
    Column(
        "birth_date",
        "出生日期",
        ("出生年月", "出生时间"),
        False,
        "如 1980-05-17、1980/5/17、1980年5月17日 或 Excel 日期；须与身份证号一致；不填时按身份证号取",
        "1980-05-17",
    ),
    Column(
        "joined_on",
        "入党时间",
        ("入党日期", "入党年月"),
        False,
        "写法同出生日期；只写年月（如 2005.07）时记为该月1日",
        "2005-07-01",
    ),
    Column(
        "organisation",
        "所在党组织",
        ("所在支部", "所属党组织", "所在党支部", "党组织名称", "所属支部", "所在党组织名称"),
        True,
        "系统中已有、在您管理范围内的党组织全称；有重名时写成“上级组织/组织名称”",
        "城厢区实验小学党支部",
    ),
    Column("post", "岗位", ("职务", "工作岗位"), False, "工作岗位或职务，不超过100个字", "教师"),
    Column(
        "phone",
        "联系电话",
        ("手机", "手机号", "手机号码", "电话", "联系方式"),
        False,
        "11位手机号，或带区号的固定电话（如 0594-1234567）",
        "13800138000",
    ),
    Column(
        "id_number",
        "身份证号",
        ("身份证号码", "公民身份号码", "身份证", "公民身份证号码"),
        True,
        "18位公民身份号码，最后一位可以是X；请把这一列设为“文本”格式，否则 Excel 会丢失末尾数字。"
        "系统按身份证号判断是新登记还是更新已有党员",
        "350102198005170012",
    ),
)

ORG_COLUMNS = (
    Column(
        "name",
        "组织名称",
        ("党组织名称", "组织全称", "党组织全称"),
        True,
        "党组织全称，不超过120个字；同一上级组织下不能重名",
        "城厢区第二中学党支部",
    ),
    Column(
        "parent",
        "上级组织",
        ("上级党组织", "上级组织名称", "上级党组织名称"),
        True,
        "系统中已有的组织，或本表中其他行的组织（顺序不限）；有重名时写成“上级组织/组织名称”",
        "城厢区委",
    ),
    Column(
        "org_type",
        "组织类别",
        ("组织类型", "类别", "党组织类别"),
        True,
        "党委、党总支 或 党支部（也可写 党工委、总支、支部 等）；党支部下不能再设下级组织",
        "党支部",
    ),
    Column(
        "sector",
        "所属行业",
        ("行业", "所属领域", "行业类别"),
        True,
        "机关、学校、医院、社区、村(居)、国有企业、非公企业、社会组织、离退休（也可写 国企、非公 等）",
        "学校",
    ),
)

COLUMNS = {ImportKind.MEMBERS: MEMBER_COLUMNS, ImportKind.ORGS: ORG_COLUMNS}
GENDERS = {"男": Gender.MALE, "女": Gender.FEMALE, "男性": Gender.MALE, "女性": Gender.FEMALE}
_HEADING_NOISE = re.compile(r"\s|[*＊]|[（(](必填|选填|可选)[)）]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_SPACES = re.compile(r"\s+")


def _norm_heading(value) -> str:
    return _HEADING_NOISE.sub("", str(value)) if value is not None else ""


def _heading_lookup(kind: str) -> dict[str, str]:
    return {_norm_heading(h): c.key for c in COLUMNS[kind] for h in (c.heading, *c.aliases)}


def _text(value) -> str:
    """A cell as trimmed text (str.strip also removes full-width and non-breaking spaces)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def _split_org_text(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"[/／]", text or "") if p.strip()]


def _chunks(items: list, size: int | None = None) -> Iterator[list]:
    size = size or min(connection.features.max_query_params or 5000, 5000) - 10
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _iso(d: datetime.date | None) -> str | None:
    return d.isoformat() if d else None


def _date(s: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(s) if s else None


def error_text(e: dict) -> str:
    """One report line: 第 7 行 ‘身份证号’ 值 ‘…’：why."""
    if not e.get("row"):
        return e["message"]
    if e.get("value") in (None, ""):
        return _("第 %(row)s 行 ‘%(col)s’：%(msg)s") % {
            "row": e["row"],
            "col": e["column"],
            "msg": e["message"],
        }
    return _("第 %(row)s 行 ‘%(col)s’ 值 ‘%(value)s’：%(msg)s") % {
        "row": e["row"],
        "col": e["column"],
        "value": e["value"],
        "msg": e["message"],
    }


def _error(row: int | None, column: str, value, message: str) -> dict:
    return {"row": row, "column": column, "value": _text(value), "message": str(message)}


# --------------------------------------------------------------------------------------------------
# Reading the workbook


@dataclass
class _Sheet:
    ws: object
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


# --------------------------------------------------------------------------------------------------
# Planning against the database (run at preview and again at confirmation)


@dataclass
class _Plan:
    actions: list[str] = field(default_factory=list)  # per row: create / update / unchanged / error
    errors: list[dict] = field(default_factory=list)
    creates: list[tuple] = field(default_factory=list)
    updates: list[tuple] = field(default_factory=list)
    samples: dict = field(default_factory=lambda: {"create": [], "update": []})
    orgs: dict = field(default_factory=dict)  # organisations plan_orgs looked at, by id

    def counts(self) -> dict:
        c = Counter(self.actions)
        return {"create": c["create"], "update": c["update"], "unchanged": c["unchanged"]}


_MEMBER_COMPARE = (
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "joined_on",
    "post",
    "organisation_id",
    "phone",
)
_FIELD_LABELS = {
    "name": "姓名",
    "gender": "性别",
    "ethnicity": "民族",
    "birth_date": "出生日期",
    "joined_on": "入党时间",
    "post": "岗位",
    "organisation_id": "所在党组织",
    "phone": "联系电话",
    "org_type": "组织类别",
    "sector": "所属行业",
}


class _OrgNames:
    """Organisations of the batch scope by name, to resolve “名称” or “上级组织/名称” in one query."""

    def __init__(self, scope: Organisation):
        self.by_name: dict[str, list[tuple]] = defaultdict(list)
        self.names: dict[int, str] = {}
        self.scope = scope
        qs = Organisation.objects.filter(subtree_q(scope.path)).values_list(
            "id", "name", "parent__name", "is_active"
        )
        for oid, name, parent_name, active in qs.iterator(chunk_size=5000):
            self.by_name[name].append((oid, parent_name, active))
            self.names[oid] = name
        self._cache: dict[str, tuple[int | None, str | None]] = {}

    def resolve(self, text: str) -> tuple[int | None, str | None]:
        """(organisation id, None) or (None, why); why == "unknown" when no such name in scope."""
        if text in self._cache:
            return self._cache[text]
        parts = _split_org_text(text)
        cands = self.by_name.get(parts[-1], []) if parts else []
        if len(parts) > 1:
            cands = [c for c in cands if c[1] == parts[-2]]
        active = [c for c in cands if c[2]]
        if len(active) == 1:
            result = (active[0][0], None)
        elif len(active) > 1:
            result = (None, _("有多个名为“%(name)s”的组织，请写成“上级组织/组织名称”") % {"name": parts[-1]})
        elif cands:
            result = (None, _("党组织“%(name)s”已撤销，不能接收党员") % {"name": text})
        else:
            result = (None, "unknown")
        self._cache[text] = result
        return result


def _names_outside(names: Iterable[str], scope: Organisation) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(sorted(set(names))):
        found |= set(
            Organisation.objects.filter(name__in=chunk)
            .exclude(subtree_q(scope.path))
            .values_list("name", flat=True)
        )
    return found


def _plan_members(rows: list[dict], scope: Organisation, headings: dict, progress: Callable) -> _Plan:
    plan = _Plan()
    h = {c.key: headings.get(c.key, c.heading) for c in MEMBER_COLUMNS}
    index = _OrgNames(scope)
    resolved = {text: index.resolve(text) for text in {r["org"] for r in rows if r["org"]}}
    unknown = {_split_org_text(t)[-1] for t, (oid, why) in resolved.items() if why == "unknown"}
    outside = _names_outside(unknown, scope) if unknown else set()

    existing: dict[str, tuple] = {}
    ids = [r["id_number"] for r in rows if r["id_number"]]
    for chunk in _chunks(ids):
        for rec in Member.objects.filter(id_number__in=chunk).values_list(
            "id", "id_number", *_MEMBER_COMPARE, "organisation__path"
        ):
            existing[rec[1]] = rec
    progress(1, 4)

    first_row: dict[str, int] = {}
    total = len(rows)
    for n, row in enumerate(rows, 1):
        if n % 2000 == 0:
            progress(total + n, total * 2)
        rownum, bad = row["r"], not row.get("ok", True)
        org_id = None
        if row["org"]:
            org_id, why = resolved[row["org"]]
            if why == "unknown":
                name = _split_org_text(row["org"])[-1]
                why = (
                    _("党组织“%(name)s”不在您的导入范围（%(scope)s）内")
                    % {"name": row["org"], "scope": scope.name}
                    if name in outside
                    else _("找不到党组织“%(name)s”，请填写系统中已有组织的全称") % {"name": row["org"]}
                )
            if why:
                plan.errors.append(_error(rownum, h["organisation"], row["org"], why))
                bad = True
        id_number = row["id_number"]
        current = None
        if id_number:
            if id_number in first_row:
                plan.errors.append(
                    _error(
                        rownum,
                        h["id_number"],
                        id_number,
                        _("身份证号与第 %(row)s 行重复") % {"row": first_row[id_number]},
                    )
                )
                bad = True
            else:
                first_row[id_number] = rownum
            current = existing.get(id_number)
            if current is not None and not current[-1].startswith(scope.path):
                plan.errors.append(
                    _error(
                        rownum,
                        h["id_number"],
                        id_number,
                        _("该身份证号已登记在您导入范围之外的党员名下，请联系其所在组织办理组织关系转接"),
                    )
                )
                bad = True
        if bad:
            plan.actions.append("error")
            continue
        new = {
            "name": row["name"],
            "gender": row["gender"],
            "ethnicity": row["ethnicity"],
            "birth_date": _date(row["birth_date"]),
            "joined_on": _date(row["joined_on"]),
            "post": row["post"],
            "organisation_id": org_id,
            "phone": row["phone"],
        }
        if current is None:
            plan.actions.append("create")
            values = {
                **new,
                "ethnicity": new["ethnicity"] or "汉族",
                "post": new["post"] or "",
                "phone": new["phone"] or "",
                "id_number": id_number,
            }
            plan.creates.append((rownum, values))
            if len(plan.samples["create"]) < MAX_SAMPLES:
                plan.samples["create"].append(
                    {
                        "row": rownum,
                        "name": values["name"],
                        "org": index.names.get(org_id, ""),
                        "id_number": mask_id_number(id_number),
                    }
                )
            continue
        old = dict(zip(_MEMBER_COMPARE, current[2:-1], strict=True))
        # A blank optional cell keeps what is stored: a roster without phones must not erase them.
        changes = {f: (old[f], v) for f, v in new.items() if v is not None and v != old[f]}
        if not changes:
            plan.actions.append("unchanged")
            continue
        plan.actions.append("update")
        plan.updates.append((rownum, current[0], changes))
        if len(plan.samples["update"]) < MAX_SAMPLES:
            plan.samples["update"].append(
                {
                    "row": rownum,
                    "name": old["name"],
                    "org": index.names.get(old["organisation_id"], ""),
                    "id_number": mask_id_number(id_number),
                    "changes": [_change_display(f, a, b, index.names) for f, (a, b) in changes.items()],
                }
            )
    return plan


def _change_display(fname: str, old, new, org_names: dict) -> list:
    def show(v):
        if v is None or v == "":
            return ""
        if fname == "organisation_id":
            return org_names.get(v, str(v))
        if fname == "gender":
            return str(Gender(v).label)
        if fname == "phone":
            return mask_phone(v)
        if fname == "org_type":
            return str(OrgType(v).label)
        if fname == "sector":
            return str(Sector(v).label)
        return _iso(v) if isinstance(v, datetime.date) else str(v)

    return [_FIELD_LABELS[fname], show(old), show(new)]


@dataclass
class _ExistingOrg:
    id: int
    name: str
    parent_id: int | None
    parent_name: str | None
    path: str
    depth: int
    org_type: str
    sector: str
    is_active: bool
    in_scope: bool


def _plan_orgs(rows: list[dict], scope: Organisation, headings: dict, progress: Callable) -> _Plan:
    """Resolve each row's parent (an existing organisation, or another row, in any order), detect
    cycles and duplicates, and decide create / update / unchanged per row."""
    plan = _Plan()
    h = {c.key: headings.get(c.key, c.heading) for c in ORG_COLUMNS}
    orgs: dict[int, _ExistingOrg] = {}
    fields = ("id", "name", "parent_id", "parent__name", "path", "depth", "org_type", "sector", "is_active")
    for rec in (
        Organisation.objects.filter(subtree_q(scope.path)).values_list(*fields).iterator(chunk_size=5000)
    ):
        orgs[rec[0]] = _ExistingOrg(*rec, in_scope=True)
    if scope.parent_id:
        # The scope's own parent may be named (an exported subtree's root row) but nothing is created there.
        for rec in Organisation.objects.filter(pk=scope.parent_id).values_list(*fields):
            orgs[rec[0]] = _ExistingOrg(*rec, in_scope=False)
    by_name: dict[str, list[int]] = defaultdict(list)
    child_index: dict[tuple, int] = {}
    active_children: Counter = Counter()
    for o in orgs.values():
        if o.is_active:
            by_name[o.name].append(o.id)
        if o.in_scope:
            child_index.setdefault((o.parent_id, o.name), o.id)
            if o.is_active and o.parent_id:
                active_children[o.parent_id] += 1
    file_by_name: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        if row["name"]:
            file_by_name[row["name"]].append(i)
    progress(1, 4)

    n = len(rows)
    state = [0] * n  # 0 new, 1 resolving, 2 done
    node: list[tuple | None] = [None] * n  # ("db", id) or ("new", row index)
    parent_node: list[tuple | None] = [None] * n
    problem: list[str | None] = [None] * n  # unknown / ambiguous / blocked
    cycle: set[int] = set()
    stack: list[int] = []

    def last_parent_part(j: int) -> str:
        parts = _split_org_text(rows[j]["parent"])
        return parts[-1] if parts else ""

    def resolve(i: int) -> tuple | None:
        if state[i] == 2:
            return node[i]
        if state[i] == 1:
            cycle.update(stack[stack.index(i) :])
            return None
        state[i] = 1
        stack.append(i)
        row = rows[i]
        parts = _split_org_text(row["parent"])
        parent = None
        if parts:
            pname, gname = parts[-1], (parts[-2] if len(parts) > 1 else None)
            cands: set[tuple] = set()
            blocked = False
            for oid in by_name.get(pname, ()):
                if gname is None or orgs[oid].parent_name == gname:
                    cands.add(("db", oid))
            for j in file_by_name.get(pname, ()):
                if j == i or (gname is not None and last_parent_part(j) != gname):
                    continue
                found = resolve(j)
                if found is None:
                    blocked = True
                else:
                    cands.add(found)
            if blocked or len(cands) != 1:
                problem[i] = "blocked" if blocked else ("ambiguous" if cands else "unknown")
            else:
                parent = next(iter(cands))
        stack.pop()
        state[i] = 2
        if problem[i]:
            return None
        parent_node[i] = parent
        match = None
        if parent is None:
            match = child_index.get((None, row["name"]))
        elif parent[0] == "db":
            match = child_index.get((parent[1], row["name"]))
        node[i] = ("db", match) if match else ("new", i)
        return node[i]

    try:
        for i in range(n):
            if rows[i]["name"]:
                resolve(i)
    except RecursionError:
        plan.errors.append(_error(None, "", "", _("上级组织关系嵌套过深，请分批导入")))
        return plan

    unknown_names = {_split_org_text(rows[i]["parent"])[-1] for i in range(n) if problem[i] == "unknown"}
    outside = _names_outside(unknown_names, scope) if unknown_names else set()
    type_override: dict[int, str] = {}
    new_children: Counter = Counter()
    first_of: dict[tuple, int] = {}
    for i, row in enumerate(rows):
        if node[i] is None:
            continue
        if node[i][0] == "db" and row["org_type"]:
            type_override[node[i][1]] = row["org_type"]
        if node[i][0] == "new" and parent_node[i] is not None:
            new_children[parent_node[i]] += 1

    def effective_type(ref: tuple) -> str | None:
        if ref[0] == "db":
            return type_override.get(ref[1], orgs[ref[1]].org_type)
        return rows[ref[1]]["org_type"]

    for i, row in enumerate(rows):
        rownum, bad = row["r"], not row.get("ok", True)
        errs: list[dict] = []
        if not row["name"]:
            plan.actions.append("error")
            continue
        if i in cycle:
            errs.append(
                _error(rownum, h["parent"], row["parent"], _("上级组织关系形成循环，请检查本行与相关行"))
            )
        elif problem[i] == "blocked":
            errs.append(
                _error(rownum, h["parent"], row["parent"], _("上级组织所在的行有错误，请先改正那一行"))
            )
        elif problem[i] == "ambiguous":
            errs.append(
                _error(
                    rownum,
                    h["parent"],
                    row["parent"],
                    _("有多个名为“%(name)s”的组织，请写成“上级组织/组织名称”")
                    % {"name": _split_org_text(row["parent"])[-1]},
                )
            )
        elif problem[i] == "unknown":
            pname = _split_org_text(row["parent"])[-1]
            errs.append(
                _error(
                    rownum,
                    h["parent"],
                    row["parent"],
                    _("上级组织“%(name)s”不在您的导入范围（%(scope)s）内")
                    % {"name": pname, "scope": scope.name}
                    if pname in outside
                    else _("找不到上级组织“%(name)s”：它既不是系统中已有的组织，也不在本表中")
                    % {"name": row["parent"]},
                )
            )
        ref = node[i]
        if ref is not None:
            # Two rows are the same organisation if they match the same one, or would create the same name
            # under the same parent.
            key = ref if ref[0] == "db" else ("new", parent_node[i], row["name"])
            if key in first_of:
                errs.append(
                    _error(
                        rownum,
                        h["name"],
                        row["name"],
                        _("与第 %(row)s 行是同一个组织，请删除重复行") % {"row": first_of[key]},
                    )
                )
            else:
                first_of[key] = rownum
            parent = parent_node[i]
            if ref[0] == "new":
                if parent is None:
                    errs.append(
                        _error(rownum, h["parent"], "", _("上级组织不能为空（顶级组织只能由系统管理员创建）"))
                    )
                elif parent[0] == "db" and not orgs[parent[1]].in_scope:
                    errs.append(
                        _error(
                            rownum,
                            h["parent"],
                            row["parent"],
                            _("上级组织“%(name)s”不在您的导入范围（%(scope)s）内")
                            % {"name": orgs[parent[1]].name, "scope": scope.name},
                        )
                    )
                elif parent[0] == "db" and not orgs[parent[1]].is_active:
                    errs.append(
                        _error(rownum, h["parent"], row["parent"], _("上级组织已撤销，不能在其下新建组织"))
                    )
                elif effective_type(parent) == OrgType.BRANCH:
                    errs.append(_error(rownum, h["parent"], row["parent"], _("党支部下不能再设下级组织")))
            else:
                current = orgs[ref[1]]
                if not current.is_active:
                    errs.append(
                        _error(rownum, h["name"], row["name"], _("该组织已撤销，请先在系统中恢复后再导入"))
                    )
                elif (
                    row["org_type"] == OrgType.BRANCH
                    and current.org_type != OrgType.BRANCH
                    and (active_children[current.id] or new_children[ref])
                ):
                    errs.append(
                        _error(
                            rownum,
                            h["org_type"],
                            row["org_type"] and OrgType(row["org_type"]).label,
                            _("该组织有下级组织，不能改为党支部"),
                        )
                    )
        if errs or bad or ref is None:
            plan.errors.extend(errs)
            plan.actions.append("error")
            continue
        parent_label = row["parent"]
        if ref[0] == "new":
            plan.actions.append("create")
            plan.creates.append((rownum, i, parent_node[i], row))
            if len(plan.samples["create"]) < MAX_SAMPLES:
                plan.samples["create"].append(
                    {
                        "row": rownum,
                        "name": row["name"],
                        "parent": parent_label,
                        "org_type": str(OrgType(row["org_type"]).label),
                        "sector": str(Sector(row["sector"]).label),
                    }
                )
            continue
        current = orgs[ref[1]]
        changes = {
            f: (getattr(current, f), row[f]) for f in ("org_type", "sector") if row[f] != getattr(current, f)
        }
        if not changes:
            plan.actions.append("unchanged")
            continue
        plan.actions.append("update")
        plan.updates.append((rownum, current.id, changes))
        if len(plan.samples["update"]) < MAX_SAMPLES:
            plan.samples["update"].append(
                {
                    "row": rownum,
                    "name": row["name"],
                    "parent": parent_label,
                    "changes": [_change_display(f, a, b, {}) for f, (a, b) in changes.items()],
                }
            )
    plan.orgs = orgs
    return plan


_PLANNERS = {ImportKind.MEMBERS: _plan_members, ImportKind.ORGS: _plan_orgs}
_PARSERS = {ImportKind.MEMBERS: _parse_member_row, ImportKind.ORGS: _parse_org_row}


# --------------------------------------------------------------------------------------------------
# Services: upload, validate, confirm, roll back


def _set_status(batch: ImportBatch, to: str, *, expect: Iterable[str], **fields) -> bool:
    """The one place an import batch changes status: compare-and-set on the expected statuses."""
    updated = ImportBatch.objects.filter(pk=batch.pk, status__in=list(expect)).update(status=to, **fields)
    if updated:
        batch.status = to
        for key, value in fields.items():
            setattr(batch, key, value)
    return bool(updated)


def import_batch_create(
    *, actor, kind: str, filename: str, content: bytes, scope: Organisation | None = None
) -> ImportBatch:
    """Store an upload and validate it: inline for small files, by the worker above
    settings.IMPORT_INLINE_MAX_ROWS rows (the batch stays PENDING with a progress bar meanwhile)."""
    if kind not in ImportKind.values:
        raise ValidationError(_("导入内容无效：%(v)s") % {"v": kind}, field="kind")
    if scope is None:
        paths = scope_paths(actor, Cap.IMPORT_RUN)
        scope = Organisation.objects.filter(path=paths[0]).first() if paths else None
    if scope is None or not org_in_scope(actor, scope, Cap.IMPORT_RUN):
        raise PermissionDeniedError(_("您无权在该范围内导入"))
    if not scope.is_active:
        raise StateError(_("“%(org)s”已撤销，不能导入") % {"org": scope.name})
    estimate = import_file_row_count(content, kind)
    batch = ImportBatch.objects.create(
        kind=kind,
        filename=(filename or "upload.xlsx")[-255:],
        file=bytes(content),
        scope=scope,
        created_by=actor,
        total_rows=estimate,
    )
    if estimate > settings.IMPORT_INLINE_MAX_ROWS:
        from pacesetter.core.tasks import enqueue

        from . import tasks

        # In the batch's own transaction: the worker sees the task only once the batch is committed.
        enqueue(tasks.import_batch_validate_task, batch_id=batch.pk)
        return batch
    return import_batch_validate(batch.pk)


def import_batch_validate(batch_id: int) -> ImportBatch:
    """Parse the stored file and check every row against the database; PENDING → READY or INVALID."""
    batch = ImportBatch.objects.select_related("scope").get(pk=batch_id)
    if batch.status != ImportStatus.PENDING:
        return batch
    try:
        report, rows = _validate(batch)
    except ValidationError as exc:
        report, rows = _file_report(batch, [_error(None, "", "", exc.message)]), []
    except Exception:
        log.exception("import batch %s: validation failed", batch.pk)
        _set_status(
            batch,
            ImportStatus.FAILED,
            expect=[ImportStatus.PENDING],
            progress=100,
            report={"message": _("校验时发生内部错误，请稍后重试或联系系统管理员")},
        )
        return batch
    status = ImportStatus.INVALID if report["error_count"] else ImportStatus.READY
    _set_status(
        batch,
        status,
        expect=[ImportStatus.PENDING],
        report=report,
        rows=rows if status == ImportStatus.READY else [],
        total_rows=report["total"],
        progress=100,
    )
    return batch


def _file_report(batch: ImportBatch, errors: list[dict], **extra) -> dict:
    return {
        "kind": batch.kind,
        "total": 0,
        "create": 0,
        "update": 0,
        "unchanged": 0,
        "rejected": 0,
        "errors": errors,
        "error_count": len(errors),
        "columns": {},
        "ignored": [],
        "samples": {"create": [], "update": []},
        **extra,
    }


def _validate(batch: ImportBatch) -> tuple[dict, list[dict]]:
    wb = _open_workbook(batch.file)
    try:
        sheet = _find_sheet(wb, batch.kind)
        expected = "、".join(c.heading for c in COLUMNS[batch.kind])
        if sheet is None:
            message = _("在前 %(n)s 行中找不到表头行。请使用模板，表头应包括：%(cols)s") % {
                "n": HEADING_SEARCH_ROWS,
                "cols": expected,
            }
            return _file_report(batch, [_error(None, "", "", message)]), []
        missing = [c for c in COLUMNS[batch.kind] if c.required and c.key not in sheet.columns]
        if missing:
            errors = [
                _error(
                    None,
                    c.heading,
                    "",
                    _("第 %(row)s 行表头中缺少必需的列“%(col)s”")
                    % {"row": sheet.heading_row, "col": c.heading},
                )
                for c in missing
            ]
            return _file_report(batch, errors, ignored=sheet.ignored), []
        parse = _PARSERS[batch.kind]
        errors: list[dict] = []
        rows: list[dict] = []
        progress = _Progress(batch.pk, 0, 70)
        total = max(sheet.estimate, 1)
        for n, values in enumerate(sheet.ws.iter_rows(min_row=sheet.heading_row + 1, values_only=True), 1):
            row = parse(sheet.heading_row + n, values, sheet, errors)
            if row is not None:
                rows.append(row)
            if n % 500 == 0:
                progress(n, total)
    finally:
        wb.close()
    plan = _PLANNERS[batch.kind](rows, batch.scope, sheet.headings, _Progress(batch.pk, 70, 100))
    all_errors = sorted(errors + plan.errors, key=lambda e: e["row"] or 0)
    if not rows and not all_errors:
        all_errors = [_error(None, "", "", _("表中没有数据行"))]
    for row, action in zip(rows, plan.actions, strict=True):
        row["a"] = action
        row.pop("ok", None)
    report = {
        "kind": batch.kind,
        "sheet": sheet.title,
        "heading_row": sheet.heading_row,
        "columns": sheet.headings,
        "ignored": sheet.ignored,
        "total": len(rows),
        **plan.counts(),
        "rejected": len({e["row"] for e in all_errors if e["row"]}),
        "errors": all_errors[:MAX_STORED_ERRORS],
        "error_count": len(all_errors),
        "samples": plan.samples,
    }
    return report, rows


@transaction.atomic
def _apply_members(plan: _Plan, now: datetime.datetime) -> tuple[list[dict], set[int]]:
    changes: list[dict] = []
    touched: set[int] = set()
    objs = [Member(created_at=now, **values) for _row, values in plan.creates]
    Member.objects.bulk_create(objs, batch_size=500)
    if objs and objs[0].pk is None:  # a backend that does not return ids from bulk inserts
        ids = {}
        for chunk in _chunks([o.id_number for o in objs]):
            ids.update(Member.objects.filter(id_number__in=chunk).values_list("id_number", "id"))
        for o in objs:
            o.pk = ids[o.id_number]
    for o in objs:
        changes.append({"id": o.pk, "action": "create", "org": o.organisation_id})
        touched.add(o.organisation_id)
    if plan.updates:
        fields = sorted({f for _r, _id, ch in plan.updates for f in ch})
        current = {}
        ids = [mid for _r, mid, _ch in plan.updates]
        for chunk in _chunks(ids):
            current.update(
                (m.pk, m) for m in Member.objects.filter(pk__in=chunk).only("id", *_MEMBER_COMPARE)
            )
        for _r, mid, ch in plan.updates:
            m = current[mid]
            before = {f: _plain(getattr(m, f)) for f in ch}
            for f, (_old, new) in ch.items():
                setattr(m, f, new)
            m.updated_at = now
            touched.update({before.get("organisation_id"), m.organisation_id})
            changes.append(
                {
                    "id": mid,
                    "action": "update",
                    "before": before,
                    "after": {f: _plain(v[1]) for f, v in ch.items()},
                }
            )
        Member.objects.bulk_update(list(current.values()), [*fields, "updated_at"], batch_size=500)
    touched.discard(None)
    member_counts_refresh(touched)
    return changes, touched


def _plain(v):
    return _iso(v) if isinstance(v, datetime.date) else v


def member_counts_refresh(org_ids: Iterable[int]) -> None:
    """Set Organisation.member_count from one grouped COUNT per chunk and bulk UPDATEs (not per org)."""
    ids = sorted({i for i in org_ids if i is not None})
    counts: dict[int, int] = {}
    for chunk in _chunks(ids):
        counts.update(
            Member.objects.filter(organisation_id__in=chunk, is_active=True)
            .values_list("organisation_id")
            .annotate(n=Count("id"))
            .values_list("organisation_id", "n")
        )
    Organisation.objects.bulk_update(
        [Organisation(pk=i, member_count=counts.get(i, 0)) for i in ids], ["member_count"], batch_size=500
    )


@transaction.atomic
def _apply_orgs(plan: _Plan, now: datetime.datetime) -> tuple[list[dict], set[int]]:
    orgs: dict[int, _ExistingOrg] = plan.orgs
    creates = {i: (parent, row) for _r, i, parent, row in plan.creates}
    depth: dict[int, int] = {}

    def depth_of(i: int) -> int:
        if i not in depth:
            parent = creates[i][0]
            depth[i] = orgs[parent[1]].depth + 1 if parent[0] == "db" else depth_of(parent[1]) + 1
        return depth[i]

    for i in creates:
        depth_of(i)
    db_parents = sorted({p[1] for p, _row in creates.values() if p[0] == "db"})
    next_seg: dict[tuple, int] = {}
    for chunk in _chunks(db_parents):
        for pid, last in (
            Organisation.objects.filter(parent_id__in=chunk).values("parent_id").annotate(m=Max("path"))
        ).values_list("parent_id", "m"):
            next_seg[("db", pid)] = decode_segment(last[-SEGMENT:]) + 1
    made: dict[int, Organisation] = {}
    changes: list[dict] = []
    for level in sorted(set(depth.values())):
        batch_objs = []
        for i in sorted((i for i in creates if depth[i] == level), key=lambda i: creates[i][1]["r"]):
            parent, row = creates[i]
            if parent[0] == "db":
                parent_id, parent_path = parent[1], orgs[parent[1]].path
            else:
                parent_id, parent_path = made[parent[1]].pk, made[parent[1]].path
            n = next_seg.get(parent, 1)
            next_seg[parent] = n + 1
            org = Organisation(
                name=row["name"],
                parent_id=parent_id,
                org_type=row["org_type"],
                sector=row["sector"],
                path=parent_path + encode_segment(n),
                depth=level,
                created_at=now,
            )
            made[i] = org
            batch_objs.append(org)
        Organisation.objects.bulk_create(batch_objs, batch_size=500)
        if batch_objs and batch_objs[0].pk is None:
            ids = dict(
                Organisation.objects.filter(path__in=[o.path for o in batch_objs]).values_list("path", "id")
            )
            for o in batch_objs:
                o.pk = ids[o.path]
    for org in made.values():
        changes.append(
            {
                "id": org.pk,
                "action": "create",
                "after": {
                    "name": org.name,
                    "parent_id": org.parent_id,
                    "path": org.path,
                    "org_type": org.org_type,
                    "sector": org.sector,
                },
            }
        )
    updated = []
    for _r, oid, ch in plan.updates:
        org = Organisation(pk=oid, updated_at=now, **{f: new for f, (_old, new) in ch.items()})
        updated.append(org)
        changes.append(
            {
                "id": oid,
                "action": "update",
                "before": {f: old for f, (old, _new) in ch.items()},
                "after": {f: new for f, (_old, new) in ch.items()},
            }
        )
    for fields in {tuple(sorted(ch)) for _r, _oid, ch in plan.updates}:
        group = [
            o for o, (_r, _oid, ch) in zip(updated, plan.updates, strict=True) if tuple(sorted(ch)) == fields
        ]
        Organisation.objects.bulk_update(group, [*fields, "updated_at"], batch_size=500)
    return changes, set()


def import_batch_confirm(*, actor, batch: ImportBatch) -> ImportBatch:
    """Apply a READY batch in one transaction after checking it again against the current database.

    If the rows are no longer valid the batch becomes INVALID with the new report; if the outcome
    differs from the preview (someone changed the data meanwhile) the new preview is stored and the
    user is asked to look again. In both cases nothing is imported.
    """
    if not org_in_scope(actor, batch.scope, Cap.IMPORT_RUN):
        raise PermissionDeniedError(_("您无权在该范围内导入"))
    refusal = None
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update(of=("self",)).select_related("scope").get(pk=batch.pk)
        if batch.status != ImportStatus.READY:
            raise StateError(_("该批次当前状态为“%(s)s”，不能确认导入") % {"s": batch.get_status_display()})
        rows = batch.rows
        plan = _PLANNERS[batch.kind](rows, batch.scope, batch.report.get("columns", {}), _noop_progress)
        if plan.errors:
            report = {
                **batch.report,
                **plan.counts(),
                "errors": plan.errors[:MAX_STORED_ERRORS],
                "error_count": len(plan.errors),
                "rejected": len({e["row"] for e in plan.errors if e["row"]}),
                "samples": plan.samples,
            }
            _set_status(batch, ImportStatus.INVALID, expect=[ImportStatus.READY], report=report, rows=[])
            refusal = _(
                "系统中的数据在预览后发生了变化，现在有 %(n)s 处错误，未导入任何数据。请查看错误报告，改正后重新上传。"
            ) % {"n": len(plan.errors)}
        elif plan.actions != [r["a"] for r in rows]:
            for row, action in zip(rows, plan.actions, strict=True):
                row["a"] = action
            report = {**batch.report, **plan.counts(), "samples": plan.samples}
            ImportBatch.objects.filter(pk=batch.pk).update(report=report, rows=rows)
            refusal = _(
                "系统中的数据在预览后发生了变化，预览已按当前数据更新，未导入任何数据。请核对后再确认。"
            )
        else:
            now = timezone.now()
            apply = _apply_members if batch.kind == ImportKind.MEMBERS else _apply_orgs
            changes, _touched = apply(plan, now)
            counts = plan.counts()
            _set_status(
                batch,
                ImportStatus.CONFIRMED,
                expect=[ImportStatus.READY],
                changes=changes,
                confirmed_at=timezone.now(),
            )
            audit_log(
                actor=actor,
                action="import.confirm",
                obj=batch,
                scope_path=batch.scope.path,
                extra={"kind": batch.kind, "filename": batch.filename, "rows": len(rows), **counts},
            )
            return batch
    raise StateError(refusal)


def import_batch_can_rollback(batch: ImportBatch) -> bool:
    """Only the most recent confirmed batch of its kind (among batches with overlapping scopes)."""
    if batch.status != ImportStatus.CONFIRMED or batch.confirmed_at is None:
        return False
    scope = batch.scope
    overlapping = subtree_q(scope.path, "scope__path") | Q(scope__path__in=scope.ancestor_paths)
    return not (
        ImportBatch.objects.filter(overlapping, kind=batch.kind, status=ImportStatus.CONFIRMED)
        .filter(Q(confirmed_at__gt=batch.confirmed_at) | Q(confirmed_at=batch.confirmed_at, pk__gt=batch.pk))
        .exists()
    )


def import_batch_rollback(*, actor, batch: ImportBatch) -> ImportBatch:
    """Undo a confirmed batch exactly, in one transaction, unless what it created or changed has been
    changed or used since (then nothing is undone)."""
    if not org_in_scope(actor, batch.scope, Cap.IMPORT_RUN):
        raise PermissionDeniedError(_("您无权在该范围内撤销导入"))
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update(of=("self",)).select_related("scope").get(pk=batch.pk)
        if batch.status != ImportStatus.CONFIRMED:
            raise StateError(_("只有已导入的批次可以撤销"))
        if not import_batch_can_rollback(batch):
            raise StateError(_("只能撤销最近一次已导入的批次，请先撤销之后的导入"))
        try:
            if batch.kind == ImportKind.MEMBERS:
                counts = _undo_members(batch)
            else:
                counts = _undo_orgs(batch)
        except ProtectedError:
            raise StateError(_("本批导入的数据已被其他记录引用，不能撤销")) from None
        _set_status(
            batch, ImportStatus.ROLLED_BACK, expect=[ImportStatus.CONFIRMED], rolled_back_at=timezone.now()
        )
        audit_log(
            actor=actor,
            action="import.rollback",
            obj=batch,
            scope_path=batch.scope.path,
            extra={"kind": batch.kind, "filename": batch.filename, **counts},
        )
    return batch


def _undo_members(batch: ImportBatch) -> dict:
    created = [c for c in batch.changes if c["action"] == "create"]
    updated = [c for c in batch.changes if c["action"] == "update"]
    ids = [c["id"] for c in batch.changes]
    current: dict[int, tuple] = {}
    for chunk in _chunks(ids):
        for rec in Member.objects.filter(pk__in=chunk).values_list(
            "id", "user_id", "is_active", "updated_at", *_MEMBER_COMPARE
        ):
            current[rec[0]] = rec
    for c in batch.changes:
        rec = current.get(c["id"])
        if rec is None:
            raise StateError(_("本批导入的党员已被删除或修改，不能撤销"))
        values = dict(zip(_MEMBER_COMPARE, rec[4:], strict=True))
        if rec[3] > batch.confirmed_at:
            raise StateError(_("党员“%(name)s”在导入后已被修改，不能撤销本批导入") % {"name": values["name"]})
        if c["action"] == "create" and (
            rec[1] is not None or not rec[2] or values["organisation_id"] != c["org"]
        ):
            raise StateError(
                _("本批导入的党员“%(name)s”已开通账号或已变动，不能撤销本批导入") % {"name": values["name"]}
            )
        if c["action"] == "update" and any(_plain(values[f]) != v for f, v in c["after"].items()):
            raise StateError(_("党员“%(name)s”在导入后已被修改，不能撤销本批导入") % {"name": values["name"]})
    touched = {c["org"] for c in created}
    for chunk in _chunks([c["id"] for c in created]):
        Member.objects.filter(pk__in=chunk).delete()
    now = timezone.now()
    restore = []
    fields: set[str] = set()
    for c in updated:
        m = Member(pk=c["id"], updated_at=now)
        for f, v in c["before"].items():
            setattr(m, f, _date(v) if f in ("birth_date", "joined_on") else v)
        fields |= set(c["before"])
        touched.update({c["before"].get("organisation_id"), c["after"].get("organisation_id")})
        restore.append(m)
    for fset in {tuple(sorted(c["before"])) for c in updated}:
        group = [m for m, c in zip(restore, updated, strict=True) if tuple(sorted(c["before"])) == fset]
        Member.objects.bulk_update(group, [*fset, "updated_at"], batch_size=500)
    touched.discard(None)
    member_counts_refresh(touched)
    return {"deleted": len(created), "restored": len(updated)}


def _undo_orgs(batch: ImportBatch) -> dict:
    created = [c for c in batch.changes if c["action"] == "create"]
    updated = [c for c in batch.changes if c["action"] == "update"]
    created_ids = [c["id"] for c in created]
    keys = ("name", "parent_id", "path", "org_type", "sector")
    current = {}
    for chunk in _chunks([c["id"] for c in batch.changes]):
        for rec in Organisation.objects.filter(pk__in=chunk).values_list("id", "is_active", *keys):
            current[rec[0]] = rec
    for c in batch.changes:
        rec = current.get(c["id"])
        if rec is None or not rec[1]:
            raise StateError(_("本批导入的组织已被删除或撤销，不能撤销本批导入"))
        values = dict(zip(keys, rec[2:], strict=True))
        if any(values[f] != v for f, v in c["after"].items()):
            raise StateError(
                _("组织“%(name)s”在导入后已被修改或移动，不能撤销本批导入") % {"name": values["name"]}
            )
    created_set = set(created_ids)
    for chunk in _chunks(created_ids):
        used = (
            Member.objects.filter(organisation_id__in=chunk)
            .values_list("organisation__name", flat=True)
            .first()
            or Organisation.objects.filter(parent_id__in=chunk)
            .exclude(pk__in=created_set)
            .values_list("parent__name", flat=True)
            .first()
            or RoleGrant.objects.filter(organisation_id__in=chunk)
            .values_list("organisation__name", flat=True)
            .first()
            or Liaison.objects.filter(organisation_id__in=chunk)
            .values_list("organisation__name", flat=True)
            .first()
            or ImportBatch.objects.filter(scope_id__in=chunk).values_list("scope__name", flat=True).first()
        )
        if used:
            raise StateError(
                _("本批导入的组织“%(name)s”已有党员、下级组织、角色授权或导入记录，不能撤销本批导入")
                % {"name": used}
            )
    by_depth: dict[int, list[int]] = defaultdict(list)
    for c in created:
        by_depth[len(c["after"]["path"])].append(c["id"])
    for length in sorted(by_depth, reverse=True):  # children before parents
        for chunk in _chunks(by_depth[length]):
            Organisation.objects.filter(pk__in=chunk).delete()
    now = timezone.now()
    for fset in {tuple(sorted(c["before"])) for c in updated}:
        group = [
            Organisation(pk=c["id"], updated_at=now, **c["before"])
            for c in updated
            if tuple(sorted(c["before"])) == fset
        ]
        Organisation.objects.bulk_update(group, [*fset, "updated_at"], batch_size=500)
    return {"deleted": len(created), "restored": len(updated)}


# --------------------------------------------------------------------------------------------------
# Workbooks out: templates, error reports, exports


def _save(wb) -> tempfile.SpooledTemporaryFile:
    # Returned open: the caller streams it to the client and the response closes it.
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    wb.save(out)
    out.seek(0)
    return out


def import_template_xlsx(kind: str) -> bytes:
    """A template: title row, heading row, one example row, and a 填写说明 sheet."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    if kind not in ImportKind.values:
        raise ValidationError(_("导入内容无效：%(v)s") % {"v": kind})
    columns = COLUMNS[kind]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = str(ImportKind(kind).label)
    ws.append(
        [
            _("%(kind)s导入模板（第3行为示例，导入前请删除；表头以下每行一条）")
            % {"kind": ImportKind(kind).label}
        ]
    )
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([c.heading for c in columns])
    ws.append([c.example for c in columns])
    fill = PatternFill("solid", fgColor="FDE9E7")
    for idx, c in enumerate(columns, 1):
        cell = ws.cell(row=2, column=idx)
        cell.font = Font(bold=True, color="C00000" if c.required else "000000")
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center")
        letter = get_column_letter(idx)
        ws.column_dimensions[letter].width = (
            24 if c.key in ("id_number", "organisation", "name", "parent") else 14
        )
        if c.key in ("id_number", "phone"):
            ws.column_dimensions[letter].number_format = "@"
            ws.cell(row=3, column=idx).number_format = "@"
    choices = {
        "gender": "男,女",
        "org_type": "党委,党总支,党支部",
        "sector": ",".join(str(label) for label in Sector.labels),
    }
    for idx, c in enumerate(columns, 1):
        if c.key in choices:
            dv = DataValidation(
                type="list",
                formula1=f'"{choices[c.key]}"',
                allow_blank=True,
                errorStyle="warning",
                showErrorMessage=True,
            )
            letter = get_column_letter(idx)
            dv.add(f"{letter}3:{letter}20000")
            ws.add_data_validation(dv)
    ws.freeze_panes = "A3"
    guide = wb.create_sheet(GUIDE_TITLE)
    guide.append([_("列名"), _("是否必填"), _("说明"), _("也可识别的列名")])
    for c in columns:
        guide.append([c.heading, _("必填") if c.required else _("选填"), c.help, "、".join(c.aliases)])
    notes = [
        _("表头可以不在第一行（上方可有标题行），列的顺序不限；模板以外的列会被忽略。"),
        _(
            "上传后先预览：列出将新增、更新、不变和有错误的行；只要有一处错误就不会导入，请改正文件后重新上传。"
        ),
    ]
    if kind == ImportKind.MEMBERS:
        notes.append(_("已登记的党员按身份证号匹配并更新；空白的选填单元格不会清除系统中已有的内容。"))
    else:
        notes.append(_("已有组织按“上级组织 + 组织名称”匹配；匹配到的组织只更新组织类别和所属行业。"))
    guide.append([])
    for note in notes:
        guide.append([note])
    for row in guide.iter_rows(min_row=1, max_row=1):
        for cell in row:
            cell.font = Font(bold=True)
    guide.column_dimensions["A"].width = 14
    guide.column_dimensions["B"].width = 10
    guide.column_dimensions["C"].width = 80
    guide.column_dimensions["D"].width = 50
    return _save(wb).read()


def import_errors_xlsx(batch: ImportBatch) -> bytes:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(_("错误报告"))
    ws.append([_("行号"), _("列"), _("填写的值"), _("问题"), _("完整说明")])
    for e in batch.report.get("errors", []):
        ws.append([e["row"] or "", e["column"], e["value"], e["message"], error_text(e)])
    if batch.report.get("error_count", 0) > len(batch.report.get("errors", [])):
        ws.append(
            [
                "",
                "",
                "",
                _("另有 %(n)s 处错误未列出，请先改正以上错误")
                % {"n": batch.report["error_count"] - len(batch.report["errors"])},
            ]
        )
    return _save(wb).read()


def _export_roots(user, org: Organisation | None) -> list[Organisation]:
    if org is not None:
        if not org_in_scope(user, org, Cap.IMPORT_RUN):
            raise PermissionDeniedError(_("您无权导出该组织"))
        return [org]
    return list(Organisation.objects.filter(path__in=scope_paths(user, Cap.IMPORT_RUN)))


def _org_labels(user, roots: list[Organisation]) -> tuple[dict[int, tuple], dict[int, str]]:
    """Each exported organisation and a label for it that import resolves back to it (“上级/名称”
    where the bare name is ambiguous within the user's import scope)."""
    ambiguous = set(
        Organisation.objects.filter(scope_q(user, Cap.IMPORT_RUN), is_active=True)
        .values("name")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("name", flat=True)
    )
    subtree = Q(pk__in=[])
    for r in roots:
        subtree |= subtree_q(r.path)
    orgs = {
        rec[0]: rec
        for rec in Organisation.objects.filter(subtree, is_active=True)
        .order_by("path")
        .values_list("id", "name", "parent_id", "parent__name", "path", "org_type", "sector")
        .iterator(chunk_size=5000)
    }
    labels = {
        oid: f"{pname}/{name}" if name in ambiguous and pname else name
        for oid, name, _pid, pname, *_rest in orgs.values()
    }
    parent_labels = {
        pid: f"{gname}/{name}" if name in ambiguous and gname else name
        for pid, name, gname in Organisation.objects.filter(
            pk__in=[r.parent_id for r in roots if r.parent_id]
        ).values_list("id", "name", "parent__name")
    }
    return orgs, {**parent_labels, **labels}


def export_orgs_xlsx(*, user, org: Organisation | None = None):
    """The organisation subtree (active organisations) as an importable sheet; a file object."""
    roots = _export_roots(user, org)
    orgs, labels = _org_labels(user, roots)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(str(ImportKind.ORGS.label))
    ws.append([c.heading for c in ORG_COLUMNS])
    for _oid, name, pid, _pname, _path, org_type, sector in orgs.values():
        ws.append(
            [
                name,
                labels.get(pid, "") if pid else "",
                str(OrgType(org_type).label),
                str(Sector(sector).label),
            ]
        )
    return _save(wb)


def export_members_xlsx(*, user, org: Organisation | None = None, reveal: bool = False):
    """Active members of the subtree as a roster, streamed from the database in chunks.

    身份证号 and 联系电话 are masked unless `reveal` is asked for, and then in clear only where the user
    holds person.pii on the member's organisation; an export in clear is audited (pii.export).
    """
    roots = _export_roots(user, org)
    orgs, labels = _org_labels(user, roots)
    pii_paths = scope_paths(user, Cap.PERSON_PII) if reveal else []
    clear = {oid for oid, rec in orgs.items() if any(rec[4].startswith(p) for p in pii_paths)}
    if clear:
        pii_export_audit(actor=user, what="members.xlsx", scope_path=roots[0].path if len(roots) == 1 else "")
    subtree = Q(pk__in=[])
    for r in roots:
        subtree |= subtree_q(r.path, "organisation__path")
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(str(ImportKind.MEMBERS.label))
    ws.append([c.heading for c in MEMBER_COLUMNS])
    genders = {g.value: str(g.label) for g in Gender}
    qs = (
        Member.objects.filter(subtree, is_active=True)
        .order_by("organisation__path", "name", "id")
        .values_list(
            "name",
            "gender",
            "ethnicity",
            "birth_date",
            "joined_on",
            "organisation_id",
            "post",
            "phone",
            "id_number",
        )
    )
    for name, gender, ethnicity, birth, joined, oid, post, phone, id_number in qs.iterator(chunk_size=5000):
        if oid not in clear:
            phone, id_number = mask_phone(phone), mask_id_number(id_number)
        ws.append(
            [
                name,
                genders.get(gender, gender),
                ethnicity,
                _iso(birth) or "",
                _iso(joined) or "",
                labels.get(oid, ""),
                post,
                phone,
                id_number,
            ]
        )
    return _save(wb)


def export_filename(kind: str, roots_name: str) -> str:
    return f"{ImportKind(kind).label}-{roots_name}-{timezone.localdate():%Y%m%d}.xlsx"


# --------------------------------------------------------------------------------------------------
# Reads for the pages


def import_batch_recent_for(user, *, limit: int = 50) -> list[ImportBatch]:
    """Recent batches in the user's scope with their counts, without loading the stored reports."""
    from django.db.models.fields.json import KT

    return list(
        import_batch_list_for(user)
        .defer("report")
        .annotate(
            n_create=KT("report__create"),
            n_update=KT("report__update"),
            n_unchanged=KT("report__unchanged"),
            n_errors=KT("report__error_count"),
        )[:limit]
    )


_EMPTY_REPORT = {
    "total": 0,
    "create": 0,
    "update": 0,
    "unchanged": 0,
    "rejected": 0,
    "errors": [],
    "error_count": 0,
    "columns": {},
    "ignored": [],
    "samples": {"create": [], "update": []},
    "message": "",
    "sheet": "",
    "heading_row": 0,
}


def import_report(batch: ImportBatch, *, max_errors: int = 500) -> dict:
    """The stored report with every key present and each error's report line, for the detail page."""
    report = {**_EMPTY_REPORT, **(batch.report or {})}
    report["shown_errors"] = [{**e, "text": error_text(e)} for e in report["errors"][:max_errors]]
    report["hidden_errors"] = report["error_count"] - len(report["shown_errors"])
    return report
