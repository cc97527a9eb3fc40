"""Demo points ledger (积分) for `pacesetter demo`: this year's period of the demo campaign with rules of each
kind, the automatic points of the demo meetings, records and commitments, a few awards, and claims."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from pacesetter.orgs.models import Member, Organisation

from .campaign import org_named

RULES = [
    # name, event type, points, cap, once only, manual by, claimable
    ("参加组织生活（支部党员大会、党课、主题党日）", "meeting_attended", 2, 40, False, "nobody", False),
    ("个人记实登记", "record_logged", 1, 20, False, "nobody", False),
    ("个人记实经党组织检查通过（自动计分）", "record_checked", 1, 20, False, "nobody", False),
    ("按时兑现个人承诺", "commitment_fulfilled", 5, None, False, "nobody", False),
    ("承诺获群众满意评价", "review_rating", 1, 10, False, "nobody", False),
    ("带头服务群众（党员申报）", "manual", 3, 30, False, "secretary", True),
    ("无故缺席组织生活", "manual", -2, 20, False, "secretary", False),
    ("受到上级表彰", "manual", 10, None, True, "office", False),  # honours from outside Pacesetter, by hand
    ("获得市委表彰（表彰决定印发后自动计分）", "honour_awarded", 10, None, False, "nobody", False),
]


def remove_points(root: Organisation) -> None:
    from pacesetter.points.models import PointClaim, PointEntry, PointOrgTotal, PointPeriod, PointRule

    periods = PointPeriod.objects.filter(campaign__organisation__path__startswith=root.path)
    PointEntry.objects.filter(period__in=periods).delete()
    PointClaim.objects.filter(rule__period__in=periods).delete()
    PointOrgTotal.objects.filter(period__in=periods).delete()
    PointRule.objects.filter(period__in=periods).delete()
    periods.delete()


def ensure_points(campaign, root: Organisation) -> int:
    """Build the demo ledger once; returns the automatic entries written now (the sweep is idempotent)."""
    from pacesetter.points import services
    from pacesetter.points.enums import ClaimAction
    from pacesetter.points.models import PointPeriod

    year = timezone.localdate().year
    if not campaign.starts_on.year <= year <= campaign.ends_on.year:
        return 0
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=["office", "school_secretary", "member"])
    }
    period = PointPeriod.objects.filter(campaign=campaign, year=year).first()
    if period is None:
        period = services.period_create(actor=users["office"], campaign=campaign, year=year)
        rules = {}
        for name, event_type, points, cap, once, manual_by, claimable in RULES:
            rules[name] = services.rule_create(
                actor=users["office"],
                period=period,
                name=name,
                event_type=event_type,
                points=points,
                cap=cap,
                once_only=once,
                manual_by=manual_by,
                claimable=claimable,
            )
        school = org_named(root, "城厢区实验小学党支部")
        members = list(
            Member.objects.filter(organisation=school, is_active=True).exclude(user__username="member")[:6]
        )
        service, absent = rules["带头服务群众（党员申报）"], rules["无故缺席组织生活"]
        for i, m in enumerate(members):
            for _ in range(i % 3 + 1):
                services.points_award(
                    actor=users["school_secretary"],
                    rule=service,
                    member=m,
                    reason="利用周末为社区学生义务辅导功课",
                )
        if members:
            services.points_award(
                actor=users["school_secretary"],
                rule=absent,
                member=members[-1],
                reason="无故缺席十一月主题党日",
            )
            services.points_award(
                actor=users["office"],
                rule=rules["受到上级表彰"],
                member=members[0],
                reason="被评为市级优秀共产党员",
            )
        demo_member = users.get("member")
        if demo_member is not None and Member.objects.filter(user=demo_member).exists():
            done = services.claim_file(
                actor=demo_member, rule=service, text="带领学生志愿者清扫社区公共区域，服务群众 20 余户"
            )
            services.claim_transition(actor=users["school_secretary"], claim=done, action=ClaimAction.APPROVE)
            services.claim_file(actor=demo_member, rule=service, text="为社区独居老人代购生活用品三次")
        _checked_records(campaign, members[:2], users["school_secretary"])
        _meeting_with_attendance(school, users["school_secretary"])
    return services.points_sweep(period=period)


def _meeting_with_attendance(school, secretary) -> None:
    """A 支部党员大会 of the school branch this year with everyone marked present, so that the rule
    参加组织生活 pays each member (the city's other demo meetings carry no attendance)."""
    import datetime

    from pacesetter.records.enums import RecordKind
    from pacesetter.records.services import attendance_mark_all_present, record_create

    today = timezone.localdate()
    record = record_create(
        actor=secretary,
        organisation=school,
        kind=RecordKind.BRANCH_ASSEMBLY,
        title="支部党员大会：讨论本支部“五带头”具体标准",
        occurred_on=max(today - datetime.timedelta(days=3), today.replace(month=1, day=1)),
        place="学校会议室",
        content="学习讨论上级关于结合实际制定具体标准的要求，通报党员征询问卷结果，讨论修改本支部“五带头”具体标准。",
        meeting={
            "host": "黄丽萍",
            "recorder": "支部组织委员",
            "minutes": "与会党员逐项讨论了具体标准的表述。",
        },
    )
    attendance_mark_all_present(actor=secretary, record=record)


def _checked_records(campaign, members: list, secretary) -> None:
    """Two members' own 志愿服务 records of this campaign, checked by the branch, so that 记实经检查 earns points."""
    from pacesetter.records.enums import CheckAction, RecordKind
    from pacesetter.records.models import ActivityRecord
    from pacesetter.records.services import record_check

    for m in members:
        record = ActivityRecord.objects.create(
            organisation=m.organisation,
            member=m,
            campaign=campaign,
            kind=RecordKind.VOLUNTEER,
            title="周末社区学生义务辅导",
            occurred_on=timezone.localdate(),
            content="为社区学生辅导功课两小时。",
            logged_by=m.user,
        )
        record_check(actor=secretary, record=record, action=CheckAction.CHECK)
