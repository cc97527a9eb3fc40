import datetime as dt

import pytest

from pacesetter.core.models import HolidayDay, HolidayKind, HolidaySource
from pacesetter.core.workdays import (
    add_working_days,
    deadline_after,
    holidays_unknown_message,
    is_working_day,
    working_days_between,
    year_is_known,
)

# The schedule is read from the holiday table, seeded from chinesecalendar by a migration.
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2024, 2, 4), True),  # Sunday, 调休 workday before 春节 2024
        (dt.date(2024, 2, 12), False),  # Monday inside the 春节 holiday
        (dt.date(2024, 2, 18), True),  # Sunday, 调休 workday after 春节 2024
        (dt.date(2024, 10, 1), False),  # 国庆
        (dt.date(2024, 10, 12), True),  # Saturday, 调休 workday after 国庆 2024
        (dt.date(2025, 1, 26), True),  # Sunday, 调休 workday before 春节 2025
        (dt.date(2025, 2, 3), False),  # Monday inside the 春节 holiday 2025
        (dt.date(2025, 2, 8), True),  # Saturday, 调休 workday after 春节 2025
        (dt.date(2025, 9, 28), True),  # Sunday, 调休 workday before 国庆 2025
        (dt.date(2025, 10, 8), False),  # 国庆/中秋 2025 ends on 10-08
        (dt.date(2025, 10, 11), True),  # Saturday, 调休 workday after 国庆 2025
        (dt.date(2025, 10, 12), False),  # an ordinary Sunday
    ],
)
def test_is_working_day_follows_the_official_calendar(day, expected):
    assert is_working_day(day) is expected


def test_add_working_days_across_spring_festival_2025():
    # Fri 01-24 → Sun 01-26 (调休) is day 1, Mon 01-27 day 2, holiday to 02-04, Wed 02-05 day 3 …
    assert add_working_days(dt.date(2025, 1, 24), 1) == dt.date(2025, 1, 26)
    assert add_working_days(dt.date(2025, 1, 24), 2) == dt.date(2025, 1, 27)
    assert add_working_days(dt.date(2025, 1, 24), 3) == dt.date(2025, 2, 5)
    assert add_working_days(dt.date(2025, 1, 24), 6) == dt.date(2025, 2, 8)  # Saturday 调休


def test_add_working_days_across_spring_festival_2024():
    # The holiday is 02-10…02-17; Fri 02-09 is still a workday and Sun 02-18 is one too (调休).
    assert add_working_days(dt.date(2024, 2, 8), 1) == dt.date(2024, 2, 9)
    assert add_working_days(dt.date(2024, 2, 9), 1) == dt.date(2024, 2, 18)
    assert add_working_days(dt.date(2024, 2, 4), 1) == dt.date(2024, 2, 5)


def test_add_working_days_across_national_day_2024_and_2025():
    # 2024: Sun 09-29 is a workday, 10-01…10-07 off, Sat 10-12 a workday.
    assert add_working_days(dt.date(2024, 9, 27), 1) == dt.date(2024, 9, 29)
    assert add_working_days(dt.date(2024, 9, 30), 1) == dt.date(2024, 10, 8)
    assert add_working_days(dt.date(2024, 10, 11), 1) == dt.date(2024, 10, 12)
    # 2025: 10-01…10-08 off, Sat 10-11 a workday.
    assert add_working_days(dt.date(2025, 9, 30), 1) == dt.date(2025, 10, 9)
    assert add_working_days(dt.date(2025, 9, 30), 3) == dt.date(2025, 10, 11)


def test_add_zero_days_is_the_same_day_and_negative_is_refused():
    assert add_working_days(dt.date(2025, 10, 3), 0) == dt.date(2025, 10, 3)
    with pytest.raises(ValueError):
        add_working_days(dt.date(2025, 10, 3), -1)


def test_working_days_between_counts_the_official_calendar():
    assert working_days_between(dt.date(2025, 9, 30), dt.date(2025, 10, 11)) == 3
    assert working_days_between(dt.date(2025, 10, 11), dt.date(2025, 9, 30)) == -3
    assert working_days_between(dt.date(2025, 1, 24), dt.date(2025, 2, 8)) == 6
    for n in (1, 5, 10, 30):
        start = dt.date(2024, 9, 20)
        assert working_days_between(start, add_working_days(start, n)) == n


def test_years_without_calendar_data_fall_back_to_monday_to_friday():
    assert is_working_day(dt.date(2035, 1, 1)) is True  # a Monday; no holiday data for 2035
    assert is_working_day(dt.date(2035, 1, 6)) is False  # a Saturday
    assert add_working_days(dt.date(2035, 1, 5), 1) == dt.date(2035, 1, 8)


def test_deadline_after_reports_a_year_without_schedule():
    # 2026-12-04 + 20 working days: Mon–Fri only through December and into 2027, which is not known yet.
    result = deadline_after(dt.date(2026, 12, 4), 20)
    assert result.day == dt.date(2027, 1, 1)
    assert result.unknown_years == (2027,)
    assert result.holidays_known is False
    assert year_is_known(2026) is True
    assert year_is_known(2027) is False


def test_deadline_after_a_known_year_reports_nothing_unknown():
    result = deadline_after(dt.date(2025, 1, 24), 5)
    assert result.day == dt.date(2025, 2, 7)
    assert result.unknown_years == ()
    assert result.holidays_known is True


def test_office_rows_for_a_year_make_it_known_and_count():
    HolidayDay.objects.create(
        date=dt.date(2027, 1, 1), kind=HolidayKind.OFF, note="元旦", source=HolidaySource.OFFICE
    )
    HolidayDay.objects.create(
        date=dt.date(2027, 2, 7), kind=HolidayKind.WORK, note="春节调休", source=HolidaySource.OFFICE
    )
    result = deadline_after(dt.date(2026, 12, 4), 20)
    assert result.day == dt.date(2027, 1, 4)
    assert result.unknown_years == ()
    assert is_working_day(dt.date(2027, 2, 7)) is True  # a Sunday made a working day
    assert is_working_day(dt.date(2027, 1, 1)) is False


def test_holidays_unknown_message_names_the_years():
    assert holidays_unknown_message([2028, 2027]) == (
        "2027、2028年节假日安排尚未公布，期限暂按周末计算，公布后将重新计算并通知"
    )


def test_a_year_without_rows_is_read_from_the_package():
    HolidayDay.objects.filter(date__year=2025).delete()
    assert year_is_known(2025) is True
    assert deadline_after(dt.date(2025, 1, 24), 5).day == dt.date(2025, 2, 7)
    assert deadline_after(dt.date(2025, 1, 24), 5).unknown_years == ()
