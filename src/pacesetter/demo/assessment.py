"""Demo assessment (组织考核): checked records, an organisation scheme with a computed, adjusted and published
scorecard in the demo city, for `pacesetter demo`."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from pacesetter.orgs.models import Organisation
from pacesetter.orgs.selectors import subtree_q

from .campaign import branches_under, open_public_review, org_named

NAME = "年度基层党组织考核（演示）"


def remove_assessment(root: Organisation) -> None:
    from pacesetter.assessment.models import Scheme, Score, Scorecard

    schemes = Scheme.objects.filter(subtree_q(root.path, "campaign__organisation__path"))
    Score.objects.filter(scorecard__scheme__in=schemes).delete()
    Scorecard.objects.filter(scheme__in=schemes).delete()
    schemes.delete()


def ensure_assessment(campaign, root: Organisation) -> bool:
    """Build once; True when built now."""
    from pacesetter.assessment import services
    from pacesetter.assessment.enums import DEFAULT_GRADE_LINES, Subject
    from pacesetter.assessment.models import Scheme, Score
    from pacesetter.records.enums import CheckAction, CheckStatus
    from pacesetter.records.models import ActivityRecord
    from pacesetter.records.services import record_check

    if Scheme.objects.filter(campaign=campaign, name=NAME).exists():
        return False
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["office", "cx_secretary"])}
    office, district_sec = users["office"], users["cx_secretary"]
    district = org_named(root, "城厢区委")
    # 城厢区委 checks the organisation records of the organisations under it; one is returned.
    pending = ActivityRecord.objects.filter(
        subtree_q(district.path, "organisation__path"),
        member__isnull=True,
        is_deleted=False,
        check_status=CheckStatus.UNCHECKED,
    ).exclude(organisation=district)
    for i, record in enumerate(pending.select_related("organisation", "member")[:40]):
        if i % 5 == 4:
            record_check(
                actor=district_sec, record=record, action=CheckAction.RETURN, comment="请补充活动照片"
            )
        else:
            record_check(actor=district_sec, record=record, action=CheckAction.CHECK)
    scheme = services.scheme_create(
        actor=office,
        campaign=campaign,
        name=NAME,
        subject=Subject.ORG,
        period_start=campaign.starts_on,
        period_end=max(campaign.ends_on, timezone.localdate()),
        sources={
            "commitments_on_time": (30, 1),
            "records_checked": (25, 1),
            "publicity_accepted": (5, 1),  # 信息报送采用数 (demo/publicity.py runs first)
            "leader_review": (15, 1),
            "rectification_on_time": (10, 1),
            "reports_on_time": (10, 1),
            "reporter_satisfaction": (5, 1),
        },
        grade_lines=DEFAULT_GRADE_LINES[Subject.ORG],
    )
    school = org_named(root, "城厢区实验小学党支部")
    services.item_add(
        actor=district_sec,
        scheme=scheme,
        organisation=school,
        points=3,
        reason="“四点半课堂”获市级优秀志愿服务项目",
    )
    sc = services.scorecard_compute(actor=office, scheme=scheme)
    services.scorecard_run(sc.pk)
    sc.refresh_from_db()
    score = Score.objects.filter(scorecard=sc, total__isnull=False).order_by("organisation__path").first()
    if score is not None:
        better = "good" if score.computed_grade != "good" else "fairly_good"
        services.score_adjust(
            actor=office, score=score, grade=better, reason="经上级党组织实地考察，工作实绩突出"
        )
    services.scorecard_publish(actor=office, scorecard=sc)
    return True


TOWN_ROUND = "和林镇基层党组织群众评议（演示，已结束）"


def ensure_district_figures(campaign, root: Organisation) -> bool:
    """The district ranking's 评议参与率 and 举报按时办结 for 永安县委 too (城厢区委 has its closed round and
    cases already): a closed 群众评议 of 和林镇党委 where 13 of 20 codes were used, and two reports on a 和林镇
    branch, one declined at once (closed on time) and one received 29 days ago and never handled (the sweep
    flags it past its closing deadline when that has passed). Build once; True when built now."""
    import datetime
    import random

    from pacesetter.complaints import services as cs
    from pacesetter.complaints.models import ReportThrottle
    from pacesetter.evaluations import services as ev
    from pacesetter.evaluations.enums import GroupKind, GroupMode, RoundStatus
    from pacesetter.evaluations.models import RaterGroup, Round
    from pacesetter.evaluations.selectors import ballot_form

    if Round.objects.filter(name=TOWN_ROUND).exists():
        return False
    users = {
        u.username: u for u in get_user_model().objects.filter(username__in=["office", "town_secretary"])
    }
    office, town_sec = users["office"], users["town_secretary"]
    town = org_named(root, "和林镇党委")
    branches = branches_under(town, 5)
    now = timezone.now()
    round_ = open_public_review(
        office=office,
        organisation=town,
        name=TOWN_ROUND,
        campaign=campaign,
        groups=[{"name": "服务对象和群众", "kind": GroupKind.PUBLIC, "weight": 100, "mode": GroupMode.CODES}],
        targets=branches,
    )
    form = ballot_form(round_)
    rng = random.Random(2010)
    group = RaterGroup.objects.get(round=round_)
    for code in ev.codes_generate(actor=office, round_=round_, group=group, count=20)[:13]:
        answers = {
            str(t.id): {str(q.position): rng.choice([100, 80, 80, 60]) for q in form.questions}
            for t in form.targets
        }
        ev.ballot_cast_code(code=code, answers=answers)
    round_.refresh_from_db()
    ev.round_transition(actor=office, round_=round_, to_status=RoundStatus.CLOSED)

    branch = branches[0]
    filed = [("demo-town-1", now), ("demo-town-2", now - datetime.timedelta(days=29))]
    ips = [ip for ip, _at in filed]
    declined, _pw = cs.case_file_public(
        subject_type="org",
        subject_id=branch.pk,
        category="other",
        text="村里的路灯坏了好几个月没人修，晚上出行不方便。（演示）",
        ip=ips[0],
        now=now,
    )
    cs.case_decline(
        actor=town_sec,
        case=declined,
        reason="路灯维修属于镇村建设办职责，请向和林镇村建设办反映，或拨打 12345 政务服务便民热线。",
    )
    cs.case_file_public(
        subject_type="org",
        subject_id=branch.pk,
        category="conduct",
        text="村党支部办事推诿，低保材料交上去一个月没有回音。（演示）",
        ip=ips[1],
        now=filed[1][1],
    )
    cs.cases_sweep(now=now)
    ReportThrottle.objects.filter(address_hash__in=[cs.address_hash(ip, now=at) for ip, at in filed]).delete()
    return True
