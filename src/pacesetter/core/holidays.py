"""The yearly holiday notice (节假日安排) as the office types or pastes it: one line per date, `2027-01-01 休`."""

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .errors import ValidationError
from .models import HolidayDay, HolidayKind, HolidaySource

KIND_WORDS = {"休": HolidayKind.OFF, "班": HolidayKind.WORK}
LINE = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})\s+(\S)\s*(.*)$")
MIN_YEAR, MAX_YEAR = 2000, 2100
# chinesecalendar names its holidays in English.
PACKAGE_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


@dataclass(frozen=True)
class HolidayLine:
    date: datetime.date
    kind: str
    note: str = ""


def check_year(year) -> int:
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationError(_("年份应为四位数字"), field="year") from None
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError(
            _("年份应在 %(a)d 到 %(b)d 之间") % {"a": MIN_YEAR, "b": MAX_YEAR}, field="year"
        )
    return year


def parse_notice(text: str, year: int) -> list[HolidayLine]:
    """Lines `YYYY-MM-DD 休|班 [说明]`; blank lines and lines starting with # are skipped. A bad line is
    refused by its number, and nothing is taken."""
    days: list[HolidayLine] = []
    seen: dict[datetime.date, int] = {}
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip().replace("\u3000", " ")
        if not line or line.startswith("#"):
            continue

        def bad(reason: str, number=number, line=line) -> ValidationError:
            return ValidationError(
                _("第%(n)d行“%(line)s”：%(reason)s") % {"n": number, "line": line[:40], "reason": reason},
                field="text",
            )

        match = LINE.match(line)
        if not match:
            raise bad(_("应写成“2027-01-01 休”或“2027-02-07 班”"))
        try:
            day = datetime.date.fromisoformat("-".join(f"{int(p):02d}" for p in match[1].split("-")))
        except ValueError:
            raise bad(_("没有这个日期")) from None
        if match[2] not in KIND_WORDS:
            raise bad(_("日期后应写“休”或“班”"))
        if day.year != year:
            raise bad(_("日期不在 %(y)d 年") % {"y": year})
        if day in seen:
            raise bad(_("与第%(n)d行日期重复") % {"n": seen[day]})
        seen[day] = number
        days.append(HolidayLine(day, KIND_WORDS[match[2]], match[3].strip()[:60]))
    return days


def notice_text(days) -> str:
    """The year's rows written back in the import format, for editing."""
    words = {v: k for k, v in KIND_WORDS.items()}
    return "\n".join(f"{d.date:%Y-%m-%d} {words[d.kind]}{' ' + d.note if d.note else ''}" for d in days)


def holiday_days_of(year: int) -> list[HolidayDay]:
    """The year's rows; without rows, the installed package's schedule as unsaved rows (source: package)."""
    from chinese_calendar import constants as package

    from .workdays import package_year

    rows = list(HolidayDay.objects.filter(date__year=year).order_by("date"))
    if rows:
        return rows
    names = package.holidays | package.workdays
    return [
        HolidayDay(
            date=d,
            kind=HolidayKind.WORK if work else HolidayKind.OFF,
            note=PACKAGE_NAMES.get(names[d], names[d])[:60],
            source=HolidaySource.PACKAGE,
        )
        for d, work in sorted((package_year(year) or {}).items())
    ]
