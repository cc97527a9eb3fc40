"""党员点评 and 集中点评 (#19 part 1): rules, writes and reads.

- A member is reviewed by whoever holds `member.review` over the member's organisation (the branch
  secretary, a leader granted above it, the office), never by themselves. The review keeps a snapshot of
  the member's public commitments. It is seen by the member, and by `person.view` over the organisation
  the member belonged to when reviewed (the branch and its ancestors); the member acknowledges it (阅知).
- A 集中点评 session is convened on an organisation; while it is open its convener files reviews of the
  organisations and members of that subtree from it; attendance is recorded per attendee; closing it is a
  transition. Each organisation should have one every half year (`session_coverage`).
Every write checks permission, runs in one transaction, changes a status only through the tables in
enums.py and writes an audit row.
"""

import datetime
from dataclasses import dataclass
from functools import partial

from django.db import transaction
from django.db.models import Case, CharField, Count, Exists, Max, OuterRef, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.commitments.enums import PUBLIC_STATES, CommitmentKind
from pacesetter.commitments.models import Commitment
from pacesetter.core.audit import audit_log, audit_status
from pacesetter.core.errors import PermissionDeniedError, StateError, ValidationError
from pacesetter.core.lookup import get_or_not_found
from pacesetter.core.people import display_name
from pacesetter.core.text import clean_text
from pacesetter.core.transitions import status_cas
from pacesetter.notifications.kinds import Kind
from pacesetter.notifications.services import notify
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.models import Member, Organisation
from pacesetter.orgs.selectors import org_in_scope, scope_q, subtree_q

from . import coverage_tally
from .enums import (
    MEMBER_REVIEW_TRANSITIONS,
    SESSION_TRANSITIONS,
    MemberReviewAction,
    Rating,
    SessionAction,
    SessionCoverage,
    SessionStatus,
)
from .models import MemberReview, Review, ReviewSession, SessionAttendee

TEXT_MAX = 5000
NAME_MAX = 50
UNIT_MAX = 100
TITLE_MAX = 200
MAX_ATTENDEES = 300
MAX_SNAPSHOT = 100


# the shared check of free text, with this module's default length
_text = partial(clean_text, limit=TEXT_MAX)


# ---------------------------------------------------------------- rules


def can_review_member(user, member: Member) -> bool:
    return (
        user.is_authenticated
        and member.is_active
        and member.user_id != user.pk
        and org_in_scope(user, member.organisation, Cap.MEMBER_REVIEW)
    )


def can_convene_session(user, org: Organisation) -> bool:
    return user.is_authenticated and org_in_scope(user, org, Cap.MEMBER_REVIEW)


def can_run_session(user, session: ReviewSession) -> bool:
    """The convener, or the office over the host organisation."""
    return session.leader_id == user.pk or org_in_scope(user, session.organisation, Cap.CAMPAIGN_MANAGE)


# ---------------------------------------------------------------- member reviews


def commitment_snapshot(member: Member) -> list[dict]:
    """The member's public commitments as they stand now, in deadline order (a list: jsonb keeps no key
    order, but a list keeps its order)."""
    rows = (
        Commitment.objects.filter(member=member, kind=CommitmentKind.MEMBER, status__in=PUBLIC_STATES)
        .order_by("deadline", "id")
        .only("id", "title", "status", "progress", "deadline")[:MAX_SNAPSHOT]
    )
    return [
        {
            "id": c.pk,
            "title": c.title,
            "status": c.status,
            "status_label": str(c.get_status_display()),
            "progress": c.progress,
            "deadline": c.deadline.isoformat(),
        }
        for c in rows
    ]


def check_session_subject(session: ReviewSession, org: Organisation) -> None:
    if session.status != SessionStatus.OPEN:
        raise StateError(_("集中点评“%(t)s”已结束，不能再点评") % {"t": session.title}, field="session")
    if not org.path.startswith(session.organisation.path):
        raise ValidationError(
            _("“%(org)s”不在集中点评主办组织“%(host)s”的范围内")
            % {"org": org.name, "host": session.organisation.name},
            field="session",
        )


