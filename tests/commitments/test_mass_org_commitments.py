"""A 群团组织's own commitment: made through its Party organisation, shown under its own name, and left out
of the Party organisation's figures (progress by subtree, assessment)."""

import pytest

from pacesetter.commitments import services
from pacesetter.commitments.enums import CommitmentKind
from pacesetter.commitments.selectors import commitment_stats_by_subtree
from pacesetter.core.errors import PermissionDeniedError, ValidationError
from pacesetter.massorgs import services as mass

from .conftest import deadline, item, org_commitment


@pytest.fixture
def league(city):
    return mass.mass_org_create(
        actor=city.office, party_org=city.school, kind="youth_league", name="实验小学团支部"
    )


def _mass_commitment(city, campaign, league, actor=None, **kw):
    return services.commitment_create(
        actor=actor or city.secretary,
        campaign=campaign,
        mass_org=league,
        criteria_item=item(campaign),
        title="团员青年志愿服务进社区",
        target="志愿服务 12 次",
        deadline=deadline(),
        responsible="团支部书记",
        **kw,
    )


def test_mass_org_commits_in_its_own_name(city, camp, league):
    c = _mass_commitment(city, camp, league)
    assert c.kind == CommitmentKind.ORGANISATION and c.organisation == city.school and c.member is None
    assert c.mass_org == league and c.owner_name == "实验小学团支部"


def test_mass_org_commitment_refusals(city, camp, league):
    with pytest.raises(PermissionDeniedError):
        _mass_commitment(city, camp, league, actor=city.town_secretary)
    with pytest.raises(ValidationError) as exc:
        _mass_commitment(city, camp, league, organisation=city.town)
    assert exc.value.field == "mass_org"
    mass.mass_org_deactivate(actor=city.office, mass_org=league)
    with pytest.raises(ValidationError) as exc:
        _mass_commitment(city, camp, league)
    assert exc.value.field == "mass_org"


def test_progress_counts_leave_mass_org_commitments_out(city, camp, league):
    org_commitment(city, camp)
    before = {s.org.pk: s.drafted for s in commitment_stats_by_subtree(camp, city.city)}
    _mass_commitment(city, camp, league)
    after = {s.org.pk: s.drafted for s in commitment_stats_by_subtree(camp, city.city)}
    assert after == before and before[city.district.pk] == 1


def test_api_mass_org_commitment(city, camp, league, client_for):
    r = client_for(city.secretary).post(
        "/api/commitments",
        {
            "campaign_id": camp.pk,
            "mass_org_id": league.pk,
            "criteria_item_id": item(camp).pk,
            "title": "团员青年志愿服务进社区",
            "target": "志愿服务 12 次",
            "deadline": deadline().isoformat(),
            "responsible": "团支部书记",
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["mass_org_id"] == league.pk and body["owner_name"] == "实验小学团支部"
    assert body["organisation_id"] == city.school.pk


def test_pages_mass_org_commitment_from_its_page(city, camp, league, client_for):
    from pacesetter.commitments.models import Commitment

    s = client_for(city.secretary)
    page = s.get(f"/massorgs/{league.pk}/").content.decode()
    assert f"/commitments/mass-orgs/{league.pk}/" in page  # the slot that loads its commitments
    panel = s.get(f"/commitments/mass-orgs/{league.pk}/").content.decode()
    assert f"/commitments/new/?mass_org={league.pk}" in panel and "还没有承诺" in panel
    form = s.get(f"/commitments/new/?mass_org={league.pk}")
    assert form.status_code == 200 and "实验小学团支部" in form.content.decode()
    data = {
        "campaign": camp.pk,
        "criteria_item": item(camp).pk,
        "title": "团员青年志愿服务进社区",
        "target": "志愿服务 12 次",
        "deadline": deadline().isoformat(),
        "responsible": "团支部书记",
        "content": "",
    }
    r = s.post(f"/commitments/new/?mass_org={league.pk}", data)
    c = Commitment.objects.get(title="团员青年志愿服务进社区")
    assert r.status_code == 302 and c.mass_org == league and c.organisation == city.school
    assert "团员青年志愿服务进社区" in s.get(f"/commitments/mass-orgs/{league.pk}/").content.decode()
    # bad input: a clear refusal naming the field, nothing stored
    r = s.post(f"/commitments/new/?mass_org={league.pk}", {**data, "title": ""})
    assert r.status_code == 200 and Commitment.objects.filter(mass_org=league).count() == 1


def test_pages_mass_org_commitment_refused_outside_scope(city, camp, league, client_for):
    t = client_for(city.town_secretary)
    assert t.get(f"/commitments/new/?mass_org={league.pk}").status_code in (403, 404)
    assert t.post(f"/commitments/new/?mass_org={league.pk}", {"campaign": camp.pk}).status_code in (403, 404)
    assert client_for(city.secretary).get("/commitments/new/?mass_org=abc").status_code in (400, 404)
    mass.mass_org_deactivate(actor=city.office, mass_org=league)
    panel = client_for(city.secretary).get(f"/commitments/mass-orgs/{league.pk}/").content.decode()
    assert "?mass_org=" not in panel  # no button for a dissolved 群团组织
