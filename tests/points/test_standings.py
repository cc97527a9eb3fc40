"""Standings with ties and sample size, a member's account, and points_totals (one query) for the scorecard."""

from pacesetter.orgs.enums import OrgType, Sector
from pacesetter.points import selectors, services
from tests.factories import make_member, make_org


def test_member_standing_shows_ties_and_sample(city, period, rules):
    a = make_member(city.school, "甲")
    b = make_member(city.school, "乙")
    for m in (city.teacher, a):
        services.points_award(actor=city.secretary, rule=rules["service"], member=m, reason="辅导")
    services.points_award(actor=city.secretary, rule=rules["deduct"], member=b, reason="缺席")
    s = selectors.member_standing(city.school, period)
    assert [(m.name, m.points, m.rank, m.tied) for m in s.rows] == [
        ("林老师", 3, 1, True),
        ("甲", 3, 1, True),
        ("乙", -2, 3, False),
    ]
    assert (s.sample, s.ties) == (3, 2)


def test_org_standing_ranks_per_member_by_level_and_sector(city, period, rules):
    school2 = make_org("城厢区二小党支部", city.district, OrgType.BRANCH, Sector.SCHOOL)
    make_member(school2, "周老师")
    make_member(school2, "吴老师")
    services.points_award(actor=city.secretary, rule=rules["service"], member=city.teacher, reason="辅导")
    # Branches are at depth 2 (市委 → 区委/镇党委 → 支部).
    s = selectors.org_standing(city.city, period, depth=city.school.depth)
    assert [(r.name, r.points, r.per_member, r.rank) for r in s.rows] == [
        ("城厢区实验小学党支部", 3, 3.0, 1),
        ("八一村党支部", 0, 0.0, 2),
        ("城厢区二小党支部", 0, 0.0, 2),
    ]
    assert (s.sample, s.ties) == (3, 2)
    schools = selectors.org_standing(city.city, period, sector=Sector.SCHOOL, depth=city.school.depth)
    assert [r.name for r in schools.rows] == ["城厢区实验小学党支部", "城厢区二小党支部"]
    assert schools.sample == 2


def test_points_totals_in_one_query(city, period, rules, django_assert_num_queries):
    services.points_award(actor=city.secretary, rule=rules["service"], member=city.teacher, reason="辅导")
    services.points_award(actor=city.town_secretary, rule=rules["deduct"], member=city.farmer, reason="缺席")
    with django_assert_num_queries(1):
        per_member = selectors.points_totals(period=period, root=city.city, per="member")
    assert per_member == {city.teacher.pk: 3, city.farmer.pk: -2}
    with django_assert_num_queries(1):
        per_org = selectors.points_totals(period=period, root=city.district, per="org")
    assert per_org == {city.school.pk: 3}


def test_account_lists_every_entry_newest_first(city, period, rules):
    services.points_award(actor=city.secretary, rule=rules["service"], member=city.teacher, reason="一")
    services.points_award(actor=city.secretary, rule=rules["deduct"], member=city.teacher, reason="二")
    a = selectors.account_for(city.teacher, period)
    assert [e.reason for e in a.entries] == ["二", "一"]
    assert (a.total, a.has_more) == (1, False)
