"""The demo campaign: a running 创先争优 campaign over the demo city, with work at every stage of progress.

Dates are relative to the day the demo is built, so its windows are open when someone tries it. Plans and
themes go through the services (so versions, decisions and audit entries are real); activity records are
bulk-inserted, as a year of logging would have left them.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from pacesetter.campaigns import services as campaign_services
from pacesetter.campaigns.enums import DEFAULT_THEMES, CampaignStatus, StepKind
from pacesetter.campaigns.models import Campaign, Step
from pacesetter.orgs.enums import OrgType
from pacesetter.orgs.models import Member, Organisation
from pacesetter.orgs.selectors import subtree_q
from pacesetter.plans import services as plan_services
from pacesetter.plans.enums import PlanAction
from pacesetter.records.models import ActivityRecord

CAMPAIGN_NAME = "深入开展创先争优活动（演示）"
CARRIERS = [
    "党员先锋岗",
    "党员责任区",
    "党员示范岗",
    "结对帮扶",
    "一线工作法",
    "便民服务代办点",
    "党员志愿服务队",
    "“三诺一评”公开承诺",
    "主题党日",
    "党员议事会",
]
RECORD_TITLES = [
    ("study", "学习贯彻党的十七届四中全会精神"),
    ("mobilisation", "创先争优活动动员大会"),
    ("theme_day", "主题党日：走访慰问困难群众"),
    ("service", "开展“党员先锋岗”挂牌服务"),
    ("volunteer", "党员志愿服务队清理卫生死角"),
    ("party_lecture", "书记讲党课：争做优秀共产党员"),
    ("branch_assembly", "支部党员大会：讨论公开承诺事项"),
    ("study", "学习杨善洲同志先进事迹"),
    ("service", "为群众代办社保、医保手续"),
]
PLAN_BODY = (
    "<h2>一、指导思想</h2><p>以邓小平理论和“三个代表”重要思想为指导，深入贯彻落实科学发展观，"
    "围绕推动科学发展、促进社会和谐、服务人民群众、加强基层组织的总体要求，深入开展创先争优活动。</p>"
    "<h2>二、目标要求</h2><p>创建“五个好”先进基层党组织，争做“五带头”优秀共产党员。</p>"
    "<h2>三、方法步骤</h2><ol><li>动员部署</li><li>公开承诺</li><li>积极争创</li><li>领导点评</li>"
    "<li>群众评议</li></ol><h2>四、组织领导</h2><p>成立创先争优活动领导小组，书记为第一责任人。</p>"
)


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(8, 0), tzinfo=timezone.get_current_timezone())


@transaction.atomic
def ensure_campaign(root: Organisation, seed: int = 2010) -> Campaign:
    """Build the demo campaign under `root` once; later runs return the existing one untouched."""
    existing = Campaign.objects.filter(organisation=root, name=CAMPAIGN_NAME).first()
    if existing is not None:
        return existing
    users = {
        u.username: u
        for u in get_user_model().objects.filter(
            username__in=["office", "cx_secretary", "town_secretary", "school_secretary"]
        )
    }
    office = users["office"]
    rng = random.Random(seed)
    today = timezone.localdate()
    campaign = campaign_services.campaign_create(
        actor=office,
        organisation=root,
        name=CAMPAIGN_NAME,
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=400),
        plan_deadline=today + datetime.timedelta(days=10),
        description="分两个阶段：第一阶段动员部署、公开承诺、积极争创；第二阶段领导点评、群众评议、组织考核、评选表彰。",
    )
    first = campaign_services.stage_create(
        actor=office,
        campaign=campaign,
        name="第一阶段：动员部署、公开承诺、积极争创",
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=200),
    )
    second = campaign_services.stage_create(
        actor=office,
        campaign=campaign,
        name="第二阶段：领导点评、群众评议、评选表彰",
        starts_on=today + datetime.timedelta(days=201),
        ends_on=today + datetime.timedelta(days=400),
    )
    campaign_services.milestone_create(
        actor=office, stage=first, name="实施方案报送截止", date=today + datetime.timedelta(days=10)
    )
    campaign_services.milestone_create(
        actor=office, stage=second, name="“七一”表彰", date=today + datetime.timedelta(days=380)
    )
    for stage in (first, second):
        campaign_services.steps_lay_out_defaults(actor=office, stage=stage)
    # In the first stage mobilisation, commitments and striving are open now, one after another as in
    # the speeches (方案 6月1日前报, 承诺 then 践诺); 群众评议 is open too (the speeches have satisfaction
    # surveys during the year, and the demo's open evaluation must lie inside this step); the rest later.
    windows = {
        StepKind.MOBILISE: (-30, 20),
        StepKind.COMMIT: (-20, 60),
        StepKind.STRIVE: (-20, 190),
        StepKind.REVIEW: (60, 120),
        StepKind.EVALUATE: (-5, 170),
        StepKind.ASSESS: (170, 185),
        # 评选表彰 runs beside striving in the demo, so that its programme can be seen in 公示 now.
        StepKind.COMMEND: (-15, 200),
    }
    for step in Step.objects.filter(stage=first):
        start, end = windows[step.kind]
        campaign_services.step_update(
            actor=office,
            step=step,
            opens_at=_at(today + datetime.timedelta(days=start)),
            closes_at=_at(today + datetime.timedelta(days=end)),
            capabilities=step.capabilities,
        )
    campaign = campaign_services.campaign_transition(
        actor=office, campaign=campaign, to_status=CampaignStatus.ACTIVE
    )
    # Announce the steps already open without a flood of demo notifications.
    Step.objects.filter(campaign=campaign, opens_at__lte=timezone.now()).update(
        opened_announced_at=timezone.now()
    )

    _themes_and_plans(campaign, root, users, rng, today)
    _records(campaign, root, rng, today, office)
    return campaign


def _themes_and_plans(campaign, root, users, rng, today):
    office = users["office"]
    writers = [
        (users["cx_secretary"], org_named(root, "城厢区委")),
        (users["town_secretary"], org_named(root, "和林镇党委")),
    ]
    for secretary, area in writers:
        orgs = list(orgs_under(area))
        for i, org in enumerate(orgs):
            if i % 3 == 2:
                continue  # a third have not started: they show as "not started" on the dashboard
            theme = DEFAULT_THEMES.get(org.sector, "创先争优先锋")
            campaign_services.org_theme_set(
                actor=secretary,
                campaign=campaign,
                organisation=org,
                theme=rng.choice([theme, f"争当{theme}", f"{org.name[:4]}{theme}"])[:100],
                carriers=rng.sample(CARRIERS, 3),
            )
            if org.org_type != OrgType.BRANCH and i % 4 == 0:
                campaign_services.group_members_replace(
                    actor=secretary,
                    campaign=campaign,
                    organisation=org,
                    rows=_group_rows(org),
                )
            stage = {4: "draft", 3: "submitted"}.get(i % 5, "returned" if i % 7 == 1 else "approved")
            plan_to(
                stage,
                writer=secretary,
                office=office,
                campaign=campaign,
                org=org,
                title=f"{org.name}深入开展创先争优活动实施方案",
                body=PLAN_BODY,
            )
    return today


def plan_to(
    stage: str, *, writer, office, campaign: Campaign, org: Organisation, title: str, body: str, step=None
):
    """A plan written by `writer` through the plan services and taken as far as `stage`: "draft", "submitted"
    (awaiting review), "returned" or "approved" (by `office`)."""
    plan = plan_services.plan_save(
        actor=writer, campaign=campaign, org=org, title=title, body=body, step=step
    )
    if stage == "draft":
        return plan
    plan_services.plan_submit(actor=writer, plan=plan)
    if stage == "returned":
        comment = "请结合本单位实际细化活动载体，明确时间节点和责任人。"
        plan_services.plan_decide(actor=office, plan=plan, decision=PlanAction.RETURN, comment=comment)
    elif stage == "approved":
        plan_services.plan_decide(actor=office, plan=plan, decision=PlanAction.APPROVE, comment="同意。")
    return plan


def _group_rows(org):
    members = list(Member.objects.filter(organisation__in=org.children.all(), is_active=True)[:4])
    positions = ["head", "deputy", "member", "office_head"]
    return [
        {"name": m.name, "position": p, "unit": m.post, "member_id": m.pk}
        for m, p in zip(members, positions, strict=False)
    ]


def _records(campaign, root, rng, today, office):
    branches = list(
        Organisation.objects.filter(subtree_q(root.path), org_type=OrgType.BRANCH, is_active=True).order_by(
            "path"
        )
    )
    rows = []
    for org in branches:
        if rng.random() < 0.35:
            continue
        for _i in range(rng.randint(1, 4)):
            kind, title = rng.choice(RECORD_TITLES)
            rows.append(
                ActivityRecord(
                    organisation=org,
                    campaign=campaign,
                    kind=kind,
                    title=title,
                    occurred_on=today - datetime.timedelta(days=rng.randint(0, 28)),
                    place=f"{org.name}党员活动室",
                    participants="全体党员",
                    content=f"{title}。",
                    contribution="党员带头，群众参与。",
                    effect="群众满意。",
                    logged_by=office,
                )
            )
    ActivityRecord.objects.bulk_create(rows, batch_size=500)


def remove_campaign(root: Organisation) -> None:
    """Delete the demo campaign with what it produced (plans, records, commitments), for `demo --reset`."""
    from pacesetter.commitments.models import Commitment, CommitmentEvent, Post
    from pacesetter.evaluations.models import Round

    for campaign in Campaign.objects.filter(organisation=root, name=CAMPAIGN_NAME):
        Round.objects.filter(campaign=campaign).delete()
        CommitmentEvent.objects.filter(commitment__campaign=campaign).delete()
        Commitment.objects.filter(campaign=campaign).delete()
        Post.objects.filter(campaign=campaign).delete()
        ActivityRecord.objects.filter(campaign=campaign).delete()
        from pacesetter.plans.models import Plan

        Plan.objects.filter(campaign=campaign).update(current_version=None)
        Plan.objects.filter(campaign=campaign).delete()
        campaign.delete()


ORG_DEEDS = [
    ("为辖区留守儿童开设“四点半课堂”", "每周开课 3 次，全年不少于 120 次"),
    ("党员结对帮扶困难家庭", "每名党员至少联系 1 户，每月走访 1 次"),
    ("设立党员先锋岗，推行首问责任制", "群众来办事一次性告知，满意率 95% 以上"),
    ("开展“便民服务进社区”活动", "每季度组织 1 次义诊、法律咨询、家电维修"),
]
MEMBER_DEEDS = [
    ("带头学习提高：读好一本书、写好一篇心得", "全年读书 6 本，撰写心得 4 篇"),
    ("带头服务群众：每月为学生家庭义务辅导一次", "全年不少于 12 次"),
]


def ensure_commitments(campaign: Campaign, root: Organisation) -> int:
    """Published commitments with progress, so the public wall and organisation pages have content."""
    from pacesetter.campaigns.models import CriteriaItem
    from pacesetter.commitments import services as commit
    from pacesetter.commitments.models import Commitment

    if Commitment.objects.filter(campaign=campaign).exists():
        return 0
    users = {
        u.username: u
        for u in get_user_model().objects.filter(
            username__in=["office", "cx_secretary", "school_secretary", "member"]
        )
    }
    org_items = list(
        CriteriaItem.objects.filter(criteria_set__campaign=campaign, criteria_set__subject="org")
    )
    member_items = list(
        CriteriaItem.objects.filter(criteria_set__campaign=campaign, criteria_set__subject="member")
    )
    area = org_named(root, "城厢区委")
    deadline = timezone.localdate() + datetime.timedelta(days=150)
    count = 0
    for i, org in enumerate(branches_under(area, 12)):
        title, target = ORG_DEEDS[i % len(ORG_DEEDS)]
        c = commit.commitment_create(
            actor=users["cx_secretary"],
            campaign=campaign,
            organisation=org,
            criteria_item=org_items[i % len(org_items)],
            title=title,
            target=target,
            deadline=deadline,
            responsible="支部书记",
            content=title,
        )
        commit.commitment_transition(actor=users["cx_secretary"], commitment=c, action="submit")
        commit.commitment_transition(actor=users["office"], commitment=c, action="approve")
        c = commit.commitment_transition(actor=users["office"], commitment=c, action="publish")
        if i % 3:
            commit.progress_add(
                actor=users["cx_secretary"],
                commitment=c,
                percent=20 * (i % 4 + 1),
                text="按计划推进，群众反映良好。",
            )
        count += 1
    member = Member.objects.filter(user=users["member"]).first()
    if member is not None:
        commit.post_set(
            actor=users["member"],
            campaign=campaign,
            member=member,
            title=member.post or "教师",
            duties="教书育人，服务学生和家长",
        )
        for j, (title, target) in enumerate(MEMBER_DEEDS):
            c = commit.commitment_create(
                actor=users["member"],
                campaign=campaign,
                member=member,
                criteria_item=member_items[j % len(member_items)],
                title=title,
                target=target,
                deadline=deadline,
                responsible=member.name,
                content=title,
            )
            commit.commitment_transition(actor=users["member"], commitment=c, action="submit")
            commit.commitment_transition(actor=users["school_secretary"], commitment=c, action="approve")
            commit.commitment_transition(actor=users["member"], commitment=c, action="publish")
            count += 1
    return count


def ensure_evaluation(campaign: Campaign, root: Organisation) -> list[str]:
    """An open public evaluation of the 和林镇 villages with a few printed codes for trying the ballot."""
    from pacesetter.evaluations import services as ev
    from pacesetter.evaluations.enums import GroupKind, GroupMode, RoundKind, Scale
    from pacesetter.evaluations.models import RaterGroup, Round

    name = "和林镇村党组织群众满意度测评（演示）"
    if Round.objects.filter(name=name).exists():
        return []
    office = get_user_model().objects.get(username="office")
    town = org_named(root, "和林镇党委")
    targets = list(
        Organisation.objects.filter(parent=town, sector="village", is_active=True).order_by("path")[:6]
    )
    round_ = open_round(
        office=office,
        organisation=town,
        name=name,
        kind=RoundKind.SATISFACTION,
        scale=Scale.SATISFACTION,
        opened=datetime.timedelta(hours=1),
        closes=datetime.timedelta(days=60),
        campaign=campaign,
        groups=[
            {"name": "党代表、人大代表", "kind": GroupKind.DEPUTIES, "weight": 40, "mode": GroupMode.CODES},
            {"name": "群众", "kind": GroupKind.PUBLIC, "weight": 60, "mode": GroupMode.CODES},
        ],
        target_orgs=targets,
    )
    public = RaterGroup.objects.get(round=round_, name="群众")
    return ev.codes_generate(actor=office, round_=round_, group=public, count=5)


def org_named(root: Organisation, name: str) -> Organisation:
    """The demo organisation called `name` in `root`'s tree (城厢区委, 和林镇党委, 城厢区实验小学党支部)."""
    return Organisation.objects.get(subtree_q(root.path), name=name)


