"""The sources registered this session: evaluation satisfaction and score (evaluations' one aggregation),
the points ledger (registered by points) and commendation (registered by honours)."""

import datetime
import random

from pacesetter.assessment.sources import REGISTRY
from pacesetter.campaigns.models import CriteriaSet
from pacesetter.evaluations import services as eval_services
from pacesetter.evaluations.enums import RoundStatus, Scale
from pacesetter.evaluations.results import round_results
from pacesetter.points import services as point_services
from pacesetter.points.enums import EventType, ManualBy
from tests.evaluations.helpers import codes, make_campaign, make_round
from tests.evaluations.test_results import random_answers


def _values(key, campaign, start, end):
    rows = REGISTRY[key].values(
        path=campaign.organisation.path, start=start, end=end, campaign_id=campaign.pk
    )
    return {sid: (round(v, 6) if v is not None else None, n) for sid, v, n in rows}


def _closed_round(city, campaign, seed, n=6):
    cset = CriteriaSet.objects.get(campaign=campaign, subject="org")
    r = make_round(city, criteria=cset, scale=Scale.GRADE4, k_min=3, campaign=campaign, name=f"评议{seed}")
    rng = random.Random(seed)
    for code in codes(city, r, "群众", n):
        eval_services.ballot_cast_code(code=code, answers=random_answers(r, rng))
    eval_services.round_transition(actor=city.office, round_=r, to_status=RoundStatus.CLOSED)
    r.refresh_from_db()
    return r


def test_evaluation_sources_are_the_rounds_figures_weighted_by_ballots(city):
    campaign = make_campaign(city)
    today = datetime.date.today()
    start, end = today - datetime.timedelta(days=30), today + datetime.timedelta(days=30)
    assert _values("evaluation_satisfaction", campaign, start, end) == {}
    rounds = [_closed_round(city, campaign, 1, 6), _closed_round(city, campaign, 2, 4)]
    expected_sat: dict[int, list[float]] = {}
    expected_score: dict[int, list[float]] = {}
    for r in rounds:
        for t in round_results(r).targets:
            for acc, v in ((expected_sat, t.satisfaction), (expected_score, t.score)):
                if v is not None:
                    a = acc.setdefault(t.organisation_id, [0.0, 0])
                    a[0] += v * t.sample
                    a[1] += t.sample
    assert expected_sat and expected_score
    for key, acc in (("evaluation_satisfaction", expected_sat), ("evaluation_score", expected_score)):
        assert _values(key, campaign, start, end) == {k: (round(s / n, 6), n) for k, (s, n) in acc.items()}
    # A period that ends before the rounds closed sees none of them.
    assert _values("evaluation_score", campaign, start, today - datetime.timedelta(days=1)) == {}


def test_points_sources_score_against_the_best_of_the_subtree(city):
    from pacesetter.orgs.models import Organisation

    campaign = make_campaign(city)
    period = point_services.period_create(
        actor=city.office, campaign=campaign, year=datetime.date.today().year
    )
    rule = point_services.rule_create(
        actor=city.office,
        period=period,
        name="带头服务群众",
        event_type=EventType.MANUAL,
        points=5,
        manual_by=ManualBy.OFFICE,
    )
    point_services.points_award(actor=city.office, rule=rule, member=city.teacher, reason="义务辅导")
    point_services.points_award(
        actor=city.office, rule=rule, member=city.teacher, reason="义务辅导", points=3
    )
    point_services.points_award(actor=city.office, rule=rule, member=city.farmer, reason="修路", points=2)
    today = datetime.date.today()
    start, end = today.replace(month=1, day=1), today.replace(month=12, day=31)
    assert _values("points_members", campaign, start, end) == {
        city.teacher.pk: (100.0, 1),
        city.farmer.pk: (25.0, 1),  # 2 of the best 8
    }
    counts = dict(Organisation.objects.values_list("pk", "member_count"))
    per_member = {
        city.school.pk: 8 / max(counts[city.school.pk], 1),
        city.village.pk: 2 / max(counts[city.village.pk], 1),
    }
    best = max(per_member.values())
    assert _values("points_orgs", campaign, start, end) == {
        k: (round(100 * v / best, 2), 1) for k, v in per_member.items()
    }
    # A scheme whose period lies in another year has no points years.
    last_year = start.replace(year=start.year - 1)
    assert _values("points_members", campaign, last_year, last_year.replace(month=12, day=31)) == {}


def test_commendation_source_is_registered_for_both_subjects():
    assert REGISTRY["honours_orgs"].subject == "org"
    assert REGISTRY["honours_members"].subject == "member"
