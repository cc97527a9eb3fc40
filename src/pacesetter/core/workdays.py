"""Working-day arithmetic on the Chinese official calendar: holidays and adjusted workdays (调休).

The schedule lives in the table `core.HolidayDay`: seeded from chinese_calendar (pip `chinesecalendar`) for
the years the package knew when the migration ran, and filled in by the office from the State Council's
notice for later years (it comes out each November; the office's rows replace the package's for a year).
A year with no row is read from the installed package if it knows the year (a newer release, or a table
emptied by a test flush); for a year neither knows the fallback is Monday–Friday, so a deadline far in the
future is still computable, and `deadline_after` reports which years were counted that way. Such a deadline
may move by a few days once the schedule is known, which is why deadlines are stored as dates when an order
is issued and recomputed once when the office fills in the year (supervision/holidays.py).
"""

import datetime
from dataclasses import dataclass
from functools import cache

from chinese_calendar import constants as package
from django.utils.translation import gettext as _


@cache
def package_years() -> frozenset[int]:
    """Years the installed chinesecalendar release has the State Council's schedule for."""
    return frozenset(d.year for d in package.holidays)


def package_year(year: int) -> dict[datetime.date, bool] | None:
    """{date: is working day} of the package's special days in `year`, or None when it has no data."""
    if year not in package_years():
        return None
    return {d: False for d in package.holidays if d.year == year} | {
        d: True for d in package.workdays if d.year == year
    }


@dataclass(frozen=True)
class Deadline:
    """A computed date and the years whose holidays were unknown while counting to it."""

    day: datetime.date
    unknown_years: tuple[int, ...] = ()

    @property
    def holidays_known(self) -> bool:
        return not self.unknown_years


def holidays_unknown_message(years) -> str:
    """The plain sentence shown wherever a deadline was counted on weekends only."""
    return _("%(years)s年节假日安排尚未公布，期限暂按周末计算，公布后将重新计算并通知") % {
        "years": "、".join(str(y) for y in sorted(years))
    }


class Calendar:
    """The holiday table read one year at a time (one query per year, per calendar)."""

    def __init__(self):
        self._years: dict[int, dict[datetime.date, bool] | None] = {}

    def _year(self, year: int) -> dict[datetime.date, bool] | None:
        if year not in self._years:
            from .models import HolidayDay, HolidayKind

            rows = HolidayDay.objects.filter(date__year=year).values_list("date", "kind")
            self._years[year] = {d: kind == HolidayKind.WORK for d, kind in rows} or package_year(year)
        return self._years[year]

    def is_known(self, year: int) -> bool:
        return self._year(year) is not None

    def is_working_day(self, day: datetime.date) -> bool:
        table = self._year(day.year) or {}
        if day in table:
            return table[day]
        return day.weekday() < 5


def is_working_day(day: datetime.date) -> bool:
    """True on an official working day; Mon–Fri when the year's schedule is not known."""
    return Calendar().is_working_day(day)


def year_is_known(year: int) -> bool:
    return Calendar().is_known(year)


def deadline_after(start: datetime.date, n: int, *, calendar: Calendar | None = None) -> Deadline:
    """The date `n` working days after `start` (the start day itself does not count), and the years counted
    without a known schedule.

    deadline_after(d, 0).day is `d`. Issued on Friday 2025-01-24 with 5 working days: 01-26 (a Sunday made a
    workday for 春节) counts, the holiday 01-28 … 02-04 does not, so the deadline is 2025-02-07. Issued on
    2026-12-04 with 20 working days while 2027 is unknown: 2027-01-01 with unknown_years (2027,); once the
    office has entered 2027 (元旦 01-01 off), 2027-01-04.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    cal = calendar or Calendar()
    day = start
    remaining = n
    unknown: set[int] = set()
    while remaining:
        day += datetime.timedelta(days=1)
        if not cal.is_known(day.year):
            unknown.add(day.year)
        if cal.is_working_day(day):
            remaining -= 1
    return Deadline(day, tuple(sorted(unknown)))


def add_working_days(start: datetime.date, n: int) -> datetime.date:
    """The date of `deadline_after(start, n)` (for callers that do not report an unknown schedule)."""
    return deadline_after(start, n).day


def working_days_between(a: datetime.date, b: datetime.date) -> int:
    """Working days in (a, b]: how many working days after `a` it takes to reach `b` (negative if b < a)."""
    if b < a:
        return -working_days_between(b, a)
    cal = Calendar()
    count = 0
    day = a
    while day < b:
        day += datetime.timedelta(days=1)
        if cal.is_working_day(day):
            count += 1
    return count
