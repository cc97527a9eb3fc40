"""Per-organisation record counts for the progress dashboard (SQL aggregates)."""

from pacesetter.records import services
from pacesetter.records.selectors import RecordCounts, record_counts_by_org, record_counts_for_subtrees

from .conftest import record_fields


def test_counts_by_org_and_by_subtree(city, personal_record, meeting_record, django_assert_num_queries):
    village_record = services.record_create(
        actor=city.town_secretary, organisation=city.village, **record_fields(kind="service", title="修路")
    )
    services.record_create(actor=city.secretary, organisation=city.district, **record_fields(kind="study"))
    deleted = services.record_create(
        actor=city.secretary, organisation=city.school, **record_fields(kind="other")
    )
    services.record_delete(actor=city.secretary, record=deleted)

    with django_assert_num_queries(1):
        direct = record_counts_by_org(city.city.path)
    assert direct[city.school.pk] == RecordCounts(
        total=2, org_records=1, member_records=1, meetings=1, last_on=personal_record.occurred_on
    )
    assert direct[city.district.pk].total == 1 and direct[city.village.pk].total == 1
    assert city.town.pk not in direct
    assert set(record_counts_by_org(city.town.path)) == {city.village.pk}

    with django_assert_num_queries(1):
        subtree = record_counts_for_subtrees([city.district, city.town])
    assert subtree[city.district.pk].total == 3 and subtree[city.district.pk].member_records == 1
    assert subtree[city.town.pk] == RecordCounts(
        total=1, org_records=1, member_records=0, meetings=0, last_on=village_record.occurred_on
    )
    both = record_counts_for_subtrees([city.city, city.school, city.village])
    assert (both[city.city.pk].total, both[city.school.pk].total, both[city.village.pk].total) == (4, 2, 1)


def test_counts_filter_by_campaign_and_dates(city):
    import datetime

    from pacesetter.campaigns.models import Campaign

    before = services.record_create(
        actor=city.secretary, organisation=city.school, **record_fields(kind="study")
    )
    campaign = Campaign.objects.create(
        name="创先争优活动",
        organisation=city.city,
        starts_on=datetime.date(2010, 4, 1),
        ends_on=datetime.date(2030, 7, 1),
        status="active",
    )
    during = services.record_create(
        actor=city.secretary, organisation=city.school, **record_fields(kind="study")
    )
    assert (before.campaign, during.campaign) == (None, campaign)
    assert record_counts_by_org(city.city.path, campaign=campaign)[city.school.pk].total == 1
    assert record_counts_by_org(city.city.path)[city.school.pk].total == 2
    later = during.occurred_on + datetime.timedelta(days=1)
    assert record_counts_by_org(city.city.path, date_from=later) == {}
    assert record_counts_for_subtrees([city.school], date_from=later)[city.school.pk] == RecordCounts()
