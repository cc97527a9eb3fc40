"""行业指导点评 (条块结合, #18): a guiding body reviews the schools of its line, in any district, while the
campaign's 领导点评 window is open — and nothing else: not a non-school organisation of the same district,
not another sector's, not outside the window; no plan approval, personal data, roles or supervision.
Each refusal says why and writes nothing. The page and the API both."""

import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone

from pacesetter.campaigns.enums import CampaignStatus
from pacesetter.campaigns.models import Campaign
from pacesetter.campaigns.services import criteria_seed_defaults
from pacesetter.core.errors import PermissionDeniedError, StateError
from pacesetter.core.models import AuditEntry
from pacesetter.core.services import token_create
from pacesetter.notifications.models import Notification
from pacesetter.orgs.enums import OrgType, Role, Sector
from pacesetter.orgs.models import Organisation, RoleGrant
from pacesetter.orgs.services import member_reveal_pii, role_grant
from pacesetter.plans import services as plans
from pacesetter.supervision import services
from pacesetter.supervision.models import Inspection, Rectification, Review
from tests.factories import make_member, make_org, make_sector_guide, make_user
from tests.plans.conftest import BODY, make_campaign
from tests.supervision.conftest import add_review_step, published_commitment

TEXT = {"achievements": "课后服务有特色", "problems": "家校联系台账不全", "direction": "完善家访制度"}


@pytest.fixture
def line(city):
    """The city's campaign with its 领导点评 window open; a school in the other district (和林镇) with a
    published commitment; a non-school branch in the school's own district; the guide of the school line."""
    city.campaign = make_campaign(city.city)
    criteria_seed_defaults(campaign=city.campaign)
    city.review_step = add_review_step(city.campaign)
    city.town_school = make_org("和林镇中心小学党支部", city.town, OrgType.BRANCH, Sector.SCHOOL)
    make_member(city.town_school, "陈老师")
    city.commitment = published_commitment(city.campaign, city.town_school, title="课后服务全覆盖")
    city.agency = make_org("城厢区机关党支部", city.district, OrgType.BRANCH, Sector.AGENCY)
    city.guide = make_sector_guide(city)
    return city


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


def file_guidance(city, org, actor=None):
    return services.review_file(
        actor=actor or city.guide, org=org, rating="fairly_good", guidance=True, remarks={}, **TEXT
    )


def test_guide_reviews_a_school_of_another_district(line):
    review = file_guidance(line, line.town_school)
    assert (review.guidance, review.leader, review.campaign) == (True, line.guide, line.campaign)
    assert [(i.commitment_id, i.title) for i in review.items.all()] == [
        (line.commitment.pk, "课后服务全覆盖")
    ]
    entry = AuditEntry.objects.get(action="review.file", object_id=str(review.pk))
    assert entry.actor == line.guide and entry.changes["guidance"] == [None, True]
    note = Notification.objects.get(url__contains=f"/reviews/{review.pk}/")
    assert note.recipient == line.town_secretary
    assert note.title == "市教育局党委对和林镇中心小学党支部作了行业指导点评，请答复"
    # the school answers it as it answers a leader's review
    services.review_respond(actor=line.town_secretary, review=review, response="已建立台账")
    review.refresh_from_db()
    assert review.status == "responded"


@pytest.mark.parametrize("which", ["agency", "village", "district"])
def test_refused_off_the_line_and_nothing_written(line, which):
    org = getattr(line, which)  # a non-school branch of the same district; another sector; the district
    with pytest.raises(PermissionDeniedError, match="不在您指导的行业范围内"):
        file_guidance(line, org)
    assert not Review.objects.exists() and not AuditEntry.objects.filter(action="review.file").exists()


def test_only_the_guiding_body_files_guidance_reviews(line):
    for actor in (line.office, line.leader, line.secretary, line.inspector):
        with pytest.raises(PermissionDeniedError):
            file_guidance(line, line.school, actor=actor)
    assert not Review.objects.exists()


def test_refused_outside_the_review_window(line):
    line.review_step.opens_at = timezone.now() - datetime.timedelta(days=20)
    line.review_step.closes_at = timezone.now() - datetime.timedelta(days=10)
    line.review_step.save()
    with pytest.raises(StateError, match="已于"):
        file_guidance(line, line.town_school)
    assert not Review.objects.exists()


def test_refused_without_a_campaign_covering_the_school(line):
    """The leader's half-yearly review is a standing duty; a guiding body writes only where a campaign allows."""
    # test data: the campaign over with (the campaigns app's own tests cover closing one)
    Campaign.objects.filter(pk=line.campaign.pk).update(status=CampaignStatus.CLOSED)
    with pytest.raises(StateError, match="没有进行中的活动"):
        file_guidance(line, line.town_school)
    assert not Review.objects.exists()


