"""The demo city: size, valid data, consistent counters, working accounts, idempotent, resettable."""

import hashlib
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum

from pacesetter.core.models import AuditEntry
from pacesetter.demo import city as demo
from pacesetter.orgs.enums import OrgType, Role
from pacesetter.orgs.models import Liaison, Member, Organisation, RoleGrant
from pacesetter.orgs.selectors import member_list_for
from pacesetter.orgs.validation import check_id_number, check_phone

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def run_demo(*args) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def fingerprint() -> str:
    rows = Member.objects.order_by("id_number").values_list(
        "id_number", "name", "organisation__path", "post", "phone"
    )
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()


def test_demo_builds_a_believable_city(client):
    output = run_demo()

    assert Organisation.objects.count() >= 300
    assert Member.objects.count() >= 5000
    # Branches are leaves; every non-root organisation has a parent one level up with a prefix path.
    assert not Organisation.objects.filter(org_type=OrgType.BRANCH, children__isnull=False).exists()
    for org in Organisation.objects.select_related("parent").exclude(depth=0):
        assert org.path.startswith(org.parent.path) and org.depth == org.parent.depth + 1
        assert len(org.path) == 4 * (org.depth + 1)
    for number, birth, joined, phone, gender in Member.objects.values_list(
        "id_number", "birth_date", "joined_on", "phone", "gender"
    ):
        assert check_id_number(number, birth) is None, number
        assert int(number[16]) % 2 == (1 if gender == "M" else 0)
        assert check_phone(phone) is None and len(phone) == 11
        assert 1940 <= birth.year <= 2000
        assert joined > birth.replace(year=birth.year + 18, day=min(birth.day, 28))
    assert Member.objects.exclude(ethnicity="汉族").exists()
    assert Member.objects.filter(ethnicity="汉族").count() > 0.85 * Member.objects.count()

    # member_count holds the active members attached directly to each organisation.
    actual = dict(Member.objects.filter(is_active=True).values_list("organisation").annotate(n=Count("id")))
    for pk, count in Organisation.objects.values_list("pk", "member_count"):
        assert count == actual.get(pk, 0)
    assert Organisation.objects.aggregate(s=Sum("member_count"))["s"] == Member.objects.count()

    assert AuditEntry.objects.filter(action="demo.build").count() == 1
    from pacesetter.points.models import PointEntry, PointPeriod

    if PointPeriod.objects.exists():  # the demo campaign covers this year: two members' records were checked
        assert PointEntry.objects.filter(event_type="record_checked").count() == 2
        # the school branch's 支部党员大会 with everyone present pays each member its meeting points
        from pacesetter.records.models import Attendance

        present = Attendance.objects.filter(status="present").count()
        assert present > 0 and PointEntry.objects.filter(event_type="meeting_attended").count() == present
    for acc in demo.ACCOUNTS:
        assert acc.username in output
        assert client.login(username=acc.username, password=demo.DEMO_PASSWORD), acc.username
        client.logout()
        grant = RoleGrant.objects.get(user__username=acc.username, revoked_at__isnull=True)
        assert grant.role == acc.role and grant.organisation.name == acc.scope
        assert grant.user.first_name


def test_demo_accounts_have_the_right_scope():
    run_demo()
    users = {
        u.username: u
        for u in demo.get_user_model().objects.filter(username__in=["cx_secretary", "leader", "member"])
    }
    visible = member_list_for(users["cx_secretary"])
    assert visible.filter(organisation__name="城厢区实验小学党支部").exists()
    assert not visible.filter(
        organisation__path__startswith=Organisation.objects.get(name="和林镇党委").path
    ).exists()
    assert 3 <= Liaison.objects.filter(leader=users["leader"]).count() <= 5
    member = Member.objects.get(user=users["member"])
    assert member.organisation.name == "城厢区实验小学党支部"
    assert users["member"].first_name == member.name
    assert RoleGrant.objects.filter(
        user=users["member"], role=Role.MEMBER, organisation=member.organisation
    ).exists()


def test_demo_twice_does_not_duplicate(client):
    run_demo()
    counts = (
        Organisation.objects.count(),
        Member.objects.count(),
        RoleGrant.objects.count(),
        Liaison.objects.count(),
    )
    before = fingerprint()
    output = run_demo()
    assert "已存在" in output and "demo12345" in output
    assert (
        Organisation.objects.count(),
        Member.objects.count(),
        RoleGrant.objects.count(),
        Liaison.objects.count(),
    ) == counts
    assert fingerprint() == before
    assert AuditEntry.objects.filter(action="demo.build").count() == 1
    assert client.login(username="office", password=demo.DEMO_PASSWORD)


def test_demo_reset_rebuilds_the_same_city():
    run_demo()
    before = fingerprint()
    run_demo("--reset")
    assert fingerprint() == before
    assert Organisation.objects.filter(depth=0, name=demo.ROOT_NAME).count() == 1
    assert demo.get_user_model().objects.filter(username="office").count() == 1


