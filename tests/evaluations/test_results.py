"""The one aggregation, checked against a recomputation from raw ballot rows in plain Python."""

import random
from collections import defaultdict

import pytest

from pacesetter.campaigns.models import CriteriaSet
from pacesetter.core.errors import PermissionDeniedError, ValidationError
from pacesetter.evaluations import services
from pacesetter.evaluations.enums import SCALE_OPTIONS, CaseStatus, Grade, RoundKind, RoundStatus, Scale
from pacesetter.evaluations.models import Ballot, LowSatisfactionCase, MemberGrade, RaterGroup
from pacesetter.evaluations.results import TOTAL, round_results
from pacesetter.evaluations.selectors import ballot_form

from .helpers import answers, codes, make_campaign, make_round


def random_answers(round_, rng, dk_rate=0.15):
    form = ballot_form(round_)
    scores = [o.score for o in form.options]
    return {
        str(t.id): {
            str(q.position): (None if rng.random() < dk_rate else rng.choice(scores)) for q in form.questions
        }
        for t in form.targets
    }


def expected(round_):
    """Results recomputed from the raw rows, without the SQL aggregation."""
    form = ballot_form(round_)
    options = SCALE_OPTIONS[form.scale]
    positive = {o.score for o in options if o.positive}
    weights = {g.id: g.weight for g in form.groups}
    rows = defaultdict(list)
    for b in Ballot.objects.filter(round=round_):
        rows[(b.target_id, b.group_id)].append(b)
    out = {}
    for t in form.targets:
        group_scores, group_sats = {}, {}
        for g in form.groups:
            ballots = rows[(t.id, g.id)]
            answering = [
                b for b in ballots if any(getattr(b, f"a{q.position}") is not None for q in form.questions)
            ]
            if len(answering) < round_.k_min:
                continue
            num, den, pos, ans = 0.0, 0, 0, 0
            for q in form.questions:
                vals = [
                    getattr(b, f"a{q.position}") for b in ballots if getattr(b, f"a{q.position}") is not None
                ]
                if vals:
                    num += q.weight * (sum(vals) / len(vals))
                    den += q.weight
                pos += sum(1 for v in vals if v in positive)
                ans += len(vals)
            group_scores[g.id] = num / den
            group_sats[g.id] = 100 * pos / ans
        w = sum(weights[g] for g in group_scores)
        out[t.id] = (
            sum(weights[g] * s for g, s in group_scores.items()) / w if w else None,
            sum(weights[g] * s for g, s in group_sats.items()) / w if w else None,
            sum(len(rows[(t.id, g.id)]) for g in form.groups),
        )
    return out


@pytest.fixture
def busy_round(city):
    campaign = make_campaign(city)
    cset = CriteriaSet.objects.get(campaign=campaign, subject="org")
    r = make_round(city, criteria=cset, scale=Scale.GRADE4, k_min=3)
    rng = random.Random(7)
    for name, n, paper in (("领导班子", 6, 2), ("代表", 2, 0), ("群众", 9, 4)):
        for i, code in enumerate(codes(city, r, name, n)):
            if i < paper:
                services.ballot_enter_paper(
                    actor=city.office, round_=r, code=code, answers=random_answers(r, rng)
                )
            else:
                services.ballot_cast_code(code=code, answers=random_answers(r, rng))
    services.round_transition(actor=city.office, round_=r, to_status=RoundStatus.CLOSED)
    r.refresh_from_db()
    return r


def test_open_round_is_sealed_participation_only(city):
    r = make_round(city, k_min=3)
    for code in codes(city, r, "群众", 3):
        services.ballot_cast_code(code=code, answers=answers(r, 100))
    results = round_results(r)
    assert results.sealed and results.targets == []
    assert {p.name: p.took_part for p in results.participation}["群众"] == 3
    services.round_transition(actor=city.office, round_=r, to_status=RoundStatus.CLOSED)
    r.refresh_from_db()
    results = round_results(r)
    assert not results.sealed and [t.score for t in results.targets] == [100.0] * 4


def test_ballots_of_nothing_but_dont_know_give_no_cover_under_k(city):
    """Two all-不了解 sheets beside one real one are not three ballots: the one answer would stand alone."""
    r = make_round(city, k_min=3)
    form = ballot_form(r)
    all_dk = {(t.id, q.position) for t in form.targets for q in form.questions}
    for i, code in enumerate(codes(city, r, "群众", 3)):
        services.ballot_cast_code(code=code, answers=answers(r, 0, dont_know=all_dk if i else ()))
    services.round_transition(actor=city.office, round_=r, to_status=RoundStatus.CLOSED)
    r.refresh_from_db()
    g = next(g for g in round_results(r).targets[0].groups if g.name == "群众")
    assert (g.ballots, g.answering, g.shown, g.score) == (3, 1, False, None)


