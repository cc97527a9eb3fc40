"""党员点评 and 集中点评 (#19 part 1): rules, snapshot, visibility, sessions, the half-yearly check, API, pages."""

import datetime as dt

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from pacesetter.commitments.enums import CommitmentKind
from pacesetter.commitments.enums import CommitmentStatus as CS
from pacesetter.commitments.models import Commitment
from pacesetter.core.errors import NotFoundError, PermissionDeniedError, StateError, ValidationError
from pacesetter.core.models import AuditEntry
from pacesetter.notifications.models import Notification
from pacesetter.orgs.enums import Role
from pacesetter.supervision import coverage_tally, services
from pacesetter.supervision import member_reviews as mr
from pacesetter.supervision.enums import MemberReviewStatus, SessionCoverage, SessionStatus
from tests.commitments.conftest import item, make_campaign
from tests.factories import make_member, make_user

TEXTS = {
    "achievements": "带头走访群众",
    "problems": "学习记录不全",
    "direction": "坚持每周学习",
    "rating": "good",
}


def member_commitment(city, *, status=CS.PUBLISHED, title="每月走访困难群众2户", progress=30):
    campaign = getattr(city, "campaign", None) or make_campaign(city)
    city.campaign = campaign
    return Commitment.objects.create(
        campaign=campaign,
        kind=CommitmentKind.MEMBER,
        organisation=city.school,
        member=city.teacher,
        criteria_item=item(campaign),
        title=title,
        target="24户",
        deadline=timezone.localdate() + dt.timedelta(days=90),
        responsible="林老师",
        status=status,
        progress=progress,
        published_at=timezone.now(),
    )


def test_a_secretary_reviews_a_member_with_a_snapshot_of_public_commitments(city):
    c = member_commitment(city)
    member_commitment(city, status=CS.DRAFT, title="草稿承诺")
    review = mr.member_review_file(actor=city.secretary, member=city.teacher, **TEXTS)
    assert [(s["id"], s["progress"], s["status"]) for s in review.commitments] == [(c.pk, 30, CS.PUBLISHED)]
    # the snapshot does not move when the commitment does
    Commitment.objects.filter(pk=c.pk).update(progress=90)
    review.refresh_from_db()
    assert review.commitments[0]["progress"] == 30
    assert review.organisation == city.school
    assert AuditEntry.objects.filter(action="member_review.file", object_id=str(review.pk)).count() == 1
    assert Notification.objects.filter(recipient=city.member_user, kind="members.review").count() == 1