@transaction.atomic
def member_review_file(
    *,
    actor,
    member: Member,
    achievements: str,
    problems: str,
    direction: str,
    rating: str,
    session: ReviewSession | None = None,
    now=None,
) -> MemberReview:
    """点评党员: results, problems, direction and rating, with the member's commitments as a snapshot."""
    if session is not None:
        session = ReviewSession.objects.select_for_update(of=("self",)).get(pk=session.pk)
        if not can_run_session(actor, session):
            raise PermissionDeniedError(_("只有集中点评的点评人可以在会上点评"))
        check_session_subject(session, member.organisation)
        if member.user_id == actor.pk:
            raise PermissionDeniedError(_("不能点评自己"))
    elif not can_review_member(actor, member):
        if member.user_id == actor.pk:
            raise PermissionDeniedError(_("不能点评自己"))
        raise PermissionDeniedError(_("只有党支部书记或上级领导可以点评该党员"))
    if not member.is_active:
        raise StateError(_("该党员已不在册，不能点评"), field="member")
    if rating not in Rating.values:
        raise ValidationError(_("请选择总体评价"), field="rating")
    with coverage_tally.refresh([member.organisation] if session is not None else []):
        review = MemberReview.objects.create(
            leader=actor,
            member=member,
            organisation=member.organisation,
            session=session,
            achievements=_text(achievements, "achievements", _("肯定成绩")),
            problems=_text(problems, "problems", _("指出问题")),
            direction=_text(direction, "direction", _("努力方向")),
            rating=rating,
            commitments=commitment_snapshot(member),
            reviewed_at=now or timezone.now(),
        )
    audit_log(
        actor=actor,
        action="member_review.file",
        obj=review,
        after={"rating": rating, "status": review.status, "member": member.pk},
        extra={"commitments": len(review.commitments), "session": session.pk if session else None},
    )
    if member.user_id:
        notify(
            kind=Kind.MEMBER_REVIEW,
            recipients=[member.user],
            title=_("%(leader)s对您作了点评，请阅知") % {"leader": display_name(actor)},
            body=review.direction[:200],
            url=reverse("supervision:member-review-detail", args=[review.pk]),
        )
    return review


@transaction.atomic
def member_review_acknowledge(*, actor, review: MemberReview) -> MemberReview:
    """The member reads the review (阅知)."""
    review = MemberReview.objects.select_for_update(of=("self",)).select_related("member").get(pk=review.pk)
    if review.member.user_id != actor.pk:
        raise PermissionDeniedError(_("只有被点评的党员本人可以阅知"))
    before = status_cas(
        MemberReview,
        review,
        MEMBER_REVIEW_TRANSITIONS,
        MemberReviewAction.ACKNOWLEDGE,
        _("阅知"),
        acknowledged_at=timezone.now(),
    )
    audit_status(actor, "member_review.acknowledge", review, before)
    return review


def _member_review_visible_q(user) -> Q:
    return scope_q(user, Cap.PERSON_VIEW, field="organisation__path") | Q(member__user=user)


def member_review_list_for(
    user, *, member: Member | None = None, org: Organisation | None = None, session=None
) -> QuerySet[MemberReview]:
    if not user.is_authenticated:
        return MemberReview.objects.none()
    qs = MemberReview.objects.select_related("member", "organisation__parent", "leader", "session").filter(
        _member_review_visible_q(user)
    )
    if member is not None:
        qs = qs.filter(member=member)
    if org is not None:
        qs = qs.filter(subtree_q(org.path, "organisation__path"))
    if session is not None:
        qs = qs.filter(session=session)
    return qs.order_by("-reviewed_at", "-id")


def member_review_get_for(user, pk) -> MemberReview:
    return get_or_not_found(member_review_list_for(user), pk)


# ---------------------------------------------------------------- 集中点评 sessions


def _parse_attendees(rows) -> list[tuple[str, str, bool]]:
    """[(name, unit, present)] from dicts or 'name unit' lines; a clear refusal naming the line."""
    out: list[tuple[str, str, bool]] = []
    seen: set[tuple[str, str]] = set()
    if len(rows) > MAX_ATTENDEES:
        raise ValidationError(_("参会人员不能超过%(n)d人") % {"n": MAX_ATTENDEES}, field="attendees")
    for i, row in enumerate(rows, start=1):
        if isinstance(row, dict):
            name, unit, present = row.get("name", ""), row.get("unit", ""), row.get("present", True)
        else:
            parts = str(row).strip().split(None, 1)
            if not parts:
                continue
            name, unit, present = parts[0], parts[1] if len(parts) > 1 else "", True
            if name.startswith("-"):  # "-张三" marks an absent attendee
                name, present = name[1:], False
        label = _("参会人员第%(i)d行") % {"i": i}
        name = _text(name, "attendees", label, limit=NAME_MAX)
        unit = _text(unit, "attendees", label, required=False, limit=UNIT_MAX)
        if (name, unit) in seen:
            raise ValidationError(_("%(l)s与前面重复：%(n)s") % {"l": label, "n": name}, field="attendees")
        seen.add((name, unit))
        out.append((name, unit, bool(present)))
    return out