def orgs_under(org: Organisation):
    """The active organisations under `org`, `org` itself left out, in tree order."""
    return (
        Organisation.objects.filter(subtree_q(org.path), is_active=True).exclude(pk=org.pk).order_by("path")
    )


def branches_under(org: Organisation, n: int) -> list[Organisation]:
    """The first `n` active branches (党支部) under `org`, in tree order: the units a demo round rates."""
    return list(
        Organisation.objects.filter(subtree_q(org.path), org_type=OrgType.BRANCH, is_active=True).order_by(
            "path"
        )[:n]
    )


def open_round(
    *, office, organisation, name, kind, scale, opened, closes, groups, campaign=None, criteria="", **targets
):
    """A round made through the evaluation service and opened for ballots now: it opened `opened` ago and
    closes `closes` from now; `criteria` ("org" or "member") rates it on the campaign's criteria of that
    subject; `targets` is target_orgs= or target_members=."""
    from pacesetter.campaigns.models import CriteriaSet
    from pacesetter.evaluations import services as ev
    from pacesetter.evaluations.enums import RoundStatus

    if criteria:
        targets["criteria_set"] = CriteriaSet.objects.get(campaign=campaign, subject=criteria)
    now = timezone.now()
    round_ = ev.round_create(
        actor=office,
        organisation=organisation,
        name=name,
        kind=kind,
        scale=scale,
        opens_at=now - opened,
        closes_at=now + closes,
        campaign=campaign,
        groups=groups,
        **targets,
    )
    ev.round_transition(actor=office, round_=round_, to_status=RoundStatus.OPEN)
    return round_