def test_channel_split_never_gives_away_a_few_paper_ballots(city):
    """Total minus web must not reveal one paper sheet: the group leaves every channel's figure."""
    r = make_round(city, k_min=3)
    web, paper = codes(city, r, "群众", 4), codes(city, r, "领导班子", 3)
    for code in web[:3]:
        services.ballot_cast_code(code=code, answers=answers(r, 100))
    services.ballot_enter_paper(actor=city.office, round_=r, code=web[3], answers=answers(r, 0))
    for code in paper:
        services.ballot_enter_paper(actor=city.office, round_=r, code=code, answers=answers(r, 60))
    services.round_transition(actor=city.office, round_=r, to_status=RoundStatus.CLOSED)
    r.refresh_from_db()
    t = round_results(r).targets[0]
    assert t.by_channel[TOTAL].score == pytest.approx((30 * 60 + 10 * 75) / 40)
    # 群众 has 3 web + 1 paper: out of both channel figures; 领导班子 (3 paper) alone makes the paper one
    assert t.by_channel["web"].score is None and t.by_channel["web"].withheld == ["群众"]
    assert t.by_channel["paper"].score == pytest.approx(60.0)
    assert (t.by_channel["web"].ballots, t.by_channel["paper"].ballots) == (3, 4)


def test_totals_match_recomputation_from_raw_ballots(busy_round):
    results = round_results(busy_round)
    exp = expected(busy_round)
    assert len(results.targets) == 4
    for t in results.targets:
        score, sat, sample = exp[t.target_id]
        assert t.sample == sample == 17
        assert t.score == pytest.approx(score)
        assert t.satisfaction == pytest.approx(sat)
        assert t.by_channel[TOTAL].score == pytest.approx(score)
        assert t.by_channel["web"].ballots + t.by_channel["paper"].ballots == 17
        assert t.by_channel["paper"].ballots == 6


def test_group_under_k_is_hidden_and_its_weight_redistributed(busy_round):
    results = round_results(busy_round)
    t = results.targets[0]
    by_name = {g.name: g for g in t.groups}
    assert by_name["代表"].ballots == 2 and not by_name["代表"].shown
    assert by_name["代表"].questions == [] and by_name["代表"].score is None
    assert by_name["党员"].ballots == 0 and not by_name["党员"].shown
    assert t.dropped_groups == ["党员", "代表"]
    # 领导班子 30 and 群众 10 remain: 75 % and 25 %
    assert by_name["领导班子"].effective_weight == pytest.approx(75.0)
    assert by_name["群众"].effective_weight == pytest.approx(25.0)
    assert t.score == pytest.approx(0.75 * by_name["领导班子"].score + 0.25 * by_name["群众"].score)
    # the paper channel alone has 2 leaders and 4 public ballots: only 群众 counts there
    assert t.by_channel["paper"].score == pytest.approx(
        round_results_channel_group(busy_round, t.target_id, "群众", "paper")
    )
    # 领导班子 has 4 web and 2 paper ballots: under k on paper, so it leaves the web figure too
    assert t.by_channel["web"].withheld == ["领导班子"]
    assert t.by_channel["web"].score == pytest.approx(
        round_results_channel_group(busy_round, t.target_id, "群众", "web")
    )


def round_results_channel_group(r, target_id, group_name, channel):
    g = RaterGroup.objects.get(round=r, name=group_name)
    form = ballot_form(r)
    num = den = 0
    for q in form.questions:
        vals = [
            v
            for v in Ballot.objects.filter(
                round=r, target_id=target_id, group=g, channel=channel
            ).values_list(f"a{q.position}", flat=True)
            if v is not None
        ]
        if vals:
            num += q.weight * sum(vals) / len(vals)
            den += q.weight
    return num / den


def test_dont_know_is_excluded_from_means(city):
    r = make_round(city, k_min=3)
    form = ballot_form(r)
    first = form.targets[0].id
    for i, code in enumerate(codes(city, r, "群众", 5)):
        services.ballot_cast_code(
            code=code, answers=answers(r, 100 if i < 3 else 0, dont_know={(first, 1)} if i >= 3 else ())
        )
    services.round_transition(actor=city.office, round_=r, to_status=RoundStatus.CLOSED)
    r.refresh_from_db()
    results = round_results(r)
    t = next(t for t in results.targets if t.target_id == first)
    q = next(g for g in t.groups if g.name == "群众").questions[0]
    assert (q.answered, q.dont_know, q.mean, q.satisfaction) == (3, 2, 100.0, 100.0)
    assert q.distribution == {100: 3, 60: 0, 0: 0}
    other = next(t for t in results.targets if t.target_id != first)
    assert other.score == pytest.approx(60.0) and other.satisfaction == pytest.approx(60.0)


