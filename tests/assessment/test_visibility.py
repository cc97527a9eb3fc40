"""Who sees member grades: the member their own, the branch's secretary and those above the branch, nobody
else; the public notice board only published organisation grades."""

from pacesetter.assessment import selectors, services
from pacesetter.assessment.enums import Subject
from pacesetter.assessment.models import Score

from .conftest import END, START, add_records, compute, org_scheme


def _member_scorecard(city, campaign):
    add_records(city.school, checked=2, unchecked=0, member=city.teacher)
    add_records(city.village, checked=1, unchecked=1, member=city.farmer)
    scheme = services.scheme_create(
        actor=city.office,
        campaign=campaign,
        name="党员考核",
        subject=Subject.MEMBER,
        period_start=START,
        period_end=END,
        sources={"member_records_checked": (100, 1)},
        grade_lines={"excellent": 90, "qualified": 75, "basic": 60},
    )
    sc = compute(city, scheme)
    services.scorecard_publish(actor=city.office, scorecard=sc)
    return sc


def _seen(user, sc):
    return set(selectors.score_list_for(user, sc).values_list("member_id", flat=True))


def test_member_grades_are_seen_by_the_member_the_branch_and_above_only(city, campaign):
    sc = _member_scorecard(city, campaign)
    assert _seen(city.member_user, sc) == {city.teacher.pk}  # the member: only their own grade
    assert _seen(city.secretary, sc) == {city.teacher.pk}  # the district above the school, not the town's
    assert _seen(city.town_secretary, sc) == {city.farmer.pk}
    assert _seen(city.office, sc) == {city.teacher.pk, city.farmer.pk}
    assert _seen(city.outsider, sc) == set()
    assert [s.member_id for s in selectors.my_score_list_for(city.member_user)] == [city.teacher.pk]
    # Member grades never reach the public notice board.
    assert not selectors.published_org_scores(city.school).exists()


def test_public_board_shows_published_organisation_grades_only(city, campaign):
    add_records(city.school, checked=4, unchecked=0)
    scheme = org_scheme(city, campaign, sources={"records_checked": (100, 1)})
    sc = compute(city, scheme)
    assert not selectors.published_org_scores(city.school).exists()  # computed, not published
    services.scorecard_publish(actor=city.office, scorecard=sc)
    assert [s.pk for s in selectors.published_org_scores(city.school)] == [
        Score.objects.get(scorecard=sc, organisation=city.school).pk
    ]
