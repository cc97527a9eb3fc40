"""Sector guidance (条块结合): a role over one sector across the tree, through the one scope helper.

The city's education bureau committee follows every school of the city, whatever district it is in, and
nothing else: not another sector's organisation, not the non-school organisation of the same district, no
personal data, no plan approval, role management or supervision.
"""

import datetime
import json

import pytest
from django.test import Client

from pacesetter.campaigns import tallies
from pacesetter.campaigns.services import criteria_seed_defaults
from pacesetter.commitments.enums import CommitmentKind, CommitmentStatus
from pacesetter.commitments.models import Commitment
from pacesetter.core.errors import PermissionDeniedError, ValidationError
from pacesetter.core.services import token_create
from pacesetter.orgs.enums import ROLE_CAPS, SECTOR_ROLES, Cap, OrgType, Role, Sector
from pacesetter.orgs.models import Organisation, RoleGrant
from pacesetter.orgs.selectors import guides_of, org_in_scope, org_list_for, org_roots_for, scope_for
from pacesetter.orgs.services import role_grant
from pacesetter.plans import services as plans
from pacesetter.records import services as records
from tests.commitments.conftest import item as criteria_item
from tests.factories import make_member, make_org, make_sector_guide, make_user
from tests.plans.conftest import BODY, make_campaign


@pytest.fixture
def town_school(city):
    """A school in the other district (和林镇): the sector line crosses districts."""
    school = make_org("和林镇中心小学党支部", city.town, OrgType.BRANCH, Sector.SCHOOL)
    make_member(school, "陈老师")
    return school


@pytest.fixture
def guide(city, town_school):
    return make_sector_guide(city)


@pytest.fixture
def api():
    def make(user):
        _token, key = token_create(actor=user, name="test")
        c = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
        c.json = lambda method, url, data=None: getattr(c, method)(
            url, json.dumps(data or {}), content_type="application/json"
        )
        return c

    return make


def test_the_role_gives_no_approval_personal_data_roles_or_supervision():
    caps = ROLE_CAPS[Role.GUIDE]
    assert caps == {Cap.ORG_VIEW, Cap.CAMPAIGN_VIEW, Cap.PROGRESS_VIEW, Cap.RECORD_VIEW, Cap.GUIDANCE_REVIEW}
    # 行业指导点评 is the guiding body's alone: not even the office holds it
    assert [r for r, held in ROLE_CAPS.items() if Cap.GUIDANCE_REVIEW in held] == [Role.GUIDE]
    # Code that walks grants by path alone (records, commitments, publicity, assessment rules) checks these
    # capabilities, so a sector grant must never hold them.
    assert not caps & {
        Cap.PLAN_REVIEW,
        Cap.PERSON_VIEW,
        Cap.PERSON_PII,
        Cap.ROLE_MANAGE,
        Cap.SUPERVISION_MANAGE,
        Cap.RECORD_LOG,
        Cap.RECORD_CHECK,
        Cap.COMMITMENT_WRITE,
        Cap.COMMITMENT_REVIEW,
        Cap.PUBLICITY_DRAFT,
        Cap.PUBLICITY_PUBLISH,
        Cap.ASSESSMENT_VIEW,
        Cap.CASE_VIEW,
    }
    assert {Role.GUIDE} == SECTOR_ROLES


def test_scope_is_the_sector_line_across_districts(city, guide, town_school):
    scope = scope_for(guide, Cap.ORG_VIEW)
    assert scope.roots == [] and scope.lines == [(city.city.path, Sector.SCHOOL)]
    assert scope.covers(city.school) and scope.covers(town_school)
    assert not scope.covers(city.village)  # another sector
    assert not scope.covers(city.district)  # the non-school organisation of the same district
    assert not scope.covers(city.city)
    assert set(org_list_for(guide)) == {city.school, town_school}
    assert set(org_roots_for(guide)) == {city.school, town_school}
    assert not org_in_scope(guide, city.school, Cap.PERSON_VIEW)
    assert not org_in_scope(guide, city.school, Cap.PLAN_REVIEW)
    # A whole subtree held as well folds the line inside it away.
    RoleGrant.objects.create(user=guide, role=Role.LEADER, organisation=city.city)
    guide._pacesetter_grants = None
    del guide._pacesetter_grants
    assert scope_for(guide, Cap.ORG_VIEW).roots == [city.city.path]
    assert scope_for(guide, Cap.ORG_VIEW).lines == []