def test_publishing_and_rectification_stay_with_the_office(line, client_for):
    review = file_guidance(line, line.school)
    with pytest.raises(PermissionDeniedError):
        services.review_publish(actor=line.guide, review=review)
    with pytest.raises(PermissionDeniedError):
        services.rectification_issue(
            actor=line.guide, review=review, problem="台账不全", measures_required="补齐", working_days=10
        )
    assert not Rectification.objects.exists()
    page = client_for(line.guide).get(f"/supervision/reviews/{review.pk}/").content.decode()
    assert 'data-testid="review-guidance"' in page
    assert 'data-testid="rectify-form"' not in page and "公开到组织公开页" not in page
    # the office does both
    services.review_publish(actor=line.office, review=review)
    order = services.rectification_issue(
        actor=line.office, review=review, problem="台账不全", measures_required="补齐", working_days=10
    )
    assert order.organisation == line.school


def test_page_files_a_guidance_review(line, client_for):
    c = client_for(line.guide)
    org_page = c.get(f"/orgs/{line.town_school.pk}/").content.decode()
    assert 'data-testid="guidance-review-link"' in org_page
    form = c.get(f"/supervision/reviews/orgs/{line.town_school.pk}/guidance/")
    assert form.status_code == 200 and "行业指导点评：和林镇中心小学党支部" in form.content.decode()
    r = c.post(
        f"/supervision/reviews/orgs/{line.town_school.pk}/guidance/",
        {**TEXT, "rating": "good", f"remark_{line.commitment.pk}": "进度正常"},
    )
    review = Review.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/supervision/reviews/{review.pk}/"
    assert (review.guidance, review.rating, review.items.get().remark) == (True, "good", "进度正常")
    # nobody else sees the button, even the office over the school
    assert (
        'data-testid="guidance-review-link"'
        not in client_for(line.office).get(f"/orgs/{line.town_school.pk}/").content.decode()
    )


def test_page_refusals_are_plain_and_write_nothing(line, client_for):
    c = client_for(line.guide)
    for org in (line.agency, line.village):
        r = c.post(f"/supervision/reviews/orgs/{org.pk}/guidance/", {**TEXT, "rating": "good"})
        assert r.status_code == 404 and "该组织不在您指导的行业范围内" in r.content.decode()
    line.review_step.opens_at = timezone.now() - datetime.timedelta(days=20)
    line.review_step.closes_at = timezone.now() - datetime.timedelta(days=10)
    line.review_step.save()
    assert (
        'data-testid="window-closed"'
        in c.get(f"/supervision/reviews/orgs/{line.school.pk}/guidance/").content.decode()
    )
    r = c.post(f"/supervision/reviews/orgs/{line.school.pk}/guidance/", {**TEXT, "rating": "good"})
    assert r.status_code == 422 and "已于" in r.content.decode()
    # the leader's route and the other roles are refused by the policy
    assert c.get(f"/supervision/reviews/orgs/{line.school.pk}/new/").status_code == 403
    assert (
        client_for(line.office).get(f"/supervision/reviews/orgs/{line.school.pk}/guidance/").status_code
        == 403
    )
    assert not Review.objects.exists()