@transaction.atomic
def session_convene(
    *,
    actor,
    org: Organisation,
    title: str,
    held_on: datetime.date,
    place: str = "",
    attendees=(),
    now=None,
) -> ReviewSession:
    """召开集中点评: the host organisation, date, place and the attendance list."""
    if not can_convene_session(actor, org):
        raise PermissionDeniedError(_("您不能在“%(org)s”召开集中点评") % {"org": org.name})
    today = timezone.localdate(now or timezone.now())
    if not isinstance(held_on, datetime.date):
        raise ValidationError(_("请填写会议日期"), field="held_on")
    if held_on > today + datetime.timedelta(days=366) or held_on.year < 2000:
        raise ValidationError(_("会议日期不在合理范围内"), field="held_on")
    people = _parse_attendees(list(attendees))
    if not people:
        raise ValidationError(_("请填写参会人员"), field="attendees")
    with coverage_tally.refresh([org]):
        session = ReviewSession.objects.create(
            organisation=org,
            leader=actor,
            title=_text(title, "title", _("会议名称"), limit=TITLE_MAX),
            held_on=held_on,
            place=_text(place, "place", _("地点"), required=False, limit=TITLE_MAX),
        )
    SessionAttendee.objects.bulk_create(
        [SessionAttendee(session=session, name=n, unit=u, present=p) for n, u, p in people]
    )
    audit_log(
        actor=actor,
        action="review_session.convene",
        obj=session,
        after={"organisation": org.pk, "held_on": held_on.isoformat(), "status": session.status},
        extra={"attendees": len(people), "present": sum(1 for _n, _u, p in people if p)},
    )
    return session


@transaction.atomic
def session_set_attendance(*, actor, session: ReviewSession, present_ids) -> ReviewSession:
    """Mark who came: every attendee whose id is in `present_ids` is present, the rest absent."""
    session = ReviewSession.objects.select_for_update(of=("self",)).get(pk=session.pk)
    if not can_run_session(actor, session):
        raise PermissionDeniedError(_("只有集中点评的点评人可以登记出席"))
    if session.status != SessionStatus.OPEN:
        raise StateError(_("集中点评已结束，不能修改出席情况"))
    ids = {int(i) for i in present_ids if str(i).isdigit() and len(str(i)) < 12}
    known = set(session.attendees.values_list("pk", flat=True))
    if ids - known:
        raise ValidationError(_("出席名单中有不属于本次会议的人员"), field="present")
    session.attendees.filter(pk__in=ids).update(present=True)
    session.attendees.exclude(pk__in=ids).update(present=False)
    audit_log(
        actor=actor,
        action="review_session.attendance",
        obj=session,
        after={"present": sorted(ids)},
    )
    return session


@transaction.atomic
def session_close(*, actor, session: ReviewSession, summary: str = "") -> ReviewSession:
    """结束集中点评 with a summary; no review may be filed from it afterwards."""
    session = ReviewSession.objects.select_for_update(of=("self",)).get(pk=session.pk)
    if not can_run_session(actor, session):
        raise PermissionDeniedError(_("只有集中点评的点评人可以结束会议"))
    summary = _text(summary, "summary", _("会议小结"), required=False)
    reviews = session.org_reviews.count() + session.member_reviews.count()
    if session.status == SessionStatus.OPEN and not reviews:
        raise StateError(_("本次集中点评尚未点评任何组织或党员，不能结束"), field="summary")
    before = status_cas(
        ReviewSession,
        session,
        SESSION_TRANSITIONS,
        SessionAction.CLOSE,
        _("结束集中点评"),
        summary=summary,
        closed_at=timezone.now(),
    )
    audit_status(actor, "review_session.close", session, before, extra={"reviews": reviews})
    return session


