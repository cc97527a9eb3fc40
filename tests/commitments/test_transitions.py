"""Every transition of the table allowed, and refused for the wrong state, party, scope and window."""

import pytest

from pacesetter.campaigns.enums import StepCapability
from pacesetter.commitments import services
from pacesetter.commitments.enums import TRANSITIONS
from pacesetter.commitments.enums import CommitmentAction as A
from pacesetter.commitments.enums import CommitmentStatus as S
from pacesetter.commitments.models import Commitment, CommitmentEvent, FulfilmentReport
from pacesetter.core.errors import PermissionDeniedError, StateError, ValidationError
from pacesetter.core.models import AuditEntry

from .conftest import advance, member_commitment, org_commitment, owner_of, reviewer_of, set_window

pytestmark = pytest.mark.django_db

REACH = {
    S.DRAFT: S.DRAFT,
    S.SUBMITTED: S.SUBMITTED,
    S.RETURNED: S.RETURNED,
    S.APPROVED: S.APPROVED,
    S.PUBLISHED: S.PUBLISHED,
    S.REPORTED: S.REPORTED,
    S.CLOSED: S.CLOSED,
}


def _actor(city, c, parties):
    from pacesetter.commitments.enums import Party

    return owner_of(city, c) if Party.OWNER in parties else reviewer_of(city, c)


def _comment(action):
    return {A.RETURN: "目标不够具体", A.REPORT: "已全部完成"}.get(action, "")


@pytest.mark.parametrize("kind", ["org", "member"])
@pytest.mark.parametrize(("state", "action"), sorted(TRANSITIONS))
def test_transition_allowed(city, camp, kind, state, action):
    c = org_commitment(city, camp) if kind == "org" else member_commitment(city, camp)
    c = advance(city, c, state)
    t = TRANSITIONS[(state, action)]
    actor = _actor(city, c, t.parties)
    events_before = c.events.count()
    services.commitment_transition(actor=actor, commitment=c, action=action, comment=_comment(action))
    c.refresh_from_db()
    assert c.status == t.target
    last = c.events.order_by("-id").first()
    assert (last.from_status, last.to_status, last.action, last.actor_id) == (
        state,
        t.target,
        action,
        actor.pk,
    )
    assert last.comment == ("" if action == A.REPORT else _comment(action))
    assert c.events.count() == events_before + 1
    assert AuditEntry.objects.filter(action=f"commitment.{action}", object_id=str(c.pk)).count() >= 1
    if action == A.REPORT:
        assert FulfilmentReport.objects.get(commitment=c).text == "已全部完成"
    if action == A.PUBLISH:
        assert c.published_at is not None


FORBIDDEN_STATE = [
    (state, action) for state in S.values for action in A.values if (state, action) not in TRANSITIONS
]


@pytest.mark.parametrize(("state", "action"), FORBIDDEN_STATE)
def test_transition_wrong_state_refused_and_nothing_changes(city, camp, state, action):
    c = advance(city, org_commitment(city, camp), state)
    # Someone who is both owner and reviewer (the district secretary for the school), so only the state counts.
    events = c.events.count()
    with pytest.raises(StateError) as exc:
        services.commitment_transition(actor=city.secretary, commitment=c, action=action, comment="意见")
    assert str(exc.value.message) == f"承诺当前状态为“{S(state).label}”，不能{A(action).label}"
    c.refresh_from_db()
    assert c.status == state
    assert c.events.count() == events


def test_owner_cannot_approve_own_org_commitment(city, camp):
    c = advance(city, org_commitment(city, camp, actor=city.school_secretary), S.SUBMITTED)
    with pytest.raises(PermissionDeniedError) as exc:
        services.commitment_transition(actor=city.school_secretary, commitment=c, action=A.APPROVE)
    assert str(exc.value.message) == "只有审核组织（上级党组织书记或活动办公室）可以审核通过这项承诺"
    c.refresh_from_db()
    assert c.status == S.SUBMITTED and c.events.count() == 2


def test_member_cannot_approve_own_commitment_and_reviewer_cannot_submit(city, camp):
    c = member_commitment(city, camp)
    with pytest.raises(PermissionDeniedError) as exc:
        services.commitment_transition(actor=city.secretary, commitment=c, action=A.SUBMIT)
    assert str(exc.value.message) == "只有承诺人可以报送这项承诺"
    c = advance(city, c, S.SUBMITTED)
    with pytest.raises(PermissionDeniedError) as exc:
        services.commitment_transition(actor=city.member_user, commitment=c, action=A.APPROVE)
    assert str(exc.value.message) == "只有审核组织（上级党组织书记或活动办公室）可以审核通过这项承诺"
    for outsider in (city.outsider, city.leader, city.inspector, city.town_secretary):
        with pytest.raises(PermissionDeniedError):
            services.commitment_transition(actor=outsider, commitment=c, action=A.APPROVE)
    c.refresh_from_db()
    assert c.status == S.SUBMITTED


def test_district_secretary_cannot_approve_town_commitments(city, camp):
    town = org_commitment(city, camp, org=city.village, actor=city.town_secretary)
    town = services.commitment_transition(actor=city.town_secretary, commitment=town, action=A.SUBMIT)
    with pytest.raises(PermissionDeniedError):
        services.commitment_transition(actor=city.secretary, commitment=town, action=A.APPROVE)
    with pytest.raises(PermissionDeniedError) as exc:
        org_commitment(city, camp, org=city.village, actor=city.secretary)
    assert str(exc.value.message) == "您无权为“八一村党支部”作出承诺"
    town.refresh_from_db()
    assert town.status == S.SUBMITTED
    # The town's own secretary reviews the village; the city office reviews the town.
    services.commitment_transition(actor=city.town_secretary, commitment=town, action=A.APPROVE)


