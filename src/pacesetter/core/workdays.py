"""Working-day arithmetic on the Chinese official calendar: holidays and adjusted workdays (调休).

chinese_calendar (pip `chinesecalendar`) carries the State Council's schedule year by year. For a year it has
no data for (it raises NotImplementedError — the schedule for next year is published each November), the
fallback is Monday–Friday, so a deadline far in the future is still computable; it may move by a few days
once the schedule is known, which is why deadlines are stored as dates when an order is issued.
"""

import datetime

import chinese_calendar


def is_working_day(day: datetime.date) -> bool:
    """True on an official working day; Mon–Fri when the calendar has no data for the year."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def add_working_days(start: datetime.date, n: int) -> datetime.date:
    """The date `n` working days after `start` (the start day itself does not count).

    add_working_days(d, 0) is `d`. Issued on Friday 2025-01-24 with 5 working days: 01-26 (a Sunday made a
    workday for 春节) counts, the holiday 01-28 … 02-04 does not, so the deadline is 2025-02-07.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    day = start
    remaining = n
    while remaining:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(a: datetime.date, b: datetime.date) -> int:
    """Working days in (a, b]: how many working days after `a` it takes to reach `b` (negative if b < a)."""
    if b < a:
        return -working_days_between(b, a)
    count = 0
    day = a
    while day < b:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
