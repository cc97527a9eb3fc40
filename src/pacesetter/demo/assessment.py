"""Demo assessment (组织考核): checked records, an organisation scheme with a computed, adjusted and published
scorecard in the demo city, for `pacesetter demo`."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from pacesetter.orgs.models import Organisation
from pacesetter.orgs.selectors import subtree_q

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
    district = Organisation.objects.get(subtree_q(root.path), name="城厢区委")
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
            "records_checked": (30, 1),
            "leader_review": (15, 1),
            "rectification_on_time": (10, 1),
            "reports_on_time": (10, 1),
            "reporter_satisfaction": (5, 1),
        },
        grade_lines=DEFAULT_GRADE_LINES[Subject.ORG],
    )
    school = Organisation.objects.get(subtree_q(root.path), name="城厢区实验小学党支部")
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
