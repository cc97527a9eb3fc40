"""Setting up and running rounds: validation, the status table (allowed and forbidden), trial, freeze, scope."""

import datetime

import pytest
from django.utils import timezone

from pacesetter.campaigns.models import CriteriaSet
from pacesetter.core.context import current_ip
from pacesetter.core.errors import PermissionDeniedError, ValidationError
from pacesetter.core.models import AuditEntry
from pacesetter.evaluations import services
from pacesetter.evaluations.enums import ROUND_TRANSITIONS, RoundStatus
from pacesetter.evaluations.errors import RoundNotOpenError, RoundStateError
from pacesetter.evaluations.models import BallotCode, BallotSheet, MemberParticipation, Round
from pacesetter.evaluations.selectors import ballot_form

from .helpers import GROUPS, answers, codes, make_campaign, make_round

ALL = list(RoundStatus.values)


def _at(city, status):
    r = make_round(city, status=RoundStatus.DRAFT)
    if status != RoundStatus.DRAFT:
        Round.objects.filter(pk=r.pk).update(status=status)
        r.refresh_from_db()
    return r


@pytest.mark.parametrize("src", ALL)
@pytest.mark.parametrize("dst", ALL)
def test_transition_table(city, src, dst):
    r = _at(city, src)
    if dst in ROUND_TRANSITIONS[src]:
        services.round_transition(actor=city.office, round_=r, to_status=dst)
        assert Round.objects.get(pk=r.pk).status == dst
    else:
        with pytest.raises(RoundStateError):
            services.round_transition(actor=city.office, round_=r, to_status=dst)
        assert Round.objects.get(pk=r.pk).status == src


def test_reopen_is_the_office_s_and_audited(city):
    r = make_round(city)
    services.round_transition(actor=city.office, round_=r, to_status=RoundStatus.CLOSED)
    # the secretary may run rounds in the district, but this one belongs to the city; build one there
    d = services.round_create(
        actor=city.secretary,
        organisation=city.district,
        name="区评议",
        kind="public_review",
        scale="satisfaction",
        opens_at=timezone.now() - datetime.timedelta(hours=1),
        closes_at=timezone.now() + datetime.timedelta(days=1),
        groups=GROUPS,
        target_orgs=[city.school],
        k_min=3,
    )
    services.round_transition(actor=city.secretary, round_=d, to_status=RoundStatus.OPEN)
    services.round_transition(actor=city.secretary, round_=d, to_status=RoundStatus.CLOSED)
    with pytest.raises(PermissionDeniedError):
        services.round_transition(actor=city.secretary, round_=d, to_status=RoundStatus.OPEN)
    services.round_transition(actor=city.office, round_=d, to_status=RoundStatus.OPEN)
    assert AuditEntry.objects.filter(action="evaluation.round.reopen", object_id=str(d.pk)).count() == 1


def test_create_refuses_bad_weights_k_and_scope(city):
    bad = [{**g, "weight": 20} for g in GROUPS]
    with pytest.raises(ValidationError, match="合计必须为 100%，现在是 80%"):
        make_round(city, groups=bad)
    with pytest.raises(ValidationError, match="不能小于 3"):
        make_round(city, k_min=2)
    with pytest.raises(ValidationError, match="不能大于 1000"):  # past it, a smallint overflows: a 500
        make_round(city, k_min=40000)
    two_member_groups = [
        {**GROUPS[1], "name": "党员甲", "weight": 50},
        {**GROUPS[1], "name": "党员乙", "weight": 50},
    ]
    with pytest.raises(ValidationError, match="只能有一个“党员登录评议”的评议主体（“党员乙”是第二个）"):
        make_round(city, groups=two_member_groups)
    with pytest.raises(PermissionDeniedError):
        services.round_create(
            actor=city.town_secretary,
            organisation=city.district,
            name="x",
            kind="public_review",
            scale="satisfaction",
            opens_at=timezone.now(),
            closes_at=timezone.now() + datetime.timedelta(days=1),
            groups=GROUPS,
            target_orgs=[city.school],
        )
    assert Round.objects.count() == 0


def test_k_never_below_three_in_the_database(city):
    from django.db import IntegrityError, transaction

    r = make_round(city)
    with pytest.raises(IntegrityError), transaction.atomic():
        Round.objects.filter(pk=r.pk).update(k_min=2)


def test_questions_are_copied_from_the_criteria_set(city):
    campaign = make_campaign(city)
    cset = CriteriaSet.objects.get(campaign=campaign, subject="org")
    r = make_round(city, criteria=cset)
    form = ballot_form(r)
    assert [q.text for q in form.questions] == list(cset.items.values_list("name", flat=True))
    assert [q.text for q in form.questions][0] == "领导班子好"