def open_public_review(*, office, organisation: Organisation, name: str, campaign: Campaign, groups, targets):
    """A 群众评议 round of `targets` on the campaign's organisation criteria (four-grade scale), opened four days
    ago and closing within the hour, open for ballots now."""
    from pacesetter.evaluations.enums import RoundKind, Scale

    return open_round(
        office=office,
        organisation=organisation,
        name=name,
        kind=RoundKind.PUBLIC_REVIEW,
        scale=Scale.GRADE4,
        opened=datetime.timedelta(days=4),
        closes=datetime.timedelta(hours=1),
        campaign=campaign,
        criteria="org",
        groups=groups,
        target_orgs=targets,
    )


def ensure_closed_evaluation(campaign: Campaign, root: Organisation) -> bool:
    """A finished 群众评议 of 城厢区 branches: ballots on the web and on paper, a group under k, one unit
    below the satisfaction line (so a rectification case exists), results published. True if built now."""
    from pacesetter.evaluations import services as ev
    from pacesetter.evaluations.enums import GroupKind, GroupMode, RoundStatus
    from pacesetter.evaluations.models import RaterGroup, Round
    from pacesetter.evaluations.selectors import ballot_form

    name = "城厢区基层党组织群众评议（演示，已结束）"
    if Round.objects.filter(name=name).exists():
        return False
    office = get_user_model().objects.get(username="office")
    district = org_named(root, "城厢区委")
    round_ = open_public_review(
        office=office,
        organisation=district,
        name=name,
        campaign=campaign,
        groups=[
            {"name": "领导班子", "kind": GroupKind.LEADERS, "weight": 30, "mode": GroupMode.CODES},
            {"name": "党代表、人大代表", "kind": GroupKind.DEPUTIES, "weight": 20, "mode": GroupMode.CODES},
            {"name": "服务对象和群众", "kind": GroupKind.PUBLIC, "weight": 50, "mode": GroupMode.CODES},
        ],
        targets=branches_under(district, 8),
    )
    form = ballot_form(round_)
    rng = random.Random(2011)
    weak = form.targets[-1].id  # this one's service recipients are not satisfied

    def sheet(group_name):
        good, poor = [100, 100, 80, 80, 60], [80, 60, 60, 0, 0]
        return {
            str(t.id): {
                str(q.position): (
                    None
                    if rng.random() < 0.06
                    else rng.choice(poor if t.id == weak and group_name != "领导班子" else good)
                )
                for q in form.questions
            }
            for t in form.targets
        }

    # 党代表 has 3 sheets, under k = 5: shown as 样本不足 and its weight shared out.
    for group_name, web, paper in (("领导班子", 6, 0), ("党代表、人大代表", 3, 0), ("服务对象和群众", 24, 6)):
        group = RaterGroup.objects.get(round=round_, name=group_name)
        codes = ev.codes_generate(actor=office, round_=round_, group=group, count=web + paper)
        for code in codes[:web]:
            ev.ballot_cast_code(code=code, answers=sheet(group_name))
        for code in codes[web:]:
            ev.ballot_enter_paper(actor=office, round_=round_, code=code, answers=sheet(group_name))
    round_.refresh_from_db()
    ev.round_transition(actor=office, round_=round_, to_status=RoundStatus.CLOSED)
    ev.round_publish(actor=office, round_=round_)
    return True