def test_granted_only_by_the_office_with_a_sector_and_a_guiding_body(city):
    user = make_user("edu")
    edu = make_org("市教育局党委", city.city)
    with pytest.raises(ValidationError) as exc:
        role_grant(actor=city.office, user=user, role=Role.GUIDE, organisation=city.city, guide=edu)
    assert exc.value.field == "sector"
    with pytest.raises(ValidationError) as exc:
        role_grant(actor=city.office, user=user, role=Role.GUIDE, organisation=city.city, sector="x" * 10_000)
    assert exc.value.field == "sector"
    with pytest.raises(ValidationError) as exc:
        role_grant(
            actor=city.office, user=user, role=Role.GUIDE, organisation=city.city, sector=Sector.SCHOOL
        )
    assert exc.value.field == "guide"
    with pytest.raises(ValidationError):  # only the sector role takes a sector
        role_grant(
            actor=city.office, user=user, role=Role.LEADER, organisation=city.city, sector=Sector.SCHOOL
        )
    for actor in (city.secretary, city.inspector, city.leader, city.outsider):
        with pytest.raises(PermissionDeniedError):
            role_grant(
                actor=actor,
                user=user,
                role=Role.GUIDE,
                organisation=city.district,
                sector="school",
                guide=edu,
            )
    assert not RoleGrant.objects.filter(user=user).exists()
    grant = role_grant(
        actor=city.office, user=user, role=Role.GUIDE, organisation=city.city, sector=Sector.SCHOOL, guide=edu
    )
    assert (grant.sector, grant.guide) == (Sector.SCHOOL, edu)
    assert guides_of(city.school) == [edu]
    assert guides_of(city.village) == [] and guides_of(city.district) == []


def test_api_follows_every_school_and_nothing_else(city, guide, town_school, api):
    c = api(guide)
    detail = c.get(f"/api/orgs/{city.school.pk}")
    assert detail.status_code == 200 and detail.json()["guide_names"] == ["市教育局党委"]
    assert c.get(f"/api/orgs/{town_school.pk}").status_code == 200
    for org in (city.village, city.district, city.town, city.city):
        assert c.get(f"/api/orgs/{org.pk}").status_code == 404, org.name
    assert {o["name"] for o in c.get("/api/orgs").json()} == {city.school.name, town_school.name}
    # personal data, roles, supervision: refused
    assert c.get("/api/members").status_code == 403
    assert c.get(f"/api/members/{city.teacher.pk}").status_code in (403, 404)
    assert c.get("/api/grants").status_code == 403
    assert (
        c.json("post", "/api/grants", {"username": "x", "role": "leader", "organisation_id": 1}).status_code
        == 403
    )


