"""群团组织: attached to a Party organisation, with their own members who never count as Party members."""

import datetime

import pytest

from pacesetter.core.errors import PermissionDeniedError, ValidationError
from pacesetter.core.models import AuditEntry
from pacesetter.evaluations.models import MemberParticipation, RoundTarget
from pacesetter.massorgs import services
from pacesetter.massorgs.models import MassMember, MassOrganisation
from pacesetter.orgs.models import Member, Organisation
from pacesetter.orgs.selectors import annotate_subtree_counts


@pytest.fixture
def league(city):
    return services.mass_org_create(
        actor=city.office, party_org=city.school, kind="youth_league", name="实验小学团支部"
    )


def _add(city, mass_org, name="林晨", **kw):
    return services.mass_member_add(
        actor=kw.pop("actor", city.office), mass_org=mass_org, name=name, gender=kw.pop("gender", "F"), **kw
    )


def test_create_and_add_members_audited(city, league):
    m = _add(city, league, post="团支部书记", phone="13911112222", joined_on="2008-05-04")
    assert league.party_org == city.school and league.get_kind_display() == "共青团"
    assert m.joined_on == datetime.date(2008, 5, 4) and m.phone_masked == "139****2222"
    actions = list(AuditEntry.objects.filter(action__startswith="massorgs").values_list("action", flat=True))
    assert sorted(actions) == ["massorgs.create", "massorgs.member.add"]
    entry = AuditEntry.objects.get(action="massorgs.member.add")
    assert "13911112222" not in str(entry.changes)


def test_secretary_of_the_party_org_manages_outsiders_do_not(city):
    m = services.mass_org_create(
        actor=city.secretary, party_org=city.school, kind="union", name="实验小学工会"
    )
    _add(city, m, actor=city.secretary)
    for user in (city.town_secretary, city.member_user, city.leader, city.outsider):
        with pytest.raises(PermissionDeniedError):
            services.mass_org_create(actor=user, party_org=city.school, kind="women", name="妇委会")
        with pytest.raises(PermissionDeniedError):
            _add(city, m, actor=user)
    assert MassOrganisation.objects.count() == 1 and MassMember.objects.count() == 1


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "party"}, "kind"),
        ({"name": ""}, "name"),
        ({"name": "团\x00支部"}, "name"),
        ({"name": "团" * 10_000}, "name"),
        ({"name": "实验小学团支部"}, "name"),  # already exists
    ],
)
def test_mass_org_refusals_name_the_field(city, league, kwargs, field):
    data = {"kind": "youth_league", "name": "另一个团支部", **kwargs}
    with pytest.raises(ValidationError) as exc:
        services.mass_org_create(actor=city.office, party_org=city.school, **data)
    assert exc.value.field == field
    assert MassOrganisation.objects.count() == 1


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": " "}, "name"),
        ({"gender": "X"}, "gender"),
        ({"phone": "12/34"}, "phone"),
        ({"post": "x" * 101}, "post"),
        ({"joined_on": "2999-01-01"}, "joined_on"),
        ({"joined_on": "not a date"}, "joined_on"),
    ],
)
def test_member_refusals_name_the_field(city, league, kwargs, field):
    with pytest.raises(ValidationError) as exc:
        _add(city, league, **kwargs)
    assert exc.value.field == field
    assert not MassMember.objects.exists()


def test_mass_members_never_count_as_party_members(city, league):
    """Party figures read Member and Organisation: a mass organisation adds to neither."""
    before_members = Member.objects.count()
    school = Organisation.objects.get(pk=city.school.pk)
    before_direct = school.member_count
    [before_tree] = annotate_subtree_counts([Organisation.objects.get(pk=city.city.pk)])
    for i in range(5):
        _add(city, league, name=f"团员{i}")
    assert Member.objects.count() == before_members
    assert Organisation.objects.get(pk=city.school.pk).member_count == before_direct
    [after_tree] = annotate_subtree_counts([Organisation.objects.get(pk=city.city.pk)])
    assert (after_tree.subtree_members, after_tree.subtree_orgs) == (
        before_tree.subtree_members,
        before_tree.subtree_orgs,
    )
    # Ballots: targets and participation name Members and Organisations only, never a mass member.
    for model in (RoundTarget, MemberParticipation):
        related = {f.related_model for f in model._meta.concrete_fields if f.is_relation}
        assert MassMember not in related and MassOrganisation not in related


def test_member_removed_and_org_deactivated(city, league):
    m = _add(city, league)
    services.mass_member_remove(actor=city.office, member=m)
    services.mass_org_deactivate(actor=city.office, mass_org=league)
    assert not MassMember.objects.get().is_active and not MassOrganisation.objects.get().is_active
    with pytest.raises(ValidationError) as exc:
        _add(city, league)
    assert exc.value.field == "mass_org"


def test_pages(city, league, client_for):
    _add(city, league, phone="13911112222")
    office = client_for(city.office)
    listing = office.get("/massorgs/").content.decode()
    assert "实验小学团支部" in listing and 'data-testid="massorg-form"' in listing
    detail = office.get(f"/massorgs/{league.pk}/").content.decode()
    assert "13911112222" in detail  # the office holds the personal-data capability
    leader = client_for(city.leader).get(f"/massorgs/{league.pk}/").content.decode()
    assert "139****2222" in leader and "13911112222" not in leader
    assert 'data-testid="massmember-form"' not in leader
    assert client_for(city.town_secretary).get(f"/massorgs/{league.pk}/").status_code == 404
    refused = office.post("/massorgs/", {"party_org": city.school.pk, "kind": "union", "name": "坏\x07名"})
    assert refused.status_code == 200 and "控制字符" in refused.content.decode()
    made = office.post("/massorgs/", {"party_org": city.school.pk, "kind": "union", "name": "实验小学工会"})
    assert made.status_code == 302
    added = office.post(f"/massorgs/{league.pk}/", {"name": "王浩", "gender": "M", "phone": "abc"})
    assert added.status_code == 200 and "联系电话" in added.content.decode()
    assert MassMember.objects.count() == 1


def test_api(city, league, client_for):
    office = client_for(city.office)
    made = office.post(
        "/api/massorgs",
        {"party_org_id": city.town.pk, "kind": "women", "name": "和林镇妇联"},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["kind_label"] == "妇联"
    bad = office.post(
        "/api/massorgs",
        {"party_org_id": city.town.pk, "kind": "x", "name": "y"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["field"] == "kind"
    listed = office.get("/api/massorgs").json()
    assert {m["name"] for m in listed} == {"和林镇妇联", "实验小学团支部"}
    added = office.post(
        f"/api/massorgs/{league.pk}/members",
        {"name": "郑雨欣", "gender": "F", "phone": "13911112222"},
        content_type="application/json",
    )
    assert added.status_code == 201
    leader_view = client_for(city.leader).get(f"/api/massorgs/{league.pk}/members").json()
    assert [m["phone"] for m in leader_view] == ["139****2222"]
    assert (
        client_for(city.leader)
        .post(
            f"/api/massorgs/{league.pk}/members",
            {"name": "a", "gender": "F"},
            content_type="application/json",
        )
        .status_code
        == 403
    )
    assert office.get("/api/massorgs?offset=99999999999").status_code == 422