def ensure_peer_evaluation(campaign: Campaign, root: Organisation) -> bool:
    """An open 民主测评 (党员互评, 五带头) in 城厢区实验小学党支部, where the demo `member` account rates peers."""
    from pacesetter.evaluations.enums import GroupKind, GroupMode, RoundKind, Scale
    from pacesetter.evaluations.models import Round

    name = "城厢区实验小学党支部党员互评（演示）"
    if Round.objects.filter(name=name).exists():
        return False
    office = get_user_model().objects.get(username="office")
    branch = org_named(root, "城厢区实验小学党支部")
    open_round(
        office=office,
        organisation=branch,
        name=name,
        kind=RoundKind.DEMOCRATIC,
        scale=Scale.GRADE4,
        opened=datetime.timedelta(hours=2),
        closes=datetime.timedelta(days=30),
        campaign=campaign,
        criteria="member",
        groups=[
            {"name": "党员互评", "kind": GroupKind.MEMBERS, "weight": 70, "mode": GroupMode.MEMBERS},
            {"name": "支部委员会", "kind": GroupKind.LEADERS, "weight": 30, "mode": GroupMode.CODES},
        ],
        target_members=list(
            Member.objects.select_related("organisation")
            .filter(organisation=branch, is_active=True)
            .order_by("name", "id")[:12]
        ),
    )
    return True
