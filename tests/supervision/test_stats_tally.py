"""The dashboard's supervision counters (supervision.stats_tally, #23): after every kind of write they equal a
rebuild from the raw rows, and the figures read from them equal supervision_stats_by_subtree_live — across
the due / overdue line to the microsecond, across midnight and across a deadline."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F
from django.utils import timezone
from freezegun import freeze_time

from pacesetter.orgs.models import Liaison
from pacesetter.orgs.services import liaison_add, liaison_remove, org_move, org_set_active
from pacesetter.supervision import holidays, services, stats_tally
from pacesetter.supervision.models import LiaisonClock, Rectification, SupervisionTally
from pacesetter.supervision.selectors import supervision_stats_by_subtree, supervision_stats_by_subtree_live
from tests.factories import make_org
from tests.supervision.test_holidays import NOTICE_2027
from tests.supervision.test_holidays import issue as issue_provisional
from tests.supervision.test_rectification import issue
from tests.supervision.test_reviews import file_review

SHANGHAI = ZoneInfo("Asia/Shanghai")


def roots(city):
    orgs = [city.city, city.district, city.town, city.school, city.village]
    for o in orgs:
        o.refresh_from_db()  # a move rewrote the paths the live rule reads
    return orgs


def assert_consistent(city, *, now=None):
    """The tables equal a rebuild from the rows, and the figures equal the live rule for every node."""
    assert stats_tally.differences() == []
    assert stats_tally.clock_differences() == []
    for group in (roots(city), [city.district, city.town], [city.school]):
        live = supervision_stats_by_subtree_live(group, now=now)
        assert supervision_stats_by_subtree(group, now=now) == live


def test_counters_follow_every_write(sup):
    assert_consistent(sup)
    # a link made through the service, a review restarting its clock
    link = liaison_add(actor=sup.office, leader=sup.leader, organisation=sup.village)
    assert_consistent(sup)
    file_review(sup, org=sup.village, remarks={})
    assert_consistent(sup)
    # orders: issued, reported, rejected, closed; flagged by the sweep
    first, second = issue(sup, days=3), issue(sup, days=3)
    assert supervision_stats_by_subtree([sup.district])[sup.district.pk].rectifications_open == 2
    assert_consistent(sup)
    services.rectification_report(actor=sup.secretary, rectification=first, measures_taken="补齐")
    services.rectification_verify(actor=sup.leader, rectification=first, decision="reject", note="不全")
    assert_consistent(sup)
    later = timezone.now() + dt.timedelta(days=30)
    services.rectification_escalate_overdue(now=later)
    stats = supervision_stats_by_subtree([sup.district], now=later)[sup.district.pk]
    assert (stats.rectifications_open, stats.rectifications_overdue) == (2, 2)
    assert_consistent(sup, now=later)
    services.rectification_report(actor=sup.secretary, rectification=second, measures_taken="补齐")
    services.rectification_verify(actor=sup.leader, rectification=second, decision="close")
    assert supervision_stats_by_subtree([sup.district])[sup.district.pk].rectifications_open == 1
    assert_consistent(sup)
    # the link removed
    liaison_remove(actor=sup.office, link=link)
    assert not LiaisonClock.objects.filter(liaison_id=link.pk).exists()
    assert_consistent(sup)


def test_counters_follow_a_recomputed_deadline(sup):
    order = issue_provisional(sup)
    assert order.deadline_provisional
    announced = order.deadline
    holidays.holiday_year_publish(actor=sup.office, year=2027, text=NOTICE_2027)
    order.refresh_from_db()
    assert order.deadline != announced
    for day in (announced, order.deadline, order.deadline + dt.timedelta(days=1)):
        now = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
        assert_consistent(sup, now=now)


def test_counters_follow_moves_and_deactivation(sup):
    branch = make_org("新成立党支部", sup.town)
    liaison_add(actor=sup.office, leader=sup.leader, organisation=branch)
    file_review(sup, org=branch, remarks={})
    review = file_review(sup, org=sup.school, remarks={})
    services.rectification_issue(
        actor=sup.leader, review=review, problem="台账不全", measures_required="补齐", working_days=3
    )
    assert_consistent(sup)
    org_move(actor=sup.office, org=branch, new_parent=sup.district)
    assert_consistent(sup)
    org_move(actor=sup.office, org=sup.school, new_parent=sup.town)  # with its order
    assert supervision_stats_by_subtree([sup.town])[sup.town.pk].rectifications_open == 1
    assert_consistent(sup)
    overdue = timezone.now() + dt.timedelta(days=400)
    assert supervision_stats_by_subtree([sup.district], now=overdue)[sup.district.pk].reviews_overdue == 1
    org_set_active(actor=sup.office, org=branch, active=False)  # its link no longer counts
    assert supervision_stats_by_subtree([sup.district], now=overdue)[sup.district.pk].reviews_overdue == 0
    assert_consistent(sup, now=overdue)
    org_set_active(actor=sup.office, org=branch, active=True)
    assert_consistent(sup, now=overdue)


def test_figures_equal_the_live_rule_across_the_lines(sup, settings):
    """A link's base compared to the microsecond with now - interval (+ soon), on either side of midnight;
    an order's deadline against today."""
    settings.REVIEW_INTERVAL_DAYS, settings.REVIEW_DUE_SOON_DAYS = 10, 3
    interval, soon = dt.timedelta(days=10), dt.timedelta(days=3)
    bases = [
        dt.datetime(2026, 3, 2, 0, 0, tzinfo=SHANGHAI),  # midnight itself
        dt.datetime(2026, 3, 2, 9, 30, tzinfo=SHANGHAI),
        dt.datetime(2026, 3, 2, 23, 59, 59, 999999, tzinfo=SHANGHAI),
        dt.datetime(2026, 3, 4, 12, 0, tzinfo=SHANGHAI),
    ]
    for i, base in enumerate(bases):
        org = make_org(f"测试党支部{i}", sup.town if i % 2 else sup.district)
        with freeze_time(base):
            liaison_add(actor=sup.office, leader=sup.leader, organisation=org)
    order = issue(sup, days=3)
    # written past the services (then rebuilt): an order due 2026-03-04, and without the fixture's link
    Rectification.objects.filter(pk=order.pk).update(deadline=dt.date(2026, 3, 4))
    Liaison.objects.filter(organisation=sup.school).delete()
    stats_tally.rebuild()
    assert_consistent(sup)
    micro = dt.timedelta(microseconds=1)
    instants = []
    for base in bases:
        for line in (base + interval, base + interval - soon):
            instants += [line - micro, line, line + micro]
    instants += [dt.datetime(2026, 3, d, h, tzinfo=SHANGHAI) for d in (3, 4, 5) for h in (0, 23)]
    seen = set()
    for now in instants:
        for group in (roots(sup), [sup.district, sup.town]):
            counted = supervision_stats_by_subtree(group, now=now)
            assert counted == supervision_stats_by_subtree_live(group, now=now), now
        seen.add((counted[sup.district.pk].reviews_overdue, counted[sup.district.pk].reviews_due))
    assert len(seen) > 4  # the instants do cross the lines
    with freeze_time(bases[1] + interval):
        assert supervision_stats_by_subtree([sup.city]) == supervision_stats_by_subtree_live([sup.city])


def test_figures_read_two_queries(sup, django_assert_num_queries):
    issue(sup)
    orgs = roots(sup)
    with django_assert_num_queries(2):
        stats = supervision_stats_by_subtree(orgs)
    assert stats == supervision_stats_by_subtree_live(orgs)
    assert stats[sup.city.pk].rectifications_open == 1


def test_command_finds_and_repairs_a_corrupted_row(sup):
    issue(sup)
    call_command("stats_tally")
    SupervisionTally.objects.filter(node=sup.town).update(orders=F("orders") + 1)
    SupervisionTally.objects.filter(node=sup.district).update(flagged=F("flagged") + 2)
    LiaisonClock.objects.update(base_at=timezone.now() - dt.timedelta(days=1000))
    with pytest.raises(CommandError):
        call_command("stats_tally")
    assert len(stats_tally.differences()) >= 2 and len(stats_tally.clock_differences()) == 1
    call_command("stats_tally", "--repair")
    call_command("stats_tally")
    assert_consistent(sup)
