"""A 先进集体 category limited to 群团组织 types accepts a youth league, union or women's organisation."""

import pytest

from pacesetter.core.errors import ValidationError
from pacesetter.honours import services
from pacesetter.honours.enums import Rule, Subject
from pacesetter.massorgs import services as mass

from .conftest import DEED


@pytest.fixture
def collective(city, programme):
    cat = services.category_save(
        actor=city.office,
        programme=programme,
        name="先进集体（群团）",
        subject=Subject.ORGANISATION,
        quota=2,
        rules=[{"rule": Rule.ORG_TYPE, "types": ["youth_league", "union", "women"]}],
    )
    services.quota_allocate(actor=city.office, category=cat, organisation=city.district, amount=2)
    return cat


def _nominate(city, cat, **subject):
    return services.nomination_create(
        actor=city.secretary,
        category=cat,
        nominator=city.district,
        summary="党建带团建，志愿服务成效显著。",
        deed=DEED,
        **subject,
    )


def test_collective_category_accepts_a_mass_org(city, collective):
    league = mass.mass_org_create(
        actor=city.office, party_org=city.school, kind="youth_league", name="实验小学团支部"
    )
    n = _nominate(city, collective, subject_mass_org=league)
    assert n.subject_mass_org == league and n.subject_org == city.school
    assert n.display_name == "实验小学团支部" and n.org_label == "城厢区实验小学党支部 / 实验小学团支部"
    with pytest.raises(ValidationError, match="已被推荐"):
        _nominate(city, collective, subject_mass_org=league)


def test_collective_category_refuses_a_party_org_by_its_type(city, collective):
    with pytest.raises(ValidationError, match="组织类别为：工会、妇联、共青团"):
        _nominate(city, collective, subject_org=city.school)


def test_mass_org_outside_the_nominators_subtree_refused(city, collective):
    women = mass.mass_org_create(actor=city.office, party_org=city.town, kind="women", name="和林镇妇联")
    with pytest.raises(ValidationError) as exc:
        _nominate(city, collective, subject_mass_org=women)
    assert exc.value.field == "subject"


def test_party_categories_keep_refusing_mass_orgs_for_individuals(city, programme):
    members_cat = programme.categories.all()[1]
    league = mass.mass_org_create(
        actor=city.office, party_org=city.school, kind="youth_league", name="实验小学团支部"
    )
    with pytest.raises(ValidationError) as exc:
        _nominate(city, members_cat, subject_mass_org=league)
    assert exc.value.field == "subject"


def test_rule_types_validated(city, programme):
    with pytest.raises(ValidationError) as exc:
        services.category_save(
            actor=city.office,
            programme=programme,
            name="先进集体",
            subject=Subject.ORGANISATION,
            quota=1,
            rules=[{"rule": Rule.ORG_TYPE, "types": ["youth_league", "club"]}],
        )
    assert exc.value.field == "rules"