def session_list_for(user, *, org: Organisation | None = None) -> QuerySet[ReviewSession]:
    if not user.is_authenticated:
        return ReviewSession.objects.none()
    qs = (
        ReviewSession.objects.select_related("organisation__parent", "leader")
        .filter(scope_q(user, Cap.PROGRESS_VIEW, field="organisation__path") | Q(leader=user))
        .annotate(
            n_attendees=Count("attendees", distinct=True),
            n_present=Count("attendees", filter=Q(attendees__present=True), distinct=True),
        )
    )
    if org is not None:
        qs = qs.filter(subtree_q(org.path, "organisation__path"))
    return qs.order_by("-held_on", "-id")


def session_get_for(user, pk) -> ReviewSession:
    return get_or_not_found(session_list_for(user), pk)


def session_org_candidates(session: ReviewSession, *, limit: int = 300) -> list[Organisation]:
    return list(
        Organisation.objects.filter(subtree_q(session.organisation.path), is_active=True).order_by("path")[
            :limit
        ]
    )


def session_member_candidates(session: ReviewSession, *, limit: int = 500) -> list[Member]:
    return list(
        Member.objects.filter(subtree_q(session.organisation.path, "organisation__path"), is_active=True)
        .select_related("organisation")
        .order_by("organisation__path", "name")[:limit]
    )


# ---------------------------------------------------------------- the half-yearly check (每半年至少一次)