def test_return_needs_a_comment(city, camp):
    c = advance(city, org_commitment(city, camp), S.SUBMITTED)
    with pytest.raises(ValidationError) as exc:
        services.commitment_transition(actor=city.secretary, commitment=c, action=A.RETURN, comment="  ")
    assert str(exc.value.message) == "请填写意见"
    c.refresh_from_db()
    assert c.status == S.SUBMITTED


def test_returned_commitment_is_revised_and_resubmitted_with_full_history(city, camp):
    c = advance(city, member_commitment(city, camp), S.RETURNED)
    services.commitment_transition(actor=city.member_user, commitment=c, action=A.REVISE)
    services.commitment_update(actor=city.member_user, commitment=c, target="全年辅导不少于 100 小时")
    services.commitment_transition(actor=city.member_user, commitment=c, action=A.SUBMIT)
    services.commitment_transition(actor=city.secretary, commitment=c, action=A.APPROVE)
    rows = list(
        CommitmentEvent.objects.filter(commitment=c).values_list("from_status", "to_status", "comment")
    )
    assert rows == [
        ("", S.DRAFT, ""),
        (S.DRAFT, S.SUBMITTED, ""),
        (S.SUBMITTED, S.RETURNED, "请补充量化目标"),
        (S.RETURNED, S.DRAFT, ""),
        (S.DRAFT, S.SUBMITTED, ""),
        (S.SUBMITTED, S.APPROVED, ""),
    ]
    c.refresh_from_db()
    assert c.target == "全年辅导不少于 100 小时"


def test_editing_refused_after_submission(city, camp):
    c = advance(city, member_commitment(city, camp), S.SUBMITTED)
    with pytest.raises(StateError) as exc:
        services.commitment_update(actor=city.member_user, commitment=c, title="改")
    assert str(exc.value.message) == "承诺当前状态为“待审核”，不能修改"


def test_publish_outside_window_refused_with_when(city, camp):
    c = advance(city, org_commitment(city, camp), S.APPROVED)
    step = set_window(camp, StepCapability.COMMITMENTS, False)
    with pytest.raises(StateError) as exc:
        services.commitment_transition(actor=city.secretary, commitment=c, action=A.PUBLISH)
    from django.utils import timezone

    closed = timezone.localtime(step.closes_at).strftime("%Y-%m-%d %H:%M")
    assert str(exc.value.message) == (
        f"“公开承诺（设岗、承诺、示诺）”属于“公开承诺”步骤，已于 {closed} 截止；如需补报，请联系活动办公室延期"
    )
    c.refresh_from_db()
    assert c.status == S.APPROVED and c.published_at is None and c.events.count() == 3


def test_report_and_progress_need_the_fulfilment_window(city, camp):
    c = advance(city, member_commitment(city, camp), S.PUBLISHED)
    set_window(camp, StepCapability.FULFILMENT, False)
    with pytest.raises(StateError) as exc:
        services.commitment_report(actor=city.member_user, commitment=c, text="完成")
    assert "践诺（进度、述诺）" in str(exc.value.message) and "截止" in str(exc.value.message)
    with pytest.raises(StateError):
        services.progress_add(actor=city.member_user, commitment=c, percent=50, text="进行中")
    c.refresh_from_db()
    assert c.status == S.PUBLISHED and c.progress == 0 and not c.updates.exists()


def test_drafting_outside_window_refused(city, camp):
    set_window(camp, StepCapability.COMMITMENTS, False)
    with pytest.raises(StateError):
        org_commitment(city, camp)
    assert not Commitment.objects.exists()


def test_member_commitment_needs_a_post_and_a_member_item(city, camp):
    from .conftest import deadline, item

    with pytest.raises(StateError) as exc:
        services.commitment_create(
            actor=city.member_user,
            campaign=camp,
            member=city.teacher,
            criteria_item=item(camp, "member"),
            title="t",
            target="x",
            deadline=deadline(),
            responsible="林老师",
        )
    assert str(exc.value.message) == "请先设岗（填写本人岗位），再作出承诺"
    services.post_set(actor=city.member_user, campaign=camp, member=city.teacher, title="班主任")
    with pytest.raises(ValidationError) as exc:
        services.commitment_create(
            actor=city.member_user,
            campaign=camp,
            member=city.teacher,
            criteria_item=item(camp),
            title="t",
            target="x",
            deadline=deadline(),
            responsible="林老师",
        )
    assert exc.value.field == "criteria_item"
    with pytest.raises(PermissionDeniedError):
        services.post_set(actor=city.secretary, campaign=camp, member=city.teacher, title="x")


def test_status_is_assigned_only_by_the_transition_function():
    import pathlib
    import re

    src = pathlib.Path(__file__).resolve().parents[2] / "src" / "pacesetter" / "commitments"
    code = {p.name: p.read_text() for p in src.rglob("*.py") if "migrations" not in p.parts}
    # problems.py (问题清单) has its own status table; its writes live only in its own _transition
    problems = code.pop("problems.py")
    outside = (
        problems.split("def _transition")[0] + problems.split("def _transition")[1].split("\ndef ", 1)[1]
    )
    assert not re.search(r"\.status\s*=[^=]|update\([^)]*\bstatus=", outside)
    assigns = [n for n, text in code.items() if re.search(r"\.status\s*=[^=]|update\([^)]*\bstatus=", text)]
    assert assigns == []
    writes = [n for n, text in code.items() for _m in re.finditer(r'fields = \{"status"', text)]
    assert writes == ["commitments.py"]  # services/commitments.py: services is a package
    assert 'fields = {"status"' in code["commitments.py"].split("def _transition")[1].split("\ndef ")[0]
