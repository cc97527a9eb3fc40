"""The precomputed monthly figures (CaseMonth) stay equal to the figures counted from the cases through every
kind of write: filing, triage, transfer, verification, reply, rating and review, closing, the sweep."""

import datetime

import pytest

from pacesetter.complaints import services, stats
from pacesetter.complaints.models import CaseMonth
from pacesetter.complaints.selectors import month_total, monthly_stats, public_stats

from .conftest import MONDAY

pytestmark = pytest.mark.django_db


def _stored():
    return {
        (r.month, r.path): {k: getattr(r, k) for k in stats.COUNTERS}
        for r in CaseMonth.objects.all()
        if r.received  # a row emptied by a move holds zeros
    }


def _check():
    assert _stored() == stats.live_rows()


def test_rollup_follows_every_write(city, file_case):
    a, _ = file_case(now=MONDAY)
    b, _ = file_case(now=MONDAY, subject_id=city.village.pk, ip="10.0.0.2")
    t, _ = file_case(now=MONDAY, subject_type="unknown", subject_id=None, ip="10.0.0.3")
    apr, _ = file_case(now=MONDAY + datetime.timedelta(days=35), ip="10.0.0.4")
    _check()
    assert stats.live_rows()[(datetime.date(2026, 3, 1), city.city.path)]["received"] == 3
    services.case_assign(actor=city.office, case=t, organisation=city.village)
    services.case_transfer(actor=city.secretary, case=a, organisation=city.village, reason="属和林镇管辖")
    _check()
    later = MONDAY + datetime.timedelta(days=20)
    b = services.case_acknowledge(actor=city.town_secretary, case=b, now=later)
    b = services.case_verify(
        actor=city.town_secretary,
        case=b,
        checked="走访",
        checked_by="王",
        finding="partly",
        evidence="记录",
        now=later,
    )
    b = services.case_reply(actor=city.town_secretary, case=b, reply="已答复反映人，问题部分属实，已整改。")
    b = services.case_rate(case=b, level="unsatisfied", reason="整改不到位")
    _check()
    services.case_review_conclude(actor=city.office, case=b, conclusion="复查后维持原答复意见，已告知去向。")
    services.cases_sweep(now=MONDAY + datetime.timedelta(days=60))
    _check()
    services.case_decline(
        actor=city.secretary, case=apr, reason="该事项不属于本系统受理范围，请向12345热线反映。"
    )
    _check()
    total = month_total(city.city, datetime.date(2026, 3, 1))
    assert (total.received, total.closed, total.substantiated, total.unsatisfied) == (3, 1, 1, 1)
    assert total.ack_late >= 1
    # rebuild() yields the same rows as the running totals
    before = _stored()
    stats.rebuild()
    assert _stored() == before


def test_monthly_stats_own_row_is_the_subtree_minus_children(city, file_case):
    file_case(now=MONDAY, subject_id=city.city.pk)
    file_case(now=MONDAY, ip="10.0.0.2")
    total, rows = monthly_stats(city.city, datetime.date(2026, 3, 1))
    assert total.received == 2
    by_name = {r.name: r.received for r in rows}
    assert by_name == {"示范市委（本级）": 1, "城厢区委": 1, "和林镇党委": 0}
    assert [s.received for s in public_stats(city.district, today=datetime.date(2026, 3, 20))] == [1]
