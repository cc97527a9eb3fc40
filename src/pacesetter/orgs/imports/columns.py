"""Columns and cell helpers of the roster and organisation workbooks (the headings users write)."""

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection
from django.utils.translation import gettext as _

from ..enums import Gender
from ..models import (
    ImportKind,
)

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
    Column(
        "status",
        "党员类别",
        ("党员状态",),
        False,
        "在职、无职、流动 或 年老体弱（区别提出具体要求）；不填时保留原值",
        "在职",
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

COLUMNS: dict[str, tuple[Column, ...]] = {ImportKind.MEMBERS: MEMBER_COLUMNS, ImportKind.ORGS: ORG_COLUMNS}
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
