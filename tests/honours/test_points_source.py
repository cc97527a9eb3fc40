"""获得表彰 in the points ledger: a member's honour in a 表彰决定 earns the rule's points once, through the points
sweep (the source is registered by commendation, above points); an organisation's honour earns no member
points; another year's period earns nothing."""

import datetime

import pytest
from django.utils import timezone

from pacesetter.honours import services
from pacesetter.honours.models import Honour
from pacesetter.points import services as points
from pacesetter.points.enums import EntrySource, EventType, ManualBy
from pacesetter.points.models import PointEntry

from .test_services import _to_notice

pytestmark = pytest.mark.django_db


def _rule(city, period):
    return points.rule_create(
        actor=city.office,
        period=period,
        name="受到上级表彰",
        event_type=EventType.HONOUR_AWARDED,
        points=10,
        manual_by=ManualBy.NOBODY,
    )


def test_a_members_honour_earns_points_once(city, programme):
    p, org_nomination, member_nomination = _to_notice(city, programme)
    period = points.period_create(actor=city.office, campaign=p.campaign, year=p.year)
    rule = _rule(city, period)
    assert points.points_sweep() == 0  # no decision yet: nothing to write

    later = timezone.now() + datetime.timedelta(days=8)
    services.decision_issue(actor=city.office, programme=p, number="示委〔2011〕1号", now=later)
    honour = Honour.objects.get(member=city.teacher)
    assert Honour.objects.filter(member__isnull=True).exists()  # the school's honour: no member to credit

    assert points.points_sweep() == 1
    entry = PointEntry.objects.get(rule=rule)
    assert (entry.member, entry.points, entry.source, entry.event_id) == (
        city.teacher,
        10,
        EntrySource.AUTO,
        honour.pk,
    )
    assert entry.link == f"/h/c/{honour.certificate_no}/" and honour.title in entry.reason
    assert points.points_sweep() == 0  # the ledger's unique key: never twice


def test_an_honour_of_another_year_earns_nothing_in_this_period(city, programme):
    p, _a, _b = _to_notice(city, programme)
    later = timezone.now() + datetime.timedelta(days=8)
    services.decision_issue(actor=city.office, programme=p, number="示委〔2011〕1号", now=later)
    period = points.period_create(actor=city.office, campaign=p.campaign, year=p.year + 1)
    _rule(city, period)
    assert points.points_sweep() == 0


def test_the_honour_is_on_the_members_record_page_for_those_who_may_see_the_member(
    city, programme, client_for
):
    p, _a, _b = _to_notice(city, programme)
    later = timezone.now() + datetime.timedelta(days=8)
    services.decision_issue(actor=city.office, programme=p, number="示委〔2011〕1号", now=later)
    honour = Honour.objects.get(member=city.teacher)
    url = f"/honours/members/{city.teacher.pk}/"
    page = client_for(city.secretary).get(f"/members/{city.teacher.pk}/").content.decode()
    assert f'hx-get="{url}"' in page  # the record page loads the panel
    panel = client_for(city.secretary).get(url).content.decode()
    assert honour.certificate_no in panel and honour.title in panel
    # the town's secretary may not see a member of the district's school, so not their honours either
    assert client_for(city.town_secretary).get(url).status_code in (403, 404)
    assert client_for(None).get(url).status_code in (302, 403)
    farmer = client_for(city.secretary).get(f"/honours/members/{city.farmer.pk}/")
    assert farmer.status_code in (403, 404)