def test_demo_campaign_has_work_in_every_step(client):
    from pacesetter.campaigns.models import Campaign
    from pacesetter.commitments.models import Commitment
    from pacesetter.evaluations.models import Round
    from pacesetter.plans.models import Plan
    from pacesetter.records.models import ActivityRecord

    out = run_demo()
    campaign = Campaign.objects.get(name__endswith="（演示）")
    assert campaign.status == "active"
    assert set(Plan.objects.filter(campaign=campaign).values_list("status", flat=True)) == {
        "draft",
        "submitted",
        "returned",
        "approved",
    }
    assert ActivityRecord.objects.filter(campaign=campaign).count() > 100
    assert Commitment.objects.filter(campaign=campaign, status="published").count() >= 12
    assert Commitment.objects.filter(mass_org=None).first().title in client.get("/wall/").content.decode()
    rounds = dict(Round.objects.values_list("name", "status"))
    assert rounds == {
        "和林镇村党组织群众满意度测评（演示）": "open",
        "城厢区实验小学党支部党员互评（演示）": "open",
        "城厢区基层党组织群众评议（演示，已结束）": "closed",
        "和林镇基层党组织群众评议（演示，已结束）": "closed",
        "2011年度市直机关民主评议行风政风（演示，已结束）": "closed",
        "城厢区实验小学党支部“五带头”具体标准征询问卷": "closed",
    }
    code = out.split("输入（默认 http://127.0.0.1:8000/e/）：")[1].split("、")[0].strip()
    assert client.get(f"/e/{code}/").status_code == 200
    # the finished one is public: results with a group under k, a unit flagged, its ballot file
    closed = Round.objects.get(name="城厢区基层党组织群众评议（演示，已结束）")
    page = client.get(f"/e/results/{closed.pk}/").content.decode()
    assert page.count('data-testid="target-row"') == 8 and "样本不足" in page and "满意度过低" in page
    assert closed.low_cases.count() == 1 and closed.ballot_count == 39
    assert client.get(f"/e/results/{closed.pk}/ballots.jsonl").status_code == 200
    # the district ranking (#14) has evaluation turnout and reports closed on time for both districts
    from pacesetter.assessment.selectors import district_ranking
    from pacesetter.orgs.models import Organisation

    rows = {
        r["org"].name: r["values"] for r in district_ranking(campaign=campaign, org=campaign.organisation)
    }
    assert rows["城厢区委"]["turnout"] == 100.0 and rows["永安县委"]["turnout"] == 65.0
    assert rows["城厢区委"]["reports"] == 100.0 and rows["永安县委"]["reports"] in (50.0, 100.0)
    assert rows["市直机关工委"]["turnout"] is None  # its round belongs to no campaign
    assert Organisation.objects.filter(name="永安县委").exists()
    # the demo member account has peers to rate
    assert client.login(username="member", password="demo12345")
    assert "党员互评（演示）" in client.get("/evaluations/mine/").content.decode()


def test_demo_publicity_and_local_standards(client):
    """#16: items sent up and accepted, 简报第1期 issued, articles and a 图片展 public, 典型 at 县级 found by a
    Chinese search on the public site; a 培育 model is not public."""
    from pacesetter.publicity.models import Article, Bulletin, Exemplar, InfoItem

    run_demo()
    assert set(InfoItem.objects.values_list("status", flat=True)) == {"accepted", "returned"}
    b = Bulletin.objects.get()
    assert b.status == "issued" and b.number == 1 and b.items.count() == 2
    assert Article.objects.filter(status="published").count() == 4
    assert Article.objects.filter(event_kind="exhibition", status="published").exists()
    assert sorted(Exemplar.objects.values_list("level", flat=True)) == ["county", "county", "cultivating"]
    linked = Exemplar.objects.get(kind="member")
    assert linked.articles.filter(section="deeds").exists()
    assert linked.history.count() == 2  # registered 培育, raised to 县级
    page = client.get("/news/search/?q=结对帮扶").content.decode()
    assert "城厢区实验小学党员教师结对帮扶学困生" in page
    models = client.get("/news/models/").content.decode()
    assert linked.name in models and "党员带头发展特色种植" not in models
    # #17: local wording of the standard, requirements per member status, members with a status
    from pacesetter.campaigns.models import LocalCriteriaText, MemberRequirement
    from pacesetter.orgs.models import Member

    assert LocalCriteriaText.objects.count() == 3 and MemberRequirement.objects.count() == 4
    statuses = set(Member.objects.values_list("status", flat=True))
    assert {"on_duty", "no_post", "mobile", "elderly"} <= statuses
    assert client.login(username="member", password="demo12345")
    form = client.get("/commitments/new/?kind=member").content.decode()
    assert 'data-testid="member-requirement"' in form and 'data-testid="standard-own"' in form
