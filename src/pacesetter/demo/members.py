"""Demo data for #19 (members and leaders) for `pacesetter demo`: a 集中点评 session with attendance and the
reviews filed from it, a secretary's review of the `member` account, 老带新 pairs with notes, 党员联系户 in a
village branch with visits, the `member` account's 党性分析 and 学习心得, and the first reminders sent.

Texts follow the speeches in the seed (领导点评 "肯定成绩、指出问题和努力方向", "每半年至少进行一次集中点评",
"老带新、骨干带一般", "党员联系户", "定期开展党性分析")."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from pacesetter.orgs.models import Member, Organisation
from pacesetter.orgs.selectors import subtree_q

SESSION_TITLE = "城厢区委创先争优活动集中点评会（演示）"


def _org(root: Organisation, name: str) -> Organisation | None:
    return Organisation.objects.filter(subtree_q(root.path), name=name).first()


def remove_members(root: Organisation) -> None:
    """Everything the builder made, before the organisations and members go."""
    from pacesetter.members.models import Household, Mentorship, ReminderSent
    from pacesetter.records.enums import RecordKind
    from pacesetter.records.models import ActivityRecord
    from pacesetter.supervision.models import MemberReview, Review, ReviewSession

    sub = subtree_q(root.path, "organisation__path")
    users = Member.objects.filter(sub, user__isnull=False).values("user_id")
    ReminderSent.objects.filter(user_id__in=users).delete()
    Household.objects.filter(sub).delete()
    Mentorship.objects.filter(sub).delete()
    MemberReview.objects.filter(sub).delete()
    Review.objects.filter(sub, session__isnull=False).delete()
    ReviewSession.objects.filter(sub).delete()
    # the 党性分析 / 学习心得 records the builder logged (records without a campaign: remove_campaign skips them)
    ActivityRecord.objects.filter(
        sub, campaign__isnull=True, kind__in=[RecordKind.PARTY_ANALYSIS, RecordKind.STUDY_NOTES]
    ).delete()


def ensure_members(root: Organisation) -> bool:
    """Build once (the session's title marks it); returns whether anything was made."""
    from pacesetter.members import reminders, services
    from pacesetter.records.enums import RecordKind
    from pacesetter.records.models import ActivityRecord
    from pacesetter.supervision import member_reviews as mr
    from pacesetter.supervision import services as sup
    from pacesetter.supervision.models import ReviewSession

    if ReviewSession.objects.filter(subtree_q(root.path, "organisation__path"), title=SESSION_TITLE).exists():
        return False
    users = {
        u.username: u
        for u in get_user_model().objects.filter(
            username__in=["leader", "cx_secretary", "school_secretary", "office"]
        )
    }
    district, school = _org(root, "城厢区委"), _org(root, "城厢区实验小学党支部")
    village = _org(root, "永安八一村党支部")
    if not (district and school and users.get("cx_secretary") and users.get("school_secretary")):
        return False
    teachers = list(Member.objects.filter(organisation=school, is_active=True).order_by("pk")[:6])
    me = Member.objects.filter(user__username="member").first() or (teachers[0] if teachers else None)
    if me is None or len(teachers) < 4:
        return False
    others = [m for m in teachers if m.pk != me.pk]
    today = timezone.localdate()

    # 1. a 集中点评 session this half year, with attendance, and reviews filed from it
    session = mr.session_convene(
        actor=users["cx_secretary"],
        org=district,
        title=SESSION_TITLE,
        held_on=max(mr.half_year(today)[0], today - datetime.timedelta(days=7)),
        place="城厢区委三楼会议室",
        attendees=[
            "林振华 城厢区委书记",
            "黄丽萍 实验小学党支部书记",
            f"{me.name} 实验小学教师党员",
            f"{others[0].name} 实验小学教师党员",
            f"-{others[1].name} 实验小学教师党员（因公请假）",
        ],
    )
    sup.review_file(
        actor=users["cx_secretary"],
        org=school,
        session=session,
        achievements="支部制定了创先争优实施方案，公开承诺事项上墙，教师党员“亮身份、比贡献”氛围浓厚。",
        problems="部分承诺事项量化不够，记实登记不够及时。",
        direction="对照“五个好”要求，细化承诺目标，每月更新践诺进展。",
        rating="fairly_good",
    )
    mr.member_review_file(
        actor=users["cx_secretary"],
        member=me,
        session=session,
        achievements="带头承担公开课任务，帮扶学困生成效明显，在教师中发挥了表率作用。",
        problems="学习心得撰写不够经常，党性分析联系实际不够。",
        direction="坚持“五带头”，定期开展党性分析，把承诺事项落到实处。",
        rating="good",
    )
    mr.session_close(
        actor=users["cx_secretary"], session=session, summary="集中点评组织1个、党员1名，出席4人，请假1人。"
    )

    # 2. the branch secretary reviews another member on their own
    mr.member_review_file(
        actor=users["school_secretary"],
        member=others[2],
        achievements="积极参加主题党日活动，主动联系困难学生家庭。",
        problems="践诺进展更新不及时。",
        direction="每月报告一次践诺进展，争当优秀共产党员。",
        rating="fairly_good",
    )

    # 3. 老带新、骨干带一般 in the school branch, with notes
    pair = services.mentorship_start(
        actor=users["school_secretary"],
        mentor=others[0],
        mentee=others[3] if len(others) > 3 else others[2],
        kind="new",
        goals="一年内熟悉党务工作和教学常规，能独立上好一节公开课。",
        started_on=today - datetime.timedelta(days=60),
    )
    services.mentorship_note(
        actor=users["school_secretary"],
        mentorship=pair,
        text="一起备课两次，听课三节，交流了班主任工作方法。",
        noted_on=today - datetime.timedelta(days=30),
    )
    services.mentorship_note(
        actor=users["school_secretary"], mentorship=pair, text="共同学习党章，谈心谈话一次。", noted_on=today
    )
    services.mentorship_start(
        actor=users["school_secretary"],
        mentor=me,
        mentee=others[1],
        kind="core",
        goals="骨干带一般：带动参加“为民服务”志愿活动。",
        started_on=today - datetime.timedelta(days=20),
    )

    # 4. 党员联系户 in a village branch (personal data: generated, not real)
    if village is not None:
        farmers = list(Member.objects.filter(organisation=village, is_active=True).order_by("pk")[:2])
        homes = [
            ("王秀兰", "永安镇八一村三组12号", "13905940012", "独居老人，行动不便，需要定期代购药品。"),
            ("陈阿水", "永安镇八一村五组8号", "", "种植枇杷缺技术，希望联系农技员指导。"),
        ]
        for farmer, (head, address, phone, needs) in zip(farmers, homes, strict=False):
            h = services.household_add(
                actor=users.get("office") or users["cx_secretary"],
                member=farmer,
                head_name=head,
                address=address,
                phone=phone,
                needs=needs,
            )
            services.household_note(
                actor=users.get("office") or users["cx_secretary"],
                household=h,
                text="入户走访，了解生产生活情况，帮助解决实际困难。",
                visited_on=today - datetime.timedelta(days=10),
            )

    # 5. the member's 党性分析 and 学习心得 (personal records, visible to the branch)
    if me.user_id:
        for kind, title, content in (
            (
                RecordKind.PARTY_ANALYSIS,
                "本半年党性分析",
                "对照“五带头”查找差距：学习不够系统，联系群众不够经常。",
            ),
            (
                RecordKind.STUDY_NOTES,
                "学习心得：创先争优与岗位建功",
                "把创先争优落实到每一节课、每一名学生身上。",
            ),
        ):
            ActivityRecord.objects.get_or_create(
                organisation=me.organisation,
                member=me,
                kind=kind,
                title=title,
                defaults={"occurred_on": today, "content": content, "logged_by": me.user},
            )

    # 6. the first reminders (the peer evaluation is open: those who have not rated get one)
    reminders.reminders_send_now(actor=users["school_secretary"], org=school)
    return True
