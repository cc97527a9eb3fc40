"""The holiday table (节假日安排): deadlines counted through an unpublished year say so, and are recomputed once
when the office enters the year — never earlier than announced, an overdue flag kept, the holder told."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest

from pacesetter.core.errors import PermissionDeniedError, ValidationError
from pacesetter.core.holidays import parse_notice
from pacesetter.core.models import AuditEntry, HolidayDay
from pacesetter.notifications.models import Notification
from pacesetter.supervision import holidays, services
from pacesetter.supervision.enums import RectificationStatus as RS
from pacesetter.supervision.models import Rectification, RectificationEvent
from pacesetter.supervision.tasks import escalate_overdue_rectifications, recompute_provisional_deadlines
from tests.factories import make_user
from tests.supervision.test_reviews import file_review

ISSUED = dt.datetime(2026, 12, 4, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
WARNING = "2027年节假日安排尚未公布，期限暂按周末计算，公布后将重新计算并通知"
NOTICE_2027 = """# 国务院办公厅关于2027年部分节假日安排的通知
2027-01-01 休 元旦
2027-01-02 休
2027-01-03 休
2027-02-07 班 春节调休
"""


def issue(city, days=20):
    return services.rectification_issue(
        actor=city.leader,
        review=file_review(city),
        problem="台账不全",
        measures_required="补齐台账",
        working_days=days,
        now=ISSUED,
    )


def test_order_due_in_unpublished_year_is_provisional_and_says_so(sup):
    order = issue(sup)

    assert order.deadline == dt.date(2027, 1, 1)
    assert order.deadline_provisional is True
    assert order.deadline_note == WARNING
    note = Notification.objects.get(recipient=sup.secretary, title__startswith="整改通知")
    assert note.body.splitlines()[0] == WARNING
    entry = AuditEntry.objects.get(action="rectification.issue", object_id=str(order.pk))
    assert entry.changes["_"]["unknown_holiday_years"] == [2027]
    assert list(holidays.provisional_rectifications_for(sup.office)) == [order]


def test_order_within_a_known_year_is_not_provisional(sup):
    order = issue(sup, days=5)
    assert order.deadline == dt.date(2026, 12, 11)
    assert order.deadline_provisional is False
    assert order.deadline_note == ""


def test_publishing_the_year_recomputes_open_orders_once_and_tells_the_holder(sup):
    order = issue(sup)

    result = holidays.holiday_year_publish(actor=sup.office, year=2027, text=NOTICE_2027)

    assert [d.date for d in result.days] == [
        dt.date(2027, 1, 1),
        dt.date(2027, 1, 2),
        dt.date(2027, 1, 3),
        dt.date(2027, 2, 7),
    ]
    assert result.recomputed == [order]
    order.refresh_from_db()
    assert (order.deadline, order.deadline_provisional, order.deadline_note) == (
        dt.date(2027, 1, 4),
        False,
        "",
    )
    assert (
        Notification.objects.filter(
            recipient=sup.secretary, title="节假日安排已公布，整改期限调整为2027年1月4日"
        ).count()
        == 1
    )
    event = RectificationEvent.objects.get(rectification=order, action="deadline")
    assert event.note == "节假日安排已公布，整改期限调整为2027年1月4日"
    assert AuditEntry.objects.filter(action="holiday.year_replace", object_id="2027").count() == 1
    assert (
        AuditEntry.objects.filter(action="rectification.deadline_recompute", object_id=str(order.pk)).count()
        == 1
    )

    again = holidays.holiday_year_publish(actor=sup.office, year=2027, text=NOTICE_2027 + "2027-02-20 班\n")
    assert again.recomputed == []
    order.refresh_from_db()
    assert order.deadline == dt.date(2027, 1, 4)
    assert list(holidays.provisional_rectifications_for(sup.office)) == []


def test_recomputed_deadline_never_moves_earlier_than_announced(sup):
    order = issue(sup, days=30)
    assert order.deadline == dt.date(2027, 1, 15)  # weekends only

    # Only an adjusted working Saturday: counted, the deadline would come a day earlier (01-14).
    holidays.holiday_year_publish(actor=sup.office, year=2027, text="2027-01-02 班")

    order.refresh_from_db()
    assert order.deadline == dt.date(2027, 1, 15)
    assert order.deadline_provisional is False
    assert Notification.objects.filter(title="节假日安排已公布，整改期限确认为2027年1月15日").count() >= 1


def test_overdue_flag_stays_set_after_recompute(sup):
    order = issue(sup)
    later = ISSUED + dt.timedelta(days=40)
    assert escalate_overdue_rectifications(now=later) == 1

    holidays.holiday_year_publish(actor=sup.office, year=2027, text=NOTICE_2027)

    order.refresh_from_db()
    assert order.overdue_at == later
    assert order.deadline == dt.date(2027, 1, 4)
    assert order.is_overdue(today=dt.date(2027, 1, 2)) is True


def test_closed_orders_are_not_recomputed(sup):
    order = issue(sup)
    services.rectification_report(actor=sup.secretary, rectification=order, measures_taken="已补齐")
    services.rectification_verify(actor=sup.leader, rectification=order, decision="close")

    result = holidays.holiday_year_publish(actor=sup.office, year=2027, text=NOTICE_2027)

    assert result.recomputed == []
    order.refresh_from_db()
    assert order.status == RS.CLOSED
    assert order.deadline == dt.date(2027, 1, 1)
    assert order.deadline_note == ""


def test_sweep_recomputes_once_a_newer_package_knows_the_year(sup, monkeypatch):
    from pacesetter.core import workdays

    order = issue(sup)
    assert recompute_provisional_deadlines() == 0  # 2027 still unknown: nothing to do

    real = workdays.package_year
    monkeypatch.setattr(
        workdays, "package_year", lambda year: {dt.date(2027, 1, 1): False} if year == 2027 else real(year)
    )
    assert recompute_provisional_deadlines() == 1
    assert recompute_provisional_deadlines() == 0

    order.refresh_from_db()
    assert (order.deadline, order.deadline_provisional) == (dt.date(2027, 1, 4), False)
    entry = AuditEntry.objects.get(action="rectification.deadline_recompute", object_id=str(order.pk))
    assert entry.actor_name == "系统"


def test_bad_line_is_refused_by_number_and_nothing_changes(sup):
    issue(sup)
    package_2026 = list(HolidayDay.objects.filter(date__year=2026).values_list("date", "kind", "source"))
    bad = "2026-01-01 休\n2026-02-30 休\n"
    with pytest.raises(ValidationError) as exc:
        holidays.holiday_year_publish(actor=sup.office, year=2026, text=bad)
    assert exc.value.message == "第2行“2026-02-30 休”：没有这个日期"
    assert (
        list(HolidayDay.objects.filter(date__year=2026).values_list("date", "kind", "source")) == package_2026
    )
    assert Rectification.objects.get().deadline_provisional is True


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2027-01-01", "第1行“2027-01-01”：应写成“2027-01-01 休”或“2027-02-07 班”"),
        ("\n2027-01-01 放", "第2行“2027-01-01 放”：日期后应写“休”或“班”"),
        ("2028-01-01 休", "第1行“2028-01-01 休”：日期不在 2027 年"),
        ("2027-01-01 休\n2027-1-1 班", "第2行“2027-1-1 班”：与第1行日期重复"),
    ],
)
def test_parse_notice_names_the_bad_line(text, message):
    with pytest.raises(ValidationError) as exc:
        parse_notice(text, 2027)
    assert exc.value.message == message


def test_parse_notice_reads_notes_comments_and_full_width_spaces():
    days = parse_notice("# 通知\n\n2027-1-1\u3000休 元旦\n2027-02-07 班", 2027)
    assert [(d.date, d.kind, d.note) for d in days] == [
        (dt.date(2027, 1, 1), "off", "元旦"),
        (dt.date(2027, 2, 7), "work", ""),
    ]


def test_office_table_replaces_the_package_rows_of_a_year(sup):
    HolidayDay.objects.get_or_create(
        date=dt.date(2026, 10, 1), defaults={"kind": "off", "note": "国庆节", "source": "package"}
    )

    holidays.holiday_year_publish(actor=sup.office, year=2026, text="2026-01-01 休 元旦")

    assert list(HolidayDay.objects.filter(date__year=2026).values_list("date", "kind", "source")) == [
        (dt.date(2026, 1, 1), "off", "office")
    ]


def test_only_an_office_on_a_top_level_organisation_edits_the_table(sup):
    district_office = make_user("district_office", "office", sup.district)
    for actor in (sup.secretary, sup.leader, district_office):
        with pytest.raises(PermissionDeniedError):
            holidays.holiday_year_publish(actor=actor, year=2027, text=NOTICE_2027)
    assert not HolidayDay.objects.filter(date__year=2027).exists()
    with pytest.raises(ValidationError):
        holidays.holiday_year_publish(actor=sup.office, year=2027, text="# nothing\n")


# ---------------------------------------------------------------- page and API


def test_holiday_page_shows_unknown_year_and_provisional_orders_then_imports(sup, client_for):
    order = issue(sup)
    c = client_for(sup.office)

    page = c.get("/supervision/holidays/?year=2027").content.decode()
    assert "2027年节假日安排尚未公布" in page
    assert f'href="/supervision/rectifications/{order.pk}/"' in page

    bad = c.post("/supervision/holidays/?year=2027", {"text": "2027-01-01 休\n2027-13-01 班"})
    assert bad.status_code == 422
    assert "第2行“2027-13-01 班”：没有这个日期" in bad.content.decode()
    assert not HolidayDay.objects.filter(date__year=2027).exists()

    ok = c.post("/supervision/holidays/?year=2027", {"text": NOTICE_2027})
    assert ok.status_code == 302
    page = c.get("/supervision/holidays/?year=2027").content.decode()
    assert "尚未公布" not in page
    assert "2027-02-07 班 春节调休" in page
    detail = c.get(f"/supervision/rectifications/{order.pk}/").content.decode()
    assert 'data-testid="holiday-warning"' not in detail
    assert "2027-01-04" in detail


def test_holiday_page_refuses_a_post_from_an_office_below_the_top(sup, client_for):
    district_office = make_user("district_office", "office", sup.district)
    c = client_for(district_office)
    page = c.get("/supervision/holidays/?year=2027")
    assert page.status_code == 200
    assert 'data-testid="holiday-form"' not in page.content.decode()
    assert c.post("/supervision/holidays/?year=2027", {"text": NOTICE_2027}).status_code == 403
    assert client_for(sup.secretary).get("/supervision/holidays/").status_code == 403


def test_rectification_page_and_api_show_the_warning(sup, client_for):
    order = issue(sup)
    c = client_for(sup.secretary)
    detail = c.get(f"/supervision/rectifications/{order.pk}/").content.decode()
    assert WARNING in detail
    data = c.get(f"/api/supervision/rectifications/{order.pk}").json()
    assert (data["deadline"], data["deadline_provisional"], data["deadline_note"]) == (
        "2027-01-01",
        True,
        WARNING,
    )


def test_holiday_api_get_and_put(sup, client_for):
    order = issue(sup)
    c = client_for(sup.office)

    got = c.get("/api/supervision/holidays?year=2027").json()
    assert (got["known"], got["days"], got["message"]) == (
        False,
        [],
        "2027年节假日安排尚未公布，期限暂按周末计算，公布后将重新计算并通知",
    )
    assert got["provisional_rectifications"] == [
        {"id": order.pk, "organisation_id": sup.school.pk, "deadline": "2027-01-01"}
    ]

    body = {
        "days": [
            {"date": "2027-01-01", "kind": "off", "note": "元旦"},
            {"date": "2027-02-07", "kind": "work"},
        ]
    }
    put = c.put("/api/supervision/holidays?year=2027", json.dumps(body), content_type="application/json")
    assert put.status_code == 200
    data = put.json()
    assert data["known"] is True
    assert data["days"] == [
        {"date": "2027-01-01", "kind": "off", "note": "元旦", "source": "office"},
        {"date": "2027-02-07", "kind": "work", "note": "", "source": "office"},
    ]
    assert data["recomputed_rectifications"] == [order.pk]
    assert data["provisional_rectifications"] == []


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"text": "2027-01-01 休\nxx"}, 422, "第2行“xx”：应写成“2027-01-01 休”或“2027-02-07 班”"),
        ({}, 422, "请提供 days（日期列表）或 text（每行一天）其中之一"),
        (
            {"days": [{"date": "2027-01-01", "kind": "off"}, {"date": "2027-01-01", "kind": "work"}]},
            422,
            "同一日期只能出现一次",
        ),
        ({"days": [{"date": "2028-01-01", "kind": "off"}]}, 422, "所有日期都应在 2027 年"),
    ],
)
def test_holiday_api_put_refuses_bad_input_and_changes_nothing(sup, client_for, body, status, message):
    c = client_for(sup.office)
    put = c.put("/api/supervision/holidays?year=2027", json.dumps(body), content_type="application/json")
    assert put.status_code == status
    assert put.json()["message"] == message
    assert not HolidayDay.objects.filter(date__year=2027).exists()


def test_holiday_api_refuses_other_offices_and_bad_years(sup, client_for):
    district_office = make_user("district_office", "office", sup.district)
    body = json.dumps({"text": NOTICE_2027})
    put = client_for(district_office).put(
        "/api/supervision/holidays?year=2027", body, content_type="application/json"
    )
    assert put.status_code == 403
    assert client_for(sup.office).get("/api/supervision/holidays?year=99999").status_code == 422
    assert client_for(sup.secretary).get("/api/supervision/holidays?year=2027").status_code == 403
