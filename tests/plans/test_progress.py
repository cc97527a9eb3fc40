"""The overdue list: statuses and counts computed in SQL, the review queue, and reminders once a day."""

import datetime

import pytest
from django.utils import timezone

from pacesetter.core.errors import PermissionDeniedError, StateError
from pacesetter.core.models import AuditEntry
from pacesetter.notifications.models import Notification
from pacesetter.orgs.enums import OrgType, Role, Sector
from pacesetter.plans import services, tasks
from pacesetter.plans.enums import PlanProgress
from pacesetter.plans.models import PlanReminder
from pacesetter.plans.selectors import (
    org_progress_counts,
    org_progress_counts_live,
    org_progress_list,
    overdue_orgs,
    progress_root_for,
    review_queue_for,
)
from tests.factories import make_org, make_user

from .conftest import BODY, make_campaign


@pytest.fixture
def late_campaign(city):
    return make_campaign(city.city, deadline_days=-1)


def _progress(campaign, root):
    return {o.name: o.progress for o in org_progress_list(campaign=campaign, root=root)}


def test_progress_before_deadline_has_no_overdue(campaign, city, school_secretary):
    services.plan_save(actor=school_secretary, campaign=campaign, org=city.school, title="t", body=BODY)
    assert _progress(campaign, city.city) == {
        "城厢区委": PlanProgress.NOT_STARTED,
        "城厢区实验小学党支部": PlanProgress.DRAFT,
        "和林镇党委": PlanProgress.NOT_STARTED,
        "八一村党支部": PlanProgress.NOT_STARTED,
    }
    assert not overdue_orgs(campaign=campaign).exists()


def _submitted_returned_approved(c, city, school_secretary, village_secretary):
    """The school's plan submitted, the village's returned, the town's approved."""
    p = services.plan_save(actor=school_secretary, campaign=c, org=city.school, title="t", body=BODY)
    services.plan_submit(actor=school_secretary, plan=p)
    q = services.plan_save(actor=village_secretary, campaign=c, org=city.village, title="t", body=BODY)
    services.plan_submit(actor=village_secretary, plan=q)
    services.plan_decide(actor=city.town_secretary, plan=q, decision="return", comment="改")
    r = services.plan_save(actor=city.town_secretary, campaign=c, org=city.town, title="t", body=BODY)
    services.plan_submit(actor=city.town_secretary, plan=r)
    services.plan_decide(actor=city.office, plan=r, decision="approve")


def test_progress_after_deadline(late_campaign, city, school_secretary, village_secretary):
    c = late_campaign
    _submitted_returned_approved(c, city, school_secretary, village_secretary)
    make_org("已撤销支部", city.town, OrgType.BRANCH).__class__.objects.filter(name="已撤销支部").update(
        is_active=False
    )
    assert _progress(c, city.city) == {
        "城厢区委": PlanProgress.OVERDUE,
        "城厢区实验小学党支部": PlanProgress.SUBMITTED,
        "和林镇党委": PlanProgress.APPROVED,
        "八一村党支部": PlanProgress.OVERDUE,  # returned and not resubmitted
    }
    assert [o.name for o in overdue_orgs(campaign=c)] == ["城厢区委", "八一村党支部"]
    assert _progress(c, city.town) == {
        "和林镇党委": PlanProgress.APPROVED,
        "八一村党支部": PlanProgress.OVERDUE,
    }
    school = org_progress_list(campaign=c, root=city.school).get()
    assert (school.plan_status, school.plan_is_late, school.parent_name) == ("submitted", True, "城厢区委")


