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