def test_questions_freeze_at_first_real_ballot_and_lock_criteria(city):
    campaign = make_campaign(city)
    cset = CriteriaSet.objects.get(campaign=campaign, subject="org")
    r = make_round(city, criteria=cset)
    services.round_questions_set(actor=city.office, round_=r, questions=[{"text": "总体评价", "weight": 100}])
    assert [q.text for q in ballot_form(r).questions] == ["总体评价"]
    [code] = codes(city, r, n=1)
    token = current_ip.set("203.0.113.77")  # as the middleware sets it for a public request
    try:
        services.ballot_cast_code(code=code, answers=answers(r), client="203.0.113.77")
    finally:
        current_ip.reset(token)
    r.refresh_from_db()
    assert r.questions_locked
    assert CriteriaSet.objects.get(pk=cset.pk).locked
    # the lock is the system's act: the address of the rater whose ballot froze it is not beside it
    assert AuditEntry.objects.get(action="criteria.lock").ip_address is None
    with pytest.raises(RoundStateError, match="冻结"):
        services.round_questions_set(actor=city.office, round_=r, questions=[{"text": "改题", "weight": 100}])


def test_trial_ballots_do_not_freeze_and_are_discarded_on_opening(city):
    r = make_round(city, status=RoundStatus.TRIAL)
    [code] = codes(city, r, n=1)
    services.ballot_cast_code(code=code, answers=answers(r))
    r.refresh_from_db()
    assert BallotSheet.objects.filter(round=r).count() == 1 and not r.questions_locked
    services.round_transition(actor=city.office, round_=r, to_status=RoundStatus.OPEN)
    assert BallotSheet.objects.filter(round=r).count() == 0
    assert not BallotCode.objects.get().spent
    services.ballot_cast_code(code=code, answers=answers(r))  # the code works for real now
    assert BallotSheet.objects.filter(round=r).count() == 1


def test_closed_round_is_immutable(city):
    r = make_round(city)
    [code] = codes(city, r, n=1)
    services.round_transition(actor=city.office, round_=r, to_status=RoundStatus.CLOSED)
    with pytest.raises(RoundStateError):
        services.round_questions_set(actor=city.office, round_=r, questions=[{"text": "x"}])
    with pytest.raises(RoundStateError):
        codes(city, r, n=1)
    with pytest.raises(RoundNotOpenError):
        services.ballot_cast_code(code=code, answers=answers(r))


def test_codes_only_hashes_are_stored(city):
    r = make_round(city)
    clear = codes(city, r, n=20)
    stored = set(BallotCode.objects.values_list("code_hash", flat=True))
    assert not set(clear) & stored and len(stored) == 20
    from pacesetter.core.codes import code_hash

    assert {code_hash(c) for c in clear} == stored


def test_secretary_of_other_subtree_cannot_manage(city):
    r = make_round(city)
    for user in (city.secretary, city.town_secretary, city.leader, city.member_user):
        with pytest.raises(PermissionDeniedError):
            services.round_transition(actor=user, round_=r, to_status=RoundStatus.CLOSED)
        with pytest.raises(PermissionDeniedError):
            codes_for(user, r)


def codes_for(user, r):
    return services.codes_generate(actor=user, round_=r, group=r.groups.get(name="群众"), count=1)


def test_rounds_close_themselves_at_the_deadline(city):
    """The worker's sweep closes an open round past its deadline: digest, count and an audit entry by 系统."""
    from pacesetter.core.tasks import run_due_sweeps
    from pacesetter.evaluations.tasks import close_due_rounds

    due, running = make_round(city, name="已到期"), make_round(city, name="进行中")
    for code in codes(city, due, n=3):
        services.ballot_cast_code(code=code, answers=answers(due))
    later = timezone.now() + datetime.timedelta(days=8)  # past `due`'s deadline only
    Round.objects.filter(pk=running.pk).update(closes_at=later + datetime.timedelta(days=1))
    assert close_due_rounds(now=later) == 1
    due.refresh_from_db()
    running.refresh_from_db()
    assert (due.status, due.ballot_count) == (RoundStatus.CLOSED, 3)
    assert due.digest == services.receipts_digest(due)[0]
    assert running.status == RoundStatus.OPEN
    [entry] = [
        e
        for e in AuditEntry.objects.filter(action="evaluation.round.status", object_id=str(due.pk))
        if e.changes["status"] == ["open", "closed"]
    ]
    assert (entry.actor, entry.actor_name, entry.changes["_"]["auto"]) == (None, "系统", True)
    assert close_due_rounds(now=later) == 0  # idempotent
    assert "pacesetter.evaluations.tasks.close_due_rounds" in run_due_sweeps()


def test_a_sheet_checked_against_questions_changed_meanwhile_is_refused_whole(city):
    """The first ballots and a clerk's edit of the questions race: the sheet of the old questions loses."""
    from tests.factories import make_member

    colleague = make_member(city.school, "张老师")
    r = make_round(city, members=True, extra_members=[colleague])
    stale = Round.objects.get(pk=r.pk)  # what the member's page was built from
    full = answers(stale)
    full.pop(str(next(t for t in ballot_form(stale).targets if t.member_id == city.teacher.pk).id))
    services.round_questions_set(actor=city.office, round_=r, questions=[{"text": "总体评价", "weight": 100}])
    with pytest.raises(RoundStateError, match="评议内容刚刚修改过"):
        services.ballot_cast_member(actor=city.member_user, round_=stale, answers=full)
    assert not BallotSheet.objects.exists() and not MemberParticipation.objects.exists()
    r.refresh_from_db()
    assert not r.questions_locked