@pytest.mark.parametrize("deadline_days", [-1, 10])
def test_filtering_by_progress_selects_exactly_the_rows_annotated_with_it(
    city, school_secretary, village_secretary, deadline_days
):
    # The filter is written on the plan's columns (not on the CASE the annotation uses, which the planner
    # cannot estimate); each value must select the same rows as the annotation, before and after the deadline.
    c = make_campaign(city.city, deadline_days=deadline_days)
    _submitted_returned_approved(c, city, school_secretary, village_secretary)
    make_org("草稿支部", city.town, OrgType.BRANCH)
    services.plan_save(
        actor=city.town_secretary,
        campaign=c,
        org=make_org("另一支部", city.town, OrgType.BRANCH),
        title="t",
        body=BODY,
    )
    annotated = _progress(c, city.city)
    assert len(set(annotated.values())) >= (3 if deadline_days < 0 else 5)  # every value that can occur
    for value in PlanProgress.values:
        got = [o.name for o in org_progress_list(campaign=c, root=city.city, progress=value)]
        assert sorted(got) == sorted(n for n, v in annotated.items() if v == value), value
        assert all(o.progress == value for o in org_progress_list(campaign=c, root=city.city, progress=value))


@pytest.mark.parametrize("deadline_days", [-1, 10])
def test_counts_from_the_counters_equal_the_counts_from_the_rows(
    city, school_secretary, village_secretary, deadline_days
):
    # The overall plan's counts on the overdue list come from the roll-up counters; after every kind of plan
    # change they must equal the GROUP BY over the rows, for every root and sector line.
    c = make_campaign(city.city, deadline_days=deadline_days)
    roots = [city.city, city.district, city.school, city.town, city.village]

    def check():
        for root in roots:
            for sector in ("", Sector.SCHOOL, Sector.VILLAGE, Sector.AGENCY):
                stored = org_progress_counts(campaign=c, root=root, sector=sector)
                assert stored == org_progress_counts_live(campaign=c, root=root, sector=sector), (
                    root,
                    sector,
                )

    check()
    p = services.plan_save(actor=school_secretary, campaign=c, org=city.school, title="t", body=BODY)
    check()
    services.plan_submit(actor=school_secretary, plan=p)
    q = services.plan_save(actor=village_secretary, campaign=c, org=city.village, title="t", body=BODY)
    services.plan_submit(actor=village_secretary, plan=q)
    check()
    services.plan_decide(actor=city.town_secretary, plan=q, decision="return", comment="改")
    services.plan_decide(actor=city.secretary, plan=p, decision="approve")
    make_org("新建支部", city.town, OrgType.BRANCH, Sector.VILLAGE)
    check()
    assert org_progress_counts(campaign=c, root=city.city)["total"] == 5


def test_counts_in_one_query(late_campaign, city, django_assert_num_queries):
    for i in range(5):
        make_org(f"新村{i}党支部", city.town, OrgType.BRANCH, Sector.VILLAGE)
    with django_assert_num_queries(1):
        counts = org_progress_counts(campaign=late_campaign, root=city.city)
    assert counts == {
        "not_started": 0,
        "draft": 0,
        "submitted": 0,
        "returned": 0,
        "approved": 0,
        "overdue": 9,
        "total": 9,
    }
    with django_assert_num_queries(1):
        rows = list(org_progress_list(campaign=late_campaign, root=city.town, progress="overdue")[:3])
    assert [o.name for o in rows] == ["和林镇党委", "八一村党支部", "新村0党支部"]


def test_progress_root_follows_scope(campaign, city):
    assert progress_root_for(city.office, campaign) == city.city
    assert progress_root_for(city.secretary, campaign) == city.district
    assert progress_root_for(city.town_secretary, campaign, city.village.pk) == city.village
    from pacesetter.core.errors import NotFoundError

    with pytest.raises(NotFoundError):
        progress_root_for(city.town_secretary, campaign, city.school.pk)


def test_review_queue_lists_children_of_reviewers_scope(campaign, city, school_secretary, village_secretary):
    p = services.plan_save(actor=school_secretary, campaign=campaign, org=city.school, title="校", body=BODY)
    services.plan_submit(actor=school_secretary, plan=p)
    q = services.plan_save(
        actor=village_secretary, campaign=campaign, org=city.village, title="村", body=BODY
    )
    services.plan_submit(actor=village_secretary, plan=q)
    d = services.plan_save(actor=city.secretary, campaign=campaign, org=city.district, title="区", body=BODY)
    services.plan_submit(actor=city.secretary, plan=d)
    assert [x.title for x in review_queue_for(city.secretary)] == ["校"]  # not its own district plan
    assert [x.title for x in review_queue_for(city.town_secretary)] == ["村"]
    assert [x.title for x in review_queue_for(city.office)] == ["校", "村", "区"]
    assert list(review_queue_for(school_secretary)) == []
    assert list(review_queue_for(city.member_user)) == []


