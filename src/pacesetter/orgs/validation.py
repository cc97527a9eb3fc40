"""Checks on the values people type into rosters: 身份证号 (GB 11643), phone numbers, dates."""

import datetime
import re

from django.utils.translation import gettext as _

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


def id_number_birth_date(value: str) -> datetime.date | None:
    try:
        return datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def check_id_number(value: str, birth_date: datetime.date | None = None) -> str | None:
    """None if `value` is a valid 18-digit 身份证号 (consistent with `birth_date` if given), else why not."""
    if not value:
        return _("身份证号不能为空")
    if not re.fullmatch(r"\d{17}[\dX]", value):
        return _("身份证号应为18位，前17位是数字，最后一位是数字或X")
    born = id_number_birth_date(value)
    if born is None:
        return _("身份证号中的出生日期无效")
    total = sum(int(d) * w for d, w in zip(value[:17], _WEIGHTS, strict=True))
    if _CHECK[total % 11] != value[17]:
        return _("身份证号校验位错误，请核对")
    if birth_date and born != birth_date:
        return _("身份证号中的出生日期（%(id)s）与出生日期（%(b)s）不一致") % {"id": born, "b": birth_date}
    return None


def id_number_with_check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return first17 + _CHECK[total % 11]


def check_phone(value: str) -> str | None:
    if _MOBILE.match(value) or _LANDLINE.match(value):
        return None
    return _("联系电话应为11位手机号或带区号的固定电话")


_DATE_PATTERNS = [
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]
_MONTH_PATTERNS = [re.compile(r"^(\d{4})[-/.年](\d{1,2})月?$"), re.compile(r"^(\d{4})(\d{2})$")]


def parse_date(value) -> datetime.date | None:
    """Dates as rosters hold them: Excel dates, 1975-03-02, 1975/3/2, 1975.03.02, 1975年3月2日, 19750302,
    or a month alone (1975.03, 1975年3月), which becomes its first day. Raises ValueError if unreadable."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip().replace(" ", "")
    if not text:
        return None
    if re.fullmatch(r"\d+(\.0)?", text) and len(text.split(".")[0]) == 5:
        # An Excel serial number typed as text.
        return datetime.date(1899, 12, 30) + datetime.timedelta(days=int(float(text)))
    for pattern in _DATE_PATTERNS:
        if m := pattern.match(text):
            return datetime.date(int(m[1]), int(m[2]), int(m[3]))
    for pattern in _MONTH_PATTERNS:
        if m := pattern.match(text):
            return datetime.date(int(m[1]), int(m[2]), 1)
    raise ValueError(text)
