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


def _page_post(c, programme, cat, **extra):
    return c.post(
        f"/honours/{programme.pk}/nominate/",
        {
            "category": cat.pk,
            "nominator": extra.pop("nominator"),
            "summary": "党建带团建，志愿服务成效显著。",
            "deed": DEED,
            **extra,
        },
    )


def test_page_form_nominates_a_mass_org(city, programme, collective, client_for):
    from pacesetter.honours.models import Nomination

    league = mass.mass_org_create(
        actor=city.office, party_org=city.school, kind="youth_league", name="实验小学团支部"
    )
    women = mass.mass_org_create(actor=city.office, party_org=city.town, kind="women", name="和林镇妇联")
    c = client_for(city.secretary)
    page = c.get(f"/honours/{programme.pk}/nominate/").content.decode()
    # the picker offers only 群团组织 inside the nominator's scope
    assert 'name="subject_mass_org"' in page and "实验小学团支部" in page and "和林镇妇联" not in page
    r = _page_post(c, programme, collective, nominator=city.district.pk, subject_mass_org=women.pk)
    assert r.status_code == 422 and not Nomination.objects.exists()  # not a choice for this user
    both = _page_post(
        c, programme, collective, nominator=city.district.pk, subject_mass_org=league.pk, subject_name="x"
    )
    assert both.status_code == 422 and "只能填写一项" in both.content.decode()
    neither = _page_post(c, programme, collective, nominator=city.district.pk)
    assert neither.status_code == 422 and "请填写推荐对象" in neither.content.decode()
    # a category for individuals refuses a 群团组织 with the service's message
    person = programme.categories.get(name="优秀共产党员")
    r = _page_post(c, programme, person, nominator=city.district.pk, subject_mass_org=league.pk)
    assert r.status_code == 422 and "不能推荐群团组织" in r.content.decode()
    assert not Nomination.objects.exists()
    r = _page_post(c, programme, collective, nominator=city.district.pk, subject_mass_org=league.pk)
    assert r.status_code == 302, r.content.decode()[:2000]
    n = Nomination.objects.get()
    assert n.subject_mass_org == league and n.subject_org == city.school


def test_page_form_has_no_picker_without_a_category_for_mass_orgs(city, programme, client_for):
    # the programme's one collective category limited to Party organisation types: no 群团 kind allowed
    programme.categories.filter(subject=Subject.ORGANISATION).update(
        rules=[{"rule": Rule.ORG_TYPE, "types": ["branch", "committee"]}]
    )
    mass.mass_org_create(actor=city.office, party_org=city.school, kind="youth_league", name="实验小学团支部")
    page = client_for(city.secretary).get(f"/honours/{programme.pk}/nominate/").content.decode()
    assert 'name="subject_mass_org"' not in page
