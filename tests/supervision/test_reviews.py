import datetime as dt

import pytest
from django.utils import timezone

from pacesetter.core.errors import NotFoundError, PermissionDeniedError, StateError, ValidationError
from pacesetter.core.models import AuditEntry
from pacesetter.notifications.models import Notification
from pacesetter.orgs.models import Liaison
from pacesetter.supervision import services, stats_tally
from pacesetter.supervision.enums import ReviewDue, ReviewStatus
from pacesetter.supervision.selectors import (
    liaison_status_list_for,
    overdue_reviews_for,
    published_reviews_for_org,
    review_get_for,
    review_list_for,
    supervision_stats_by_subtree,
)


def file_review(city, **kw):
    return services.review_file(
        actor=kw.pop("actor", city.leader),
        org=kw.pop("org", city.school),
        achievements="为民服务有成效",
        problems="台账不全",
        direction="完善制度",
        rating=kw.pop("rating", "fairly_good"),
        remarks=kw.pop("remarks", {city.commitment.pk: ("进度偏慢", True)}),
        **kw,
    )


def test_review_file_pulls_in_each_published_commitment_with_remarks(sup):
    review = file_review(sup)
    items = list(review.items.all())
    assert [(i.commitment_id, i.progress, i.remark, i.flagged) for i in items] == [
        (sup.commitment.pk, 40, "进度偏慢", True)
    ]
    assert review.campaign == sup.campaign
    assert review.status == ReviewStatus.FILED
    assert AuditEntry.objects.filter(action="review.file", object_id=str(review.pk)).count() == 1
    assert Notification.objects.filter(
        recipient=sup.secretary, url__contains=f"/reviews/{review.pk}/"
    ).exists()


def test_a_leader_cannot_review_an_org_that_is_not_their_liaison(sup):
    with pytest.raises(PermissionDeniedError):
        file_review(sup, org=sup.village)
    with pytest.raises(PermissionDeniedError):
        file_review(sup, actor=sup.office)  # the office is not the liaison leader


def test_review_refused_when_the_reviews_window_is_closed(sup):
    sup.review_step.opens_at = timezone.now() - dt.timedelta(days=20)
    sup.review_step.closes_at = timezone.now() - dt.timedelta(days=10)
    sup.review_step.save()
    with pytest.raises(StateError, match="已于"):
        file_review(sup)


def test_review_needs_rating_and_text(sup):
    with pytest.raises(ValidationError):
        file_review(sup, rating="great")


def test_respond_allowed_once_and_only_for_the_reviewed_org(sup):
    review = file_review(sup)
    with pytest.raises(PermissionDeniedError):
        services.review_respond(actor=sup.town_secretary, review=review, response="收到")
    with pytest.raises(PermissionDeniedError):
        services.review_respond(actor=sup.leader, review=review, response="收到")
    services.review_respond(actor=sup.secretary, review=review, response="立即整改")
    review.refresh_from_db()
    assert (review.status, review.response, review.responded_by) == (
        ReviewStatus.RESPONDED,
        "立即整改",
        sup.secretary,
    )
    with pytest.raises(StateError):
        services.review_respond(actor=sup.secretary, review=review, response="再次")


def test_publish_shows_review_on_public_selector(sup):
    review = file_review(sup)
    assert published_reviews_for_org(sup.school) == []
    with pytest.raises(PermissionDeniedError):
        services.review_publish(actor=sup.secretary, review=review)
    services.review_publish(actor=sup.leader, review=review)
    assert [r.pk for r in published_reviews_for_org(sup.school)] == [review.pk]
    services.review_publish(actor=sup.office, review=review, publish=False)
    assert published_reviews_for_org(sup.school) == []


def test_review_scope_town_secretary_cannot_see(sup):
    review = file_review(sup)
    assert list(review_list_for(sup.town_secretary)) == []
    with pytest.raises(NotFoundError):
        review_get_for(sup.town_secretary, review.pk)
    assert review_get_for(sup.secretary, review.pk) == review


def test_liaison_due_and_overdue(sup, settings):
    settings.REVIEW_INTERVAL_DAYS = 182
    settings.REVIEW_DUE_SOON_DAYS = 30
    now = timezone.now()
    Liaison.objects.filter(pk=sup.liaison.pk).update(created_at=now - dt.timedelta(days=200))
    stats_tally.rebuild()  # written past the services that keep the dashboard's counters
    [row] = liaison_status_list_for(sup.leader, mine=True)
    assert row.state == ReviewDue.OVERDUE
    assert [r.organisation for r in overdue_reviews_for(sup.office)] == [sup.school]
    stats = supervision_stats_by_subtree([sup.district, sup.town])
    assert (stats[sup.district.pk].reviews_overdue, stats[sup.town.pk].reviews_overdue) == (1, 0)
    file_review(sup)
    [row] = liaison_status_list_for(sup.leader, mine=True)
    assert row.state == ReviewDue.OK
    assert row.due_on == timezone.localdate(now + dt.timedelta(days=182))
    [row] = liaison_status_list_for(sup.leader, mine=True, now=now + dt.timedelta(days=160))
    assert row.state == ReviewDue.DUE
    assert overdue_reviews_for(sup.office) == []


def test_review_without_a_covering_campaign_is_allowed_any_time(city):
    from pacesetter.orgs.models import Liaison as L

    L.objects.create(leader=city.leader, organisation=city.school)
    review = services.review_file(
        actor=city.leader, org=city.school, achievements="a", problems="b", direction="c", rating="good"
    )
    assert review.campaign is None and review.items.count() == 0
