"""节假日安排: a year's holiday lines, and the rectification deadlines still provisional for want of them."""

import datetime
from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Schema

from pacesetter.core.errors import ValidationError
from pacesetter.core.holidays import HolidayLine, check_year, holiday_days_of
from pacesetter.core.workdays import holidays_unknown_message
from pacesetter.supervision import holidays

from ._common import LIMIT
from ._router import router


class HolidayDayIn(Schema):
    date: datetime.date
    kind: Literal["off", "work"]
    note: str = ""


class HolidayDayOut(Schema):
    date: datetime.date
    kind: str
    note: str
    source: str


class HolidayYearIn(Schema):
    """The whole year, replacing what is there: `days`, or `text` in the import format (`2027-01-01 休`)."""

    days: list[HolidayDayIn] | None = None
    text: str | None = None


class ProvisionalDeadlineOut(Schema):
    id: int
    organisation_id: int
    deadline: datetime.date


class HolidayYearOut(Schema):
    year: int
    known: bool
    message: str
    days: list[HolidayDayOut]
    provisional_rectifications: list[ProvisionalDeadlineOut]
    recomputed_rectifications: list[int] = []


def _holiday_year(user, year: int, recomputed=()) -> dict:
    days = holiday_days_of(year)
    return {
        "year": year,
        "known": bool(days),
        "message": "" if days else holidays_unknown_message([year]),
        "days": [{"date": d.date, "kind": d.kind, "note": d.note, "source": d.source} for d in days],
        "provisional_rectifications": [
            {"id": o.pk, "organisation_id": o.organisation_id, "deadline": o.deadline}
            for o in holidays.provisional_rectifications_for(user)[:LIMIT]
        ],
        "recomputed_rectifications": [o.pk for o in recomputed],
    }


@router.get("/supervision/holidays", response=HolidayYearOut, url_name="sup-holiday-year")
def holiday_year_get(request: HttpRequest, year: int):
    return _holiday_year(request.user, check_year(year))


@router.put("/supervision/holidays", response=HolidayYearOut, url_name="sup-holiday-year")
def holiday_year_put(request: HttpRequest, year: int, payload: HolidayYearIn):
    if (payload.days is None) == (payload.text is None):
        raise ValidationError(_("请提供 days（日期列表）或 text（每行一天）其中之一"))
    days = (
        None
        if payload.days is None
        else [HolidayLine(d.date, d.kind, d.note.strip()[:60]) for d in payload.days]
    )
    result = holidays.holiday_year_publish(actor=request.user, year=year, text=payload.text, days=days)
    return _holiday_year(request.user, result.year, result.recomputed)