def half_year(d: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The half year containing `d`: (1 Jan, 30 Jun) or (1 Jul, 31 Dec)."""
    if d.month <= 6:
        return datetime.date(d.year, 1, 1), datetime.date(d.year, 6, 30)
    return datetime.date(d.year, 7, 1), datetime.date(d.year, 12, 31)


def half_year_label(start: datetime.date) -> str:
    return (_("%(y)d年上半年") if start.month == 1 else _("%(y)d年下半年")) % {"y": start.year}


@dataclass(frozen=True)
class Coverage:
    organisation: Organisation
    state: str  # SessionCoverage
    last_on: datetime.date | None

    @property
    def state_label(self) -> str:
        return str(SessionCoverage(self.state).label)


def _covered_on(orgs_q: Q, start: datetime.date, end: datetime.date) -> dict[int, datetime.date]:
    """{organisation id: latest date in [start, end]} of the 集中点评 sessions that covered it: it hosted
    one, or it (or one of its members) was reviewed at one. Three grouped queries."""
    out: dict[int, datetime.date] = {}

    def merge(rows):
        for org_id, day in rows:
            if day and (org_id not in out or day > out[org_id]):
                out[org_id] = day

    # the session's own organisation, then the organisations of the reviews held at it: (model, its day)
    for model, day in (
        (ReviewSession, "held_on"),
        (Review, "session__held_on"),
        (MemberReview, "session__held_on"),
    ):
        merge(
            model.objects.filter(**{f"{day}__range": (start, end)})
            .filter(orgs_q)
            .values("organisation_id")
            .annotate(d=Max(day))
            .values_list("organisation_id", "d")
            .order_by()
        )
    return out


def session_coverage(
    orgs: list[Organisation], *, today: datetime.date | None = None, root: Organisation | None = None
) -> list[Coverage]:
    """Each organisation's half-yearly 集中点评 standing: covered this half year; else overdue when the
    previous half year had none; else pending (due by the end of this half year). `root`: all of `orgs`
    lie in its subtree (the queries then filter by path, not by a long list of ids)."""
    today = today or timezone.localdate()
    start, end = half_year(today)
    prev_start, prev_end = half_year(start - datetime.timedelta(days=1))
    q = subtree_q(root.path, "organisation__path") if root else Q(organisation_id__in=[o.pk for o in orgs])
    now_map = _covered_on(q, start, end)
    prev_map = _covered_on(q, prev_start, prev_end)
    result = []
    for o in orgs:
        if o.pk in now_map:
            result.append(Coverage(o, SessionCoverage.COVERED, now_map[o.pk]))
        elif o.pk in prev_map or timezone.localdate(o.created_at) > prev_end:
            result.append(Coverage(o, SessionCoverage.PENDING, prev_map.get(o.pk)))
        else:
            result.append(Coverage(o, SessionCoverage.OVERDUE, None))
    return result


def session_coverage_for(user, *, org: Organisation | None = None, limit: int = 2000) -> list[Coverage]:
    """The half-yearly check over the organisations the user follows (progress.view), in tree order."""
    qs = Organisation.objects.filter(scope_q(user, Cap.PROGRESS_VIEW), is_active=True)
    if org is not None:
        qs = qs.filter(subtree_q(org.path))
    return session_coverage(list(qs.select_related("parent").order_by("path")[:limit]), root=org)


@dataclass(frozen=True)
class CoverageCounts:
    covered: int
    pending: int
    overdue: int
    label: str

    @property
    def total(self) -> int:
        return self.covered + self.pending + self.overdue


def coverage_counts(rows: list[Coverage], *, today: datetime.date | None = None) -> CoverageCounts:
    start, _end = half_year(today or timezone.localdate())
    return CoverageCounts(
        covered=sum(1 for r in rows if r.state == SessionCoverage.COVERED),
        pending=sum(1 for r in rows if r.state == SessionCoverage.PENDING),
        overdue=sum(1 for r in rows if r.state == SessionCoverage.OVERDUE),
        label=half_year_label(start),
    )


def _covered_exists(start: datetime.date, end: datetime.date) -> Q:
    """The outer organisation was covered by a 集中点评 session held in [start, end]: `_covered_on`'s
    three sources (hosted one; it, or one of its members, was reviewed at one) as correlated EXISTS."""
    org = OuterRef("pk")
    return (
        Q(Exists(ReviewSession.objects.filter(organisation_id=org, held_on__range=(start, end))))
        | Q(Exists(Review.objects.filter(organisation_id=org, session__held_on__range=(start, end))))
        | Q(Exists(MemberReview.objects.filter(organisation_id=org, session__held_on__range=(start, end))))
    )


def coverage_counts_for_subtree(org: Organisation, *, today: datetime.date | None = None) -> CoverageCounts:
    """The dashboard's figures for `org` and everything below it (active organisations only), from the roll-up
    counters (coverage_tally): one query over a few rows whatever the size of the subtree. For a day in an
    earlier half year than now: the live figure (an organisation made later counts as pending then, which the
    counters, kept for the half years every organisation already exists in, do not hold)."""
    if today is not None and today < half_year(timezone.localdate())[0]:
        return coverage_counts_for_subtree_live(org, today=today)
    today = today or timezone.localdate()
    covered, pending, overdue = coverage_tally.counts(org, today)
    label = half_year_label(half_year(today)[0])
    return CoverageCounts(covered=covered, pending=pending, overdue=overdue, label=label)


def coverage_counts_for_subtree_live(
    org: Organisation, *, today: datetime.date | None = None
) -> CoverageCounts:
    """coverage_counts_for_subtree straight from the sessions and reviews (the counters' oracle).

    The rules of `session_coverage` in one aggregate query, with no organisation loaded into Python:
    covered when a session this half year covered it; else pending when the organisation was made (local
    date) after last half year ended or a session covered it last half year; else overdue. Each row's
    state is one CASE (its EXISTS probes short-circuit) grouped and counted: at 50,000 organisations on
    SQLite about a third of the time of three Count(filter=...) over the same EXISTS, which repeat them."""
    today = today or timezone.localdate()
    start, end = half_year(today)
    prev_start, prev_end = half_year(start - datetime.timedelta(days=1))
    # localdate(created_at) > prev_end  <=>  created_at >= the local midnight opening `start` (prev_end + 1)
    new = Q(created_at__gte=timezone.make_aware(datetime.datetime.combine(start, datetime.time.min)))
    covered, pending, overdue = SessionCoverage.COVERED, SessionCoverage.PENDING, SessionCoverage.OVERDUE
    state = Case(
        When(_covered_exists(start, end), then=Value(covered)),
        When(new | _covered_exists(prev_start, prev_end), then=Value(pending)),
        default=Value(overdue),
        output_field=CharField(),
    )
    n = dict(
        Organisation.objects.filter(subtree_q(org.path), is_active=True)
        .annotate(state=state)
        .order_by()
        .values("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    return CoverageCounts(
        covered=n.get(covered, 0),
        pending=n.get(pending, 0),
        overdue=n.get(overdue, 0),
        label=half_year_label(start),
    )
