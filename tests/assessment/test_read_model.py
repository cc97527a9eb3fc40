"""The scorecard read model (assessment.derive): ranks, peer groups, grade counts and the diff stored when a
version is computed must equal what the raw scores say, and adjustments keep them current."""

from collections import Counter
from decimal import Decimal

from pacesetter.assessment import selectors, services
from pacesetter.assessment.models import Score
from pacesetter.orgs.enums import OrgType, Sector
from tests.factories import make_org

from .conftest import add_records, compute, org_scheme


def _schools(city, n=7):
    """n school branches under the district with 0–4 checked records of 4 (ties included)."""
    out = []
    for i in range(n):
        org = make_org(f"城厢区第{i}小学党支部", city.district, OrgType.BRANCH, Sector.SCHOOL)
        checked = [4, 3, 3, 2, 1, 0, 4][i % 7]
        add_records(org, checked=checked, unchecked=4 - checked)
        out.append(org)
    return out


def _rank(total, totals):
    return 1 + sum(1 for t in totals if t > total)


def test_stored_ranks_and_peers_equal_the_raw_totals(city, campaign):
    _schools(city)
    add_records(city.school, checked=2, unchecked=2)
    scheme = org_scheme(city, campaign, sources={"records_checked": (100, 2)})
    sc = compute(city, scheme)
    scores = list(Score.objects.filter(scorecard=sc).select_related("organisation"))
    assert scores
    for s in scores:
        assert s.parent_id == s.organisation.parent_id
        siblings = [
            o.total
            for o in scores
            if o.organisation.parent_id == s.organisation.parent_id and o.total is not None
        ]
        peers = [
            o.total
            for o in scores
            if o.total is not None
            and (o.organisation.sector, o.organisation.depth) == (s.organisation.sector, s.organisation.depth)
        ]
        if s.total is None:
            assert (s.sibling_rank, s.peer_rank, s.peer_ties) == (None, None, 0)
        else:
            assert s.sibling_rank == _rank(s.total, siblings)
            assert s.peer_rank == _rank(s.total, peers)
            assert s.peer_ties == peers.count(s.total) - 1
        assert s.peer_n == len(peers)
    # The school sector at branch level has 8 scored peers: 横向比 ranks, with the ties shown.
    school = next(s for s in scores if s.organisation_id == city.school.pk)
    assert selectors.peer_ranking(sc, school) == {"n": 8, "rank": 5, "ties": 1, "min": selectors.MIN_PEERS}
    # The district's ranking of its children, best first, equal totals sharing a rank.
    ranked = selectors.ranking(sc, parent=city.district)
    assert [r.rank for r in ranked] == [1, 1, 3, 3, 5, 5, 7, 8]
    assert [r.total for r in ranked] == sorted((r.total for r in ranked), reverse=True)
    # The village has fewer than MIN_PEERS peers: no rank, but the sample size.
    village = next(s for s in scores if s.organisation_id == city.village.pk)
    assert selectors.peer_ranking(sc, village)["rank"] is None


def test_grade_counts_and_diff_are_stored_and_follow_adjustments(city, campaign):
    schools = _schools(city)
    scheme = org_scheme(city, campaign, sources={"records_checked": (100, 2)})
    sc = compute(city, scheme)
    live = Counter(Score.objects.filter(scorecard=sc).values_list("grade", flat=True))
    assert sc.grade_counts == dict(live)
    assert sc.previous_id is None and selectors.scorecard_diff(sc) == []
    best = Score.objects.get(scorecard=sc, organisation=schools[0])
    services.score_adjust(actor=city.secretary, score=best, grade="fair", reason="年内发生违纪问题")
    sc.refresh_from_db()
    live = Counter(Score.objects.filter(scorecard=sc).values_list("grade", flat=True))
    assert sc.grade_counts == dict(live)
    assert list(selectors.grade_counts(sc)) == [
        g for g in ["good", "fairly_good", "fair", "poor", ""] if live[g]
    ]
    services.scorecard_publish(actor=city.office, scorecard=sc)

    # Version 2: one school improves, a new branch appears; the rest is unchanged.
    add_records(schools[4], checked=4, unchecked=0)
    newcomer = make_org("城厢区新建小学党支部", city.district, OrgType.BRANCH, Sector.SCHOOL)
    add_records(newcomer, checked=2, unchecked=0)
    sc2 = compute(city, scheme)
    assert sc2.previous_id == sc.pk
    old = {s.organisation_id: s for s in Score.objects.filter(scorecard=sc)}
    expected = {
        s.organisation_id
        for s in Score.objects.filter(scorecard=sc2)
        if s.organisation_id not in old
        or (s.total, s.grade) != (old[s.organisation_id].total, old[s.organisation_id].grade)
    }
    diff = selectors.scorecard_diff(sc2)
    assert {s.organisation_id for s in diff} == expected
    assert {schools[4].pk, newcomer.pk, schools[0].pk} <= expected  # schools[0] was adjusted in v1
    assert sc2.changed_count == len(expected)
    by_org = {s.organisation_id: s for s in diff}
    assert by_org[newcomer.pk].old_grade is None
    assert (by_org[schools[4].pk].old_total, by_org[schools[4].pk].total) == (
        Decimal("25.00"),
        Decimal("62.50"),
    )  # 1 → 5 of 8 checked
    # Adjusting schools[0] back to its v1 grade removes it from the diff; the count follows.
    s0 = Score.objects.get(scorecard=sc2, organisation=schools[0])
    services.score_adjust(actor=city.secretary, score=s0, grade="fair", reason="沿用上一版调整")
    sc2.refresh_from_db()
    assert schools[0].pk not in {s.organisation_id for s in selectors.scorecard_diff(sc2)}
    assert sc2.changed_count == len(expected) - 1
