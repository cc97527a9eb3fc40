"""One set of grade lines (#14): a 组织考核 round of a campaign is graded by the lines of the campaign's member
scheme whose period holds the round's closing day; outside every scheme the round keeps its own lines."""

import datetime

from pacesetter.assessment import services
from pacesetter.assessment.enums import Subject
from pacesetter.evaluations import services as ev
from pacesetter.evaluations.enums import GroupKind, GroupMode, RoundKind, RoundStatus, Scale
from pacesetter.evaluations.models import MemberGrade, RaterGroup
from pacesetter.evaluations.results import results_page
from pacesetter.evaluations.selectors import ballot_form

from .conftest import END, START


def _round(city, campaign):
    from django.utils import timezone

    now = timezone.now()
    return ev.round_create(
        actor=city.office,
        organisation=city.school,
        name="党员组织考核测评",
        kind=RoundKind.ASSESSMENT,
        scale=Scale.GRADE4,
        opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(days=1),
        campaign=campaign,
        groups=[{"name": "党员", "kind": GroupKind.MEMBERS, "weight": 100, "mode": GroupMode.CODES}],
        target_members=[city.teacher],
        k_min=3,
        grade_thresholds={"excellent": 90, "qualified": 75, "basic": 60},
    )


def _close_with_score_80(city, round_):
    ev.round_transition(actor=city.office, round_=round_, to_status=RoundStatus.OPEN)
    form = ballot_form(round_)
    group = RaterGroup.objects.get(round=round_)
    for code in ev.codes_generate(actor=city.office, round_=round_, group=group, count=3):
        ev.ballot_cast_code(
            code=code,
            answers={str(t.id): {str(q.position): 80 for q in form.questions} for t in form.targets},
        )
    ev.round_transition(actor=city.office, round_=round_, to_status=RoundStatus.CLOSED)


def test_the_round_keeps_its_own_lines_outside_a_scheme(city, campaign):
    round_ = _round(city, campaign)
    _close_with_score_80(city, round_)
    assert MemberGrade.objects.get(round=round_).grade == "qualified"  # 80 ≥ 75
    page = results_page(round_)
    assert page["grade_lines_from"] == "" and page["grade_lines"]["qualified"] == 75


def test_a_member_scheme_draws_the_rounds_grades(city, campaign):
    services.scheme_create(
        actor=city.office,
        campaign=campaign,
        name="2026年度党员考核",
        subject=Subject.MEMBER,
        period_start=START,
        period_end=END,
        sources={"assessment_ballot": (100, 1)},
        grade_lines={"excellent": 78, "qualified": 70, "basic": 60},
    )
    round_ = _round(city, campaign)  # its own lines (90/75/60) are not the ones that count
    _close_with_score_80(city, round_)
    assert MemberGrade.objects.get(round=round_).grade == "excellent"  # 80 ≥ the scheme's 78
    page = results_page(round_)
    assert page["grade_lines_from"] == "2026年度党员考核" and page["grade_lines"] == {
        "excellent": 78,
        "qualified": 70,
        "basic": 60,
    }


def test_an_organisation_scheme_or_another_period_does_not_count(city, campaign):
    services.scheme_create(
        actor=city.office,
        campaign=campaign,
        name="组织考核",
        subject=Subject.ORG,
        period_start=START,
        period_end=END,
        sources={"records_checked": (100, 1)},
        grade_lines={"good": 90, "fairly_good": 75, "fair": 60},
    )
    services.scheme_create(
        actor=city.office,
        campaign=campaign,
        name="上一年度党员考核",
        subject=Subject.MEMBER,
        period_start=START - datetime.timedelta(days=400),
        period_end=START - datetime.timedelta(days=40),
        sources={"assessment_ballot": (100, 1)},
        grade_lines={"excellent": 78, "qualified": 70, "basic": 60},
    )
    round_ = _round(city, campaign)
    _close_with_score_80(city, round_)
    assert MemberGrade.objects.get(round=round_).grade == "qualified"