def test_api_plans_records_commitments_and_progress_by_sector_line(city, guide, town_school, api):
    campaign = make_campaign(city.city)
    secretary = make_user("school_secretary", Role.SECRETARY, city.school)
    plan = plans.plan_save(actor=secretary, campaign=campaign, org=city.school, title="方案", body=BODY)
    plans.plan_submit(actor=secretary, plan=plan)
    plans.plan_decide(actor=city.secretary, plan=plan, decision="approve")
    village_plan = plans.plan_save(
        actor=city.town_secretary, campaign=campaign, org=city.village, title="村", body=BODY
    )
    plans.plan_submit(actor=city.town_secretary, plan=village_plan)
    plans.plan_decide(actor=city.office, plan=village_plan, decision="approve")
    fields = {"kind": "service", "title": "义务辅导", "occurred_on": datetime.date.today(), "content": "辅导"}
    org_record = records.record_create(actor=secretary, organisation=city.school, **fields)
    personal = records.record_create(actor=city.member_user, member=city.teacher, **fields)
    village_record = records.record_create(actor=city.town_secretary, organisation=city.village, **fields)

    criteria_seed_defaults(campaign=campaign)

    def commitment(org):
        return Commitment.objects.create(
            criteria_item=criteria_item(campaign),
            campaign=campaign,
            kind=CommitmentKind.ORGANISATION,
            organisation=org,
            title=f"{org.name}的承诺",
            target="100%",
            deadline=datetime.date.today() + datetime.timedelta(days=30),
            responsible="书记",
            status=CommitmentStatus.PUBLISHED,
        )

    school_commitment, village_commitment = commitment(city.school), commitment(city.village)
    tallies.rebuild()  # the commitments above are written past the services that keep the dashboard's counters
    c = api(guide)

    assert c.get(f"/api/plans/{plan.pk}").status_code == 200
    assert c.get(f"/api/plans/{village_plan.pk}").status_code == 404
    assert (
        c.json("post", f"/api/plans/{plan.pk}/decide", {"decision": "return", "comment": "x"}).status_code
        == 403
    )

    seen = {r["id"] for r in c.get("/api/records").json()}
    assert org_record.pk in seen and personal.pk not in seen and village_record.pk not in seen
    assert c.get(f"/api/records/{personal.pk}").status_code == 404

    seen = {x["id"] for x in c.get("/api/commitments").json()}
    assert school_commitment.pk in seen and village_commitment.pk not in seen

    body = c.get("/api/progress").json()  # the guide's own line by default
    assert body["sector"] == Sector.SCHOOL and body["org_id"] == city.city.pk
    assert [r["label"] for r in body["children"]] == [city.district.name, city.town.name]
    assert body["totals"]["plans"]["total"] == 2 and body["totals"]["plans"]["done"] == 1
    assert body["totals"]["records"]["done"] == 1
    assert [r["key"] for r in body["sectors"]] == [Sector.SCHOOL]
    assert c.get("/api/progress", {"sector": Sector.VILLAGE}).status_code == 404
    assert c.get("/api/progress", {"org_id": city.village.pk}).status_code == 404
    bad = c.get("/api/progress", {"sector": "x" * 10_000})
    assert bad.status_code == 422 and bad.json()["field"] == "sector" and "行业" in bad.json()["message"]

    # The office drills the same line (all schools of the city) as well as the subtree.
    office = api(city.office)
    line = office.get("/api/progress", {"sector": Sector.SCHOOL}).json()
    assert line["totals"]["plans"] == body["totals"]["plans"]
    whole = office.get("/api/progress").json()
    assert whole["sector"] == "" and whole["totals"]["plans"]["total"] > 2


def test_pages_show_the_guiding_body_and_the_line(city, guide, town_school, client_for):
    make_campaign(city.city)
    c = client_for(guide)
    page = c.get(f"/orgs/{city.school.pk}/").content.decode()
    assert "指导单位" in page and "市教育局党委" in page
    assert c.get(f"/orgs/{city.village.pk}/").status_code == 404
    tree = c.get("/orgs/").content.decode()
    assert city.school.name in tree and town_school.name in tree and city.village.name not in tree
    progress = c.get("/progress/").content.decode()
    assert 'data-testid="progress-line"' in progress and city.town.name in progress
    assert "八一村" not in progress
    assert c.get(f"/progress/?sector={Sector.VILLAGE}").status_code == 404
    # Organisations without a guiding body say nothing of one.
    assert "指导单位" not in client_for(city.office).get(f"/orgs/{city.village.pk}/").content.decode()


def test_revoked_grant_follows_nothing(city, guide, api):
    RoleGrant.objects.filter(user=guide).update(revoked_at=datetime.datetime.now(datetime.UTC))
    assert api(guide).get(f"/api/orgs/{city.school.pk}").status_code in (403, 404)
    assert guides_of(city.school) == []
    assert Organisation.objects.filter(name="市教育局党委").exists()