def test_participation_per_group(busy_round):
    results = round_results(busy_round)
    part = {p.name: (p.issued, p.took_part) for p in results.participation}
    assert part["领导班子"] == (6, 6) and part["代表"] == (2, 2) and part["群众"] == (9, 9)


def test_ranking_within_sector_with_sample(busy_round):
    results = round_results(busy_round)
    for t in results.targets:
        peers = [p for p in results.targets if p.sector == t.sector and p.score is not None]
        assert t.rank_of == len(peers)
        assert t.rank == 1 + sum(1 for p in peers if p.score > t.score)


def test_low_satisfaction_flags_cases_that_the_secretary_answers(city):
    r = make_round(city, k_min=3)
    form = ballot_form(r)
    school = next(t for t in form.targets if t.organisation_id == city.school.pk)
    for code in codes(city, r, "群众", 3):
        a = answers(r, 100)
        a[str(school.id)] = {"1": 0}
        services.ballot_cast_code(code=code, answers=a)
    services.round_transition(actor=city.office, round_=r, to_status=RoundStatus.CLOSED)
    case = LowSatisfactionCase.objects.get()
    assert case.organisation == city.school and case.satisfaction == 0
    # the school has no secretary account of its own: the district's secretary, who answers for it, is told
    from pacesetter.notifications.models import Notification

    assert Notification.objects.filter(recipient=city.secretary, title__startswith="满意度过低").exists()
    assert not Notification.objects.filter(recipient=city.office, title__startswith="满意度过低").exists()
    results = round_results(r)
    assert [t.name for t in results.targets if t.low_satisfaction] == ["城厢区实验小学党支部"]
    with pytest.raises(PermissionDeniedError):
        services.case_answer(actor=city.town_secretary, case=case, analysis="x" * 12, measures="y" * 12)
    with pytest.raises(ValidationError):
        services.case_answer(actor=city.secretary, case=case, analysis="短", measures="y" * 12)
    services.case_answer(
        actor=city.secretary,
        case=case,
        analysis="联系群众不够紧密，服务窗口时间短",
        measures="延长服务时间，每月走访",
    )
    assert LowSatisfactionCase.objects.get().status == CaseStatus.ANSWERED


def test_low_satisfaction_of_a_member_goes_to_the_secretary_of_the_member_s_organisation(city):
    r = make_round(city, k_min=3, members=True, groups=[{"name": "群众", "kind": "public", "weight": 100}])
    form = ballot_form(r)
    farmer = next(t for t in form.targets if t.member_id == city.farmer.pk)
    for code in codes(city, r, "群众", 3):
        a = answers(r, 100)
        a[str(farmer.id)] = {"1": 0}
        services.ballot_cast_code(code=code, answers=a)
    services.round_transition(actor=city.office, round_=r, to_status=RoundStatus.CLOSED)
    case = LowSatisfactionCase.objects.get()
    assert (case.target.name, case.organisation, case.satisfaction) == ("王大伯", city.village, 0)
    with pytest.raises(PermissionDeniedError):  # the school's secretary answers for the school only
        services.case_answer(actor=city.secretary, case=case, analysis="x" * 12, measures="y" * 12)


def test_assessment_round_grades_members(city):
    from tests.factories import make_member

    campaign = make_campaign(city)
    cset = CriteriaSet.objects.get(campaign=campaign, subject="member")
    extra = [make_member(city.school, f"党员{i}") for i in range(2)]
    r = make_round(
        city, criteria=cset, members=True, kind=RoundKind.ASSESSMENT, scale=Scale.GRADE4, extra_members=extra
    )
    form = ballot_form(r)
    scores = {form.targets[0].id: 100, form.targets[1].id: 80, form.targets[2].id: 60, form.targets[3].id: 0}
    for code in codes(city, r, "领导班子", 3):
        services.ballot_cast_code(
            code=code,
            answers={str(t): {str(q.position): s for q in form.questions} for t, s in scores.items()},
        )
    services.round_transition(actor=city.office, round_=r, to_status=RoundStatus.CLOSED)
    grades = dict(MemberGrade.objects.values_list("member__name", "grade"))
    assert grades == {
        "林老师": Grade.EXCELLENT,
        "王大伯": Grade.QUALIFIED,
        "党员" + extra[0].name.removeprefix("党员"): Grade.BASIC,
        extra[1].name: Grade.UNQUALIFIED,
    }


def test_results_query_count_is_bounded(busy_round, django_assert_num_queries):
    round_results(busy_round)  # warm the ballot-form cache
    # ballots GROUP BY, codes per group, member voters per group, eligible members — whatever the size
    with django_assert_num_queries(4):
        round_results(busy_round)