def test_api_files_a_guidance_review(line, api):
    r = api(line.guide).json(
        "post",
        "/api/supervision/guidance-reviews",
        {
            "organisation_id": line.town_school.pk,
            "rating": "fair",
            "remarks": [{"commitment_id": line.commitment.pk, "remark": "偏慢", "flagged": True}],
            **TEXT,
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["guidance"], body["organisation_id"], body["leader_id"]) == (
        True,
        line.town_school.pk,
        line.guide.pk,
    )
    assert body["items"] == [
        {
            "commitment_id": line.commitment.pk,
            "title": "课后服务全覆盖",
            "progress": 40,
            "remark": "偏慢",
            "flagged": True,
        }
    ]
    assert api(line.guide).get(f"/api/supervision/reviews/{body['id']}").json()["guidance"] is True


def test_api_refusals_and_nothing_written(line, api):
    c = api(line.guide)

    def post(org, **extra):
        return c.json(
            "post",
            "/api/supervision/guidance-reviews",
            {"organisation_id": org.pk, "rating": "good", **TEXT, **extra},
        )

    for org in (line.agency, line.village, line.district):
        r = post(org)
        assert r.status_code == 404 and r.json() == {
            "code": "not_found",
            "message": "该组织不在您指导的行业范围内，不能作行业指导点评",
            "field": "organisation_id",
        }
    bad = post(line.school, rating="great")
    assert bad.status_code == 422 and bad.json()["field"] == "rating"
    line.review_step.closes_at = timezone.now() - datetime.timedelta(days=1)
    line.review_step.save()
    closed = post(line.school)
    assert closed.status_code == 409 and closed.json()["code"] == "invalid_state"
    assert "已于" in closed.json()["message"]
    # the leader's review route is not the guide's, and the guide's is nobody else's
    assert c.json("post", "/api/supervision/reviews", {"organisation_id": line.school.pk}).status_code == 403
    office = api(line.office).json(
        "post",
        "/api/supervision/guidance-reviews",
        {"organisation_id": line.school.pk, "rating": "good", **TEXT},
    )
    assert office.status_code == 403
    assert not Review.objects.exists()


def test_no_plan_approval_personal_data_roles_or_supervision(line, api, client_for):
    secretary = make_user("school_secretary", Role.SECRETARY, line.school)
    plan = plans.plan_save(actor=secretary, campaign=line.campaign, org=line.school, title="方案", body=BODY)
    plans.plan_submit(actor=secretary, plan=plan)
    review = file_guidance(line, line.school)
    c, page = api(line.guide), client_for(line.guide)

    # plan approval
    with pytest.raises(PermissionDeniedError):
        plans.plan_decide(actor=line.guide, plan=plan, decision="approve")
    assert page.post(f"/plans/{plan.pk}/decide/", {"decision": "approve"}).status_code == 403
    assert c.json("post", f"/api/plans/{plan.pk}/decide", {"decision": "approve"}).status_code == 403
    plan.refresh_from_db()
    assert plan.status == "submitted"

    # personal data: the 身份证号 in clear
    with pytest.raises(PermissionDeniedError):
        member_reveal_pii(actor=line.guide, member=line.teacher, field="id_number")
    assert page.post(f"/members/{line.teacher.pk}/reveal/id_number/").status_code == 403
    assert c.get(f"/api/members/{line.teacher.pk}", {"reveal": "id_number"}).status_code in (403, 404)
    assert not AuditEntry.objects.filter(actor=line.guide, action__startswith="pii").exists()

    # role management
    edu = Organisation.objects.get(name="市教育局党委")
    with pytest.raises(PermissionDeniedError):
        role_grant(
            actor=line.guide, user=line.outsider, role=Role.LEADER, organisation=line.school, guide=edu
        )
    assert page.get("/roles/new/").status_code == 403
    grant = {"username": "outsider", "role": "leader", "organisation_id": line.school.pk}
    assert c.json("post", "/api/grants", grant).status_code == 403
    assert not RoleGrant.objects.filter(user=line.outsider).exists()

    # supervision: publishing, rectification, inspections
    assert page.post(f"/supervision/reviews/{review.pk}/publish/").status_code == 403
    assert (
        c.json("post", f"/api/supervision/reviews/{review.pk}/publish", {"publish": True}).status_code == 403
    )
    assert page.post(f"/supervision/reviews/{review.pk}/rectify/", {"problem": "x"}).status_code == 403
    order = {"review_id": review.pk, "problem": "台账不全", "measures_required": "补齐", "working_days": 10}
    r = c.json("post", "/api/supervision/rectifications", order)
    assert r.status_code == 403 and "整改" in r.json()["message"]
    assert page.get("/supervision/inspections/new/").status_code == 403
    inspection = {
        "organisation_id": line.school.pk,
        "method": "report",
        "planned_on": str(timezone.localdate()),
        "subject": "检查",
    }
    assert c.json("post", "/api/supervision/inspections", inspection).status_code == 403
    review.refresh_from_db()
    assert review.published_at is None
    assert not Rectification.objects.exists() and not Inspection.objects.exists()


def test_pages_name_the_guiding_body_and_link_where_the_guide_may_look(line, client_for):
    c = client_for(line.guide)
    page = c.get(f"/orgs/{line.town_school.pk}/").content.decode()
    assert 'data-testid="org-guides"' in page and "市教育局党委" in page
    for testid in ("org-progress-link", "org-plans-link", "org-records-link", "org-reviews-link"):
        assert f'data-testid="{testid}"' in page
    progress = c.get(f"/progress/?org={line.town_school.pk}&sector={Sector.SCHOOL}")
    assert progress.status_code == 200 and "和林镇中心小学党支部" in progress.content.decode()
    plans_page = c.get(f"/plans/overdue/?org={line.town_school.pk}&progress=")
    assert plans_page.status_code == 200 and "和林镇中心小学党支部" in plans_page.content.decode()
    assert c.get(f"/records/?org={line.town_school.pk}").status_code == 200
    assert c.get(f"/supervision/reviews/?org={line.town_school.pk}").status_code == 200
    # the office, holding the whole subtree, keeps its own page (no line links)
    assert (
        'data-testid="org-progress-link"'
        not in client_for(line.office).get(f"/orgs/{line.town_school.pk}/").content.decode()
    )
    # the public page names the guiding body too; an organisation off the line does not
    public = Client().get(f"/p/orgs/{line.town_school.pk}/").content.decode()
    assert 'data-testid="public-org-guides"' in public and "市教育局党委" in public
    assert "指导单位" not in Client().get(f"/p/orgs/{line.village.pk}/").content.decode()