def test_who_may_review_a_member(city):
    with pytest.raises(PermissionDeniedError):
        mr.member_review_file(actor=city.town_secretary, member=city.teacher, **TEXTS)  # another subtree
    with pytest.raises(PermissionDeniedError):
        mr.member_review_file(actor=city.inspector, member=city.teacher, **TEXTS)
    with pytest.raises(PermissionDeniedError, match="不能点评自己"):
        mr.member_review_file(actor=city.member_user, member=city.teacher, **TEXTS)
    assert mr.member_review_file(actor=city.leader, member=city.teacher, **TEXTS).pk


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("achievements", "", "请填写肯定成绩"),
        ("problems", "x\x00y", "NUL"),
        ("direction", "长" * 10_000, "努力方向不能超过"),
        ("rating", "excellent", "总体评价"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_stored(city, field, value, message):
    with pytest.raises(ValidationError, match=message) as exc:
        mr.member_review_file(actor=city.secretary, member=city.teacher, **{**TEXTS, field: value})
    assert exc.value.field == field
    assert not mr.MemberReview.objects.exists()


def test_member_reviews_are_seen_by_the_member_the_branch_and_above_only(city):
    review = mr.member_review_file(actor=city.secretary, member=city.teacher, **TEXTS)
    for user in (city.member_user, city.secretary, city.office, city.leader):
        assert mr.member_review_get_for(user, review.pk) == review
    other = make_user("other_member", Role.MEMBER, city.school)
    make_member(city.school, "张同事").__class__.objects.filter(name="张同事").update(user=other)
    for user in (city.town_secretary, city.outsider, other):
        with pytest.raises(NotFoundError):
            mr.member_review_get_for(user, review.pk)


def test_only_the_member_acknowledges_and_only_once(city):
    review = mr.member_review_file(actor=city.secretary, member=city.teacher, **TEXTS)
    with pytest.raises(PermissionDeniedError):
        mr.member_review_acknowledge(actor=city.secretary, review=review)
    review = mr.member_review_acknowledge(actor=city.member_user, review=review)
    assert review.status == MemberReviewStatus.ACKNOWLEDGED and review.acknowledged_at
    with pytest.raises(StateError):
        mr.member_review_acknowledge(actor=city.member_user, review=review)


def convene(city, **kw):
    return mr.session_convene(
        actor=kw.pop("actor", city.leader),
        org=kw.pop("org", city.district),
        title=kw.pop("title", "城厢区2011年上半年集中点评会"),
        held_on=kw.pop("held_on", timezone.localdate()),
        place="区委会议室",
        attendees=kw.pop("attendees", ["李书记 城厢区委", "林老师 实验小学", "-赵委员 城厢区委"]),
    )


def test_a_session_records_attendance_and_reviews_filed_from_it(city):
    session = convene(city)
    assert [(a.name, a.present) for a in session.attendees.all()] == [
        ("李书记", True),
        ("林老师", True),
        ("赵委员", False),
    ]
    org_review = services.review_file(actor=city.leader, org=city.school, session=session, **TEXTS)
    member_review = mr.member_review_file(actor=city.leader, member=city.teacher, session=session, **TEXTS)
    assert org_review.session == session and member_review.session == session
    # outside the host's subtree: refused
    with pytest.raises(ValidationError, match="不在集中点评"):
        services.review_file(actor=city.leader, org=city.village, session=session, **TEXTS)
    # only the convener (or the office above) files from it
    with pytest.raises(PermissionDeniedError):
        mr.member_review_file(actor=city.secretary, member=city.teacher, session=session, **TEXTS)
    ids = list(session.attendees.values_list("pk", flat=True))
    mr.session_set_attendance(actor=city.leader, session=session, present_ids=[ids[2]])
    assert list(session.attendees.filter(present=True).values_list("name", flat=True)) == ["赵委员"]
    session = mr.session_close(actor=city.leader, session=session, summary="共点评2个对象")
    assert session.status == SessionStatus.CLOSED
    with pytest.raises(StateError, match="已结束"):
        mr.member_review_file(actor=city.leader, member=city.teacher, session=session, **TEXTS)
    assert AuditEntry.objects.filter(action__startswith="review_session.").count() == 3


def test_a_session_cannot_close_without_a_review_nor_be_convened_badly(city):
    session = convene(city)
    with pytest.raises(StateError, match="尚未点评"):
        mr.session_close(actor=city.leader, session=session)
    with pytest.raises(ValidationError) as exc:
        convene(city, attendees=[])
    assert exc.value.field == "attendees"
    with pytest.raises(ValidationError, match="重复"):
        convene(city, attendees=["林老师 实验小学", "林老师 实验小学"])
    with pytest.raises(ValidationError) as exc:
        convene(city, title="\x00")
    assert exc.value.field == "title"
    with pytest.raises(PermissionDeniedError):
        convene(city, actor=city.town_secretary)


def test_the_half_yearly_check(city):
    today = timezone.localdate()
    start, _end = mr.half_year(today)
    # organisations made before the last half year began: without a session they are overdue
    from pacesetter.orgs.models import Organisation

    Organisation.objects.update(created_at=timezone.now() - dt.timedelta(days=400))
    rows = {r.organisation.pk: r.state for r in mr.session_coverage_for(city.office)}
    assert set(rows.values()) == {SessionCoverage.OVERDUE}
    session = convene(city, held_on=start)
    mr.member_review_file(actor=city.leader, member=city.teacher, session=session, **TEXTS)
    rows = {r.organisation.pk: r.state for r in mr.session_coverage_for(city.office)}
    assert rows[city.district.pk] == SessionCoverage.COVERED  # hosted it
    assert rows[city.school.pk] == SessionCoverage.COVERED  # its member was reviewed at it
    assert rows[city.village.pk] == SessionCoverage.OVERDUE
    counts = mr.coverage_counts(mr.session_coverage_for(city.office))
    assert (counts.covered, counts.overdue, counts.total) == (2, 3, 5)
    # a session last half year only: this half year is pending, not overdue
    mr.ReviewSession.objects.filter(pk=session.pk).update(held_on=start - dt.timedelta(days=1))
    rows = {r.organisation.pk: r.state for r in mr.session_coverage_for(city.office)}
    assert rows[city.school.pk] == SessionCoverage.PENDING


def test_the_dashboards_coverage_counts_are_one_query_that_agrees_with_session_coverage(
    city, django_assert_num_queries
):
    """coverage_counts_for_subtree counts in SQL what session_coverage classifies in Python (the oracle)."""
    from pacesetter.orgs.models import Organisation
    from pacesetter.orgs.selectors import subtree_q
    from tests.factories import make_org

    today = timezone.localdate()
    start, _end = mr.half_year(today)
    opening = timezone.make_aware(dt.datetime.combine(start, dt.time.min))  # local midnight
    Organisation.objects.update(created_at=timezone.now() - dt.timedelta(days=400))
    # covered: the district hosts a session this half year, the school's member is reviewed at it
    session = convene(city, held_on=start)
    mr.member_review_file(actor=city.leader, member=city.teacher, session=session, **TEXTS)
    # pending: the town had one last half year only; a branch made at the local midnight the half year opened
    mr.ReviewSession.objects.create(
        organisation=city.town, leader=city.leader, title="上半年", held_on=start - dt.timedelta(days=1)
    )
    new = make_org("新成立党支部", city.town)
    Organisation.objects.filter(pk=new.pk).update(created_at=opening)
    # overdue: made a second before that midnight, nothing since (also the city and the village)
    old = make_org("老党支部", city.town)
    Organisation.objects.filter(pk=old.pk).update(created_at=opening - dt.timedelta(seconds=1))
    # inactive ones are not counted, covered or not
    gone = make_org("已撤销党支部", city.town)
    gone_covered = make_org("已撤销党支部二", city.district)
    mr.ReviewSession.objects.create(
        organisation=gone_covered, leader=city.leader, title="本半年", held_on=start
    )
    Organisation.objects.filter(pk__in=[gone.pk, gone_covered.pk]).update(
        is_active=False, created_at=timezone.now() - dt.timedelta(days=400)
    )

    def oracle(root, day):
        orgs = list(Organisation.objects.filter(subtree_q(root.path), is_active=True))
        return mr.coverage_counts(mr.session_coverage(orgs, today=day, root=root), today=day)

    coverage_tally.rebuild()  # the setup above wrote past the services that keep the counters
    with django_assert_num_queries(1):
        counts = mr.coverage_counts_for_subtree(city.city)
    assert (counts.covered, counts.pending, counts.overdue) == (2, 2, 3)  # district+school, town+new, rest
    assert counts == oracle(city.city, today) == mr.coverage_counts_for_subtree_live(city.city)
    town = mr.coverage_counts_for_subtree(city.town)
    assert (town.covered, town.pending, town.overdue) == (0, 2, 2)
    assert town == oracle(city.town, today)
    # other days move the half years: next half year (this one becomes the previous), last half year
    for day in (start + dt.timedelta(days=200), start - dt.timedelta(days=1), start - dt.timedelta(days=200)):
        for root in (city.city, city.district, city.town, city.school):
            live = mr.coverage_counts_for_subtree_live(root, today=day)
            assert mr.coverage_counts_for_subtree(root, today=day) == live == oracle(root, day), (root, day)


def test_the_coverage_counters_follow_the_services(city):
    """Sessions, reviews at them and the tree's changes keep the counters equal to a rebuild from the rows."""
    from pacesetter.orgs.services import org_move, org_set_active
    from tests.factories import make_org

    today = timezone.localdate()
    start, _end = mr.half_year(today)
    assert coverage_tally.differences() == []
    session = convene(city, held_on=start)
    mr.member_review_file(actor=city.leader, member=city.teacher, session=session, **TEXTS)
    assert coverage_tally.differences() == []
    last = convene(city, held_on=start - dt.timedelta(days=1))
    mr.member_review_file(actor=city.leader, member=city.teacher, session=last, **TEXTS)
    branch = make_org("新成立党支部", city.town)
    convene(city, org=branch, actor=city.office)
    org_set_active(actor=city.office, org=make_org("临时党支部", city.town), active=False)
    assert coverage_tally.differences() == []
    org_move(actor=city.office, org=branch, new_parent=city.district)
    assert coverage_tally.differences() == []
    for day in (today, start - dt.timedelta(days=1), start + dt.timedelta(days=200)):
        for root in (city.city, city.district, city.town):
            live = mr.coverage_counts_for_subtree_live(root, today=day)
            assert mr.coverage_counts_for_subtree(root, today=day) == live, (root, day)
    assert mr.coverage_counts_for_subtree(city.city).covered >= 2  # the district and the school
    # A wrong row is found, and repaired.
    from django.core.management import CommandError, call_command

    coverage_tally.CoverageTally.objects.filter(node=city.town).update(orgs=F("orgs") + 1)
    with pytest.raises(CommandError):
        call_command("coverage_tally")
    call_command("coverage_tally", "--repair")
    call_command("coverage_tally")
    assert coverage_tally.differences() == []


# ---------------------------------------------------------------- API and pages


def test_api_member_review_and_session(city, client_for):
    c = client_for(city.leader)
    r = c.post(
        "/api/supervision/sessions",
        {
            "organisation_id": city.district.pk,
            "title": "集中点评会",
            "held_on": timezone.localdate().isoformat(),
            "attendees": [{"name": "李书记", "unit": "区委"}, {"name": "林老师", "present": False}],
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    sid = r.json()["id"]
    r = c.post(
        f"/api/supervision/sessions/{sid}/reviews",
        {"member_id": city.teacher.pk, **TEXTS},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    r = c.post(
        f"/api/supervision/sessions/{sid}/reviews",
        {"organisation_id": city.school.pk, **TEXTS, "problems": ""},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["field"] == "problems"
    r = c.post(f"/api/supervision/sessions/{sid}/close", {"summary": "好"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "closed"
    m = client_for(city.member_user)
    mine = m.get("/api/supervision/member-reviews").json()
    assert len(mine) == 1 and mine[0]["session_id"] == sid
    r = m.post(f"/api/supervision/member-reviews/{mine[0]['id']}/acknowledge")
    assert r.status_code == 200 and r.json()["status"] == "acknowledged"
    assert (
        client_for(city.town_secretary).get(f"/api/supervision/member-reviews/{mine[0]['id']}").status_code
        == 404
    )
    assert c.get("/api/supervision/member-reviews?offset=99999999999").status_code == 422
    r = c.post(
        "/api/supervision/member-reviews",
        {"member_id": city.teacher.pk, **TEXTS, "rating": "x" * 10_000},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["field"] == "rating"


def test_pages_review_a_member_and_run_a_session(city, client_for):
    c = client_for(city.secretary)
    url = reverse("supervision:member-review-create", args=[city.teacher.pk])
    r = c.post(url, {**TEXTS, "achievements": ""})
    assert r.status_code == 422 and "请填写" in r.content.decode() or "必填" in r.content.decode()
    r = c.post(url, TEXTS)
    assert r.status_code == 302
    review = mr.MemberReview.objects.get()
    assert (
        client_for(city.member_user)
        .get(reverse("supervision:member-review-detail", args=[review.pk]))
        .status_code
        == 200
    )
    assert (
        client_for(city.town_secretary)
        .get(reverse("supervision:member-review-detail", args=[review.pk]))
        .status_code
        == 404
    )
    lc = client_for(city.leader)
    r = lc.post(
        reverse("supervision:session-create"),
        {
            "org": city.district.pk,
            "title": "集中点评",
            "held_on": timezone.localdate().isoformat(),
            "attendees": "李书记 区委\n-林老师",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    session = mr.ReviewSession.objects.get()
    page = lc.get(reverse("supervision:session-detail", args=[session.pk])).content.decode()
    assert "session-org-candidates" in page and city.school.name in page
    r = lc.post(reverse("supervision:session-review-org", args=[session.pk, city.school.pk]), TEXTS)
    assert r.status_code == 302
    assert lc.get(reverse("supervision:session-check")).status_code == 200