def test_sweep_reminds_overdue_secretaries_once_a_day(
    late_campaign, city, school_secretary, village_secretary
):
    p = services.plan_save(
        actor=school_secretary, campaign=late_campaign, org=city.school, title="t", body=BODY
    )
    services.plan_submit(actor=school_secretary, plan=p)
    Notification.objects.all().delete()
    assert tasks.remind_overdue_plans() == 3  # district, town, village (school has submitted)
    reminded = sorted(Notification.objects.values_list("recipient__username", flat=True))
    assert reminded == ["secretary", "town_secretary", "village_secretary"]
    assert Notification.objects.first().title == "请尽快报送实施方案：深入开展创先争优活动"
    assert sorted(PlanReminder.objects.values_list("organisation__name", "recipients")) == [
        ("八一村党支部", 1),
        ("和林镇党委", 1),
        ("城厢区委", 1),
    ]
    assert tasks.remind_overdue_plans() == 0  # same day: nothing again
    assert Notification.objects.count() == 3
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert services.plan_remind_overdue(actor=None, campaign=late_campaign, today=tomorrow) == 3
    assert Notification.objects.count() == 6
    entry = AuditEntry.objects.filter(action="plan.remind").order_by("id").first()
    assert entry.actor is None and entry.changes["_"] == {"organisations": 3, "recipients": 3}


def test_sweep_ignores_campaigns_before_deadline(campaign, city):
    assert tasks.remind_overdue_plans() == 0
    assert not Notification.objects.exists()


def test_manual_remind_by_office_only(late_campaign, city):
    with pytest.raises(PermissionDeniedError):
        services.plan_remind_overdue(actor=city.secretary, campaign=late_campaign, root=city.district)
    assert services.plan_remind_overdue(actor=city.office, campaign=late_campaign, root=city.town) == 2
    assert PlanReminder.objects.get(organisation=city.town).sent_by == city.office


def test_manual_remind_before_deadline_refused(campaign, city):
    with pytest.raises(StateError, match="截止日期还没到"):
        services.plan_remind_overdue(actor=city.office, campaign=campaign)


def test_reminder_bulk_insert_query_count(late_campaign, city, django_assert_max_num_queries):
    town = city.town
    for i in range(20):
        org = make_org(f"新{i}村党支部", town, OrgType.BRANCH, Sector.VILLAGE)
        make_user(f"sec{i}", Role.SECRETARY, org)
    with django_assert_max_num_queries(12):
        assert services.plan_remind_overdue(actor=None, campaign=late_campaign) == 24


def test_dashboard_and_plan_lists_cover_the_same_subtree(campaign, city):
    """One answer to "which subtree": the progress dashboard agrees with the plans lists, fallback included."""
    from pacesetter.core.errors import NotFoundError
    from pacesetter.progress.selectors import progress_scope

    cases = [
        (city.office, None),
        (city.office, city.city.pk),
        (city.secretary, None),
        (city.town_secretary, city.village.pk),
        (city.town_secretary, city.school.pk),
    ]
    district_campaign = make_campaign(city.district)
    assert progress_root_for(city.office, district_campaign, city.city.pk) == city.district
    assert progress_scope(city.office, district_campaign.pk, city.city.pk)[2] == city.district
    for user, org_id in cases:
        try:
            expected = progress_root_for(user, campaign, org_id)
        except NotFoundError:
            with pytest.raises(NotFoundError):
                progress_scope(user, campaign.pk, org_id)
        else:
            assert progress_scope(user, campaign.pk, org_id)[2] == expected
