"""The demo campaign's steering loop (issue #17): a plan per step, required and optional actions, problem lists.

Everything goes through the services (audit rows, versions, decisions are real). Each builder is idempotent:
it returns early when its mark is already there. The demo campaign's own removal (demo.campaign
remove_campaign) deletes what these rows hang on; `remove_loop` clears the rest first.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from pacesetter.campaigns import services as campaign_services
from pacesetter.campaigns.enums import StepKind
from pacesetter.campaigns.models import Campaign, Step
from pacesetter.orgs.models import Organisation
from pacesetter.orgs.selectors import subtree_q
from pacesetter.plans import services as plan_services
from pacesetter.plans.enums import PlanAction
from pacesetter.plans.models import Plan

from .campaign import org_named, orgs_under, plan_to

STEP_PLAN_BODY = (
    "<h2>一、公开承诺的内容</h2><p>党组织围绕“五个好”、党员围绕“五带头”，结合岗位职责和群众需求，"
    "提出具体、可操作、可检查的承诺事项。</p>"
    "<h2>二、公开方式</h2><p>承诺事项经支部党员大会讨论后，在公开栏上墙、在门户网站公布，接受群众监督。</p>"
    "<h2>三、时间安排</h2><ol><li>征求群众意见</li><li>党员大会讨论</li><li>公开承诺上墙</li></ol>"
)


def _users():
    return {
        u.username: u
        for u in get_user_model().objects.filter(username__in=["office", "cx_secretary", "town_secretary"])
    }


@transaction.atomic
def ensure_step_plans(campaign: Campaign, root: Organisation) -> int:
    """阶段实施方案: the office requires a plan for the 公开承诺 step; some organisations have written one.

    Returns how many step plans exist afterwards.
    """
    users = _users()
    office = users["office"]
    step = Step.objects.filter(campaign=campaign, kind=StepKind.COMMIT).order_by("opens_at").first()
    if step is None:
        return 0
    if not step.plan_required:
        step = campaign_services.step_update(
            actor=office,
            step=step,
            opens_at=step.opens_at,
            closes_at=step.closes_at,
            capabilities=step.capabilities,
            plan_required=True,
            plan_deadline=timezone.localdate() + datetime.timedelta(days=15),
        )
    if Plan.objects.filter(step=step).exists():
        return Plan.objects.filter(step=step).count()
    area = org_named(root, "城厢区委")
    orgs = list(orgs_under(area)[:12])
    writer = users["cx_secretary"]
    for i, org in enumerate(orgs):
        if i % 4 == 3:
            continue  # not started
        plan_to(
            {2: "draft", 1: "submitted"}.get(i % 4, "approved"),
            writer=writer,
            office=office,
            campaign=campaign,
            org=org,
            step=step,
            title=f"{org.name}“公开承诺”步骤实施方案",
            body=STEP_PLAN_BODY,
        )
    return Plan.objects.filter(step=step).count()


REQUIRED = [
    (StepKind.MOBILISE, "召开动员会", "召开党员大会或动员会，传达创先争优活动部署", "mobilisation"),
    (StepKind.MOBILISE, "报送实施方案", "结合实际制定本单位活动实施方案并报上级党组织", ""),
    (StepKind.COMMIT, "公开承诺上墙", "承诺事项经党员大会讨论后在公开栏上墙", ""),
    (StepKind.COMMIT, "支部党员大会讨论承诺", "逐一讨论党组织和党员的承诺事项", "branch_assembly"),
    (StepKind.STRIVE, "主题党日活动", "每季度至少开展一次主题党日", "theme_day"),
]
OPTIONAL = [
    ("四点半课堂", "为双职工家庭孩子开设课后辅导，党员教师轮流值守。", "feature"),
    ("党员代办点", "党员为群众代办社保、医保手续，全年代办三百余件。", "brand"),
    ("田间党课", "把党课开到田间地头，请种植能手讲技术。", ""),
]


@transaction.atomic
def ensure_actions(campaign: Campaign, root: Organisation) -> int:
    """规定动作 per step (auto-detected from record kinds where they map), a manual link, a rejection by
    the parent, and optional actions with the office's 特色 / 品牌 marks. Returns how many required actions."""
    from pacesetter.actions import services as action_services
    from pacesetter.actions.models import OptionalAction, RequiredAction
    from pacesetter.actions.selectors import step_dates
    from pacesetter.records.models import ActivityRecord

    if RequiredAction.objects.filter(campaign=campaign).exists():
        return RequiredAction.objects.filter(campaign=campaign).count()
    users = _users()
    office = users["office"]
    steps = {s.kind: s for s in Step.objects.filter(campaign=campaign).order_by("-opens_at")}
    actions = {}
    for order, (kind, name, description, record_kind) in enumerate(REQUIRED, start=1):
        if kind in steps:
            actions[name] = action_services.required_action_create(
                actor=office,
                step=steps[kind],
                name=name,
                description=description,
                record_kind=record_kind,
                order=order,
            )
    area = org_named(root, "城厢区委")
    orgs = list(orgs_under(area)[:6])
    writer = users["cx_secretary"]
    wall = actions.get("公开承诺上墙")
    for i, org in enumerate(orgs):
        if wall is None:
            break
        opens_on, closes_on = step_dates(wall.step)
        day = max(opens_on, min(closes_on, timezone.localdate()))
        record = ActivityRecord.objects.create(
            organisation=org,
            campaign=campaign,
            kind="other",
            title="承诺事项公开上墙",
            occurred_on=day,
            content="党组织和党员的承诺事项在公开栏上墙，接受群众监督。",
            logged_by=writer,
        )
        if i % 3 == 2:
            continue  # recorded but not linked: the checklist offers it
        action_services.action_link_create(actor=writer, action=wall, org=org, record=record)
        if i == 1:
            action_services.action_link_reject(
                actor=office, action=wall, org=org, record=record, reason="上墙照片未上传，请补充佐证"
            )
        title, description, highlight = OPTIONAL[i % len(OPTIONAL)]
        if not OptionalAction.objects.filter(campaign=campaign, organisation=org, title=title).exists():
            opt = action_services.optional_action_create(
                actor=writer, campaign=campaign, org=org, title=title, description=description, record=record
            )
            if highlight:
                action_services.optional_action_mark(actor=office, optional=opt, highlight=highlight)
    return len(actions)


PROBLEMS = [
    ("群众办事多头跑、来回跑", "public", "leadership", "办理低保、医保手续要跑三个窗口"),
    ("学习实践活动中查摆的服务意识不强问题尚未整改到位", "study", "leadership", ""),
    ("部分中层干部工作作风漂浮，下基层少", "meeting", "middle", "一季度下基层不足两次"),
    ("窗口工作人员服务态度生硬", "public", "staff", "群众反映说话冷、脸难看"),
]


@transaction.atomic
def ensure_problems(campaign: Campaign, root: Organisation) -> int:
    """问题清单: the school branch's open problems, one carried into a commitment (整改中), one solved."""
    from pacesetter.commitments import problems as problem_services
    from pacesetter.commitments.models import Commitment, Problem

    # the organisation whose public commitments the demo shows, so a problem can be carried into one
    first = (
        Commitment.objects.filter(campaign=campaign, member__isnull=True, published_at__isnull=False)
        .select_related("organisation")
        .order_by("id")
        .first()
    )
    org = first.organisation if first is not None else None
    if org is None or Problem.objects.filter(campaign=campaign, organisation=org).exists():
        return Problem.objects.filter(campaign=campaign).count()
    actor = _users()["office"]
    due = min(campaign.ends_on, timezone.localdate() + datetime.timedelta(days=90))
    made = [
        problem_services.problem_create(
            actor=actor,
            campaign=campaign,
            org=org,
            title=title,
            source=source,
            owner_level=owner,
            due_date=due,
            description=description,
        )
        for title, source, owner, description in PROBLEMS
    ]
    problem_services.problem_link(actor=actor, problem=made[0], commitment=first)
    problem_services.problem_transition(actor=actor, problem=made[1], action="solve")
    return Problem.objects.filter(campaign=campaign).count()


CONSULT_BODY = (
    "<h2>一、指导思想</h2><p>以邓小平理论和“三个代表”重要思想为指导，深入贯彻落实科学发展观，"
    "围绕中心、服务大局，推动创先争优活动在本单位扎实开展。</p>"
    "<h2>二、目标要求</h2><p>党组织争创“五个好”，党员争做“五带头”；制定方案向群众问计，活动过程让群众监督。</p>"
    "<h2>三、方法步骤</h2><ol><li>动员部署，征求意见</li><li>公开承诺，接受监督</li>"
    "<li>领导点评，群众评议</li><li>总结表彰，建立长效机制</li></ol>"
)
CONSULT_COMMENTS = [
    ("member", "建议把为群众办实事的承诺量化到每个月，便于群众对照检查。", "adopted", ""),
    (
        "public",
        "希望每季度在公开栏公布一次活动进展，让我们看得见。",
        "partly",
        "改为每季度公布，并同步到门户网站",
    ),
    ("public", "能不能把党员服务岗设到菜市场旁边，方便老年人办事？", "adopted", ""),
    ("member", "建议取消所有会议，只做实事。", "not_adopted", "党员大会是规定动作，不能取消；会议将精简"),
    ("public", "请加强小区停车管理。", "", ""),  # not about the plan: 不予公开
]


@transaction.atomic
def ensure_consultations(campaign: Campaign, root: Organisation) -> int:
    """征求意见: one draft plan whose consultation has ended, with comments from members and the public (by
    printed slips) moderated and answered, the 采纳情况 published and the plan approved; one still open.

    Returns how many consultations the demo campaign has afterwards.
    """
    from pacesetter import onecount
    from pacesetter.core.errors import ApplicationError
    from pacesetter.plans import consultations
    from pacesetter.plans.enums import EDITABLE
    from pacesetter.plans.models import Consultation

    existing = Consultation.objects.filter(plan__campaign=campaign)
    if existing.exists():
        return existing.count()
    users = _users()
    office, writer = users["office"], users["cx_secretary"]
    area = org_named(root, "城厢区委")
    orgs = []
    for org in orgs_under(area).reverse():
        plan = Plan.objects.filter(campaign=campaign, organisation=org, step__isnull=True).first()
        if plan is None or plan.status in EDITABLE:
            orgs.append(org)
        if len(orgs) == 2:
            break
    members = list(
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(pk__in=[office.pk, writer.pk])
        .order_by("pk")[:4]
    )
    now = timezone.now()
    today = timezone.localdate()
    for n, org in enumerate(orgs):
        plan = plan_services.plan_save(
            actor=writer,
            campaign=campaign,
            org=org,
            title=f"{org.name}开展{campaign.name}实施方案",
            body=CONSULT_BODY,
        )
        ended = n == 0
        opened_at = now - datetime.timedelta(days=12) if ended else now - datetime.timedelta(days=2)
        c = consultations.consultation_open(
            actor=writer,
            plan=plan,
            closes_on=today - datetime.timedelta(days=2) if ended else today + datetime.timedelta(days=8),
            now=opened_at,
        )
        slips = iter(onecount.slip_sheet_create(actor=office, org=org, count=5).codes)
        people = iter(members)
        rows = CONSULT_COMMENTS if ended else CONSULT_COMMENTS[:2]
        for i, (source, body, handling, reason) in enumerate(rows):
            kwargs = {"user": next(people)} if source == "member" else {"slip": next(slips)}
            x = consultations.comment_submit(
                consultation=c,
                body=body,
                ip=f"10.17.0.{i + 1}",
                now=opened_at + datetime.timedelta(days=1, hours=i),
                **kwargs,
            )
            if not ended:
                continue  # still coming in: awaiting moderation
            consultations.comment_moderate(actor=writer, comment=x, approve=bool(handling))
            if handling:
                consultations.comment_answer(actor=writer, comment=x, handling=handling, reason=reason)
        if ended:
            consultations.consultation_answer(
                actor=writer,
                consultation=c,
                summary="征求意见期间共收到党员和群众意见5条。采纳2条、部分采纳1条，未采纳1条并说明了理由；"
                "1条与方案无关，已转社区办理。方案已据此修改。",
            )
            try:  # the overall plan goes up only while the campaign's plan step is open
                plan_services.plan_submit(actor=writer, plan=plan)
                plan_services.plan_decide(
                    actor=office, plan=plan, decision=PlanAction.APPROVE, comment="同意。"
                )
            except ApplicationError:
                pass
    return Consultation.objects.filter(plan__campaign=campaign).count()


SURVEY_NAME = "城厢区实验小学党支部“五带头”具体标准征询问卷"
SURVEY_SUGGESTIONS = (
    "“带头学习提高”建议写明每学期读一本教育专著、写一篇心得。",
    "“带头服务群众”可以具体到每名党员教师结对一名学困生。",
    "建议把家访次数写进标准，便于检查。",
)
SCHOOL_WORDING = {
    1: "每学期精读一本教育教学专著，撰写学习心得不少于2篇，在教研组交流1次。",
    3: "每名党员教师结对帮扶学困生1名，每学期家访不少于5户，帮扶情况记入个人记实。",
}


@transaction.atomic
def ensure_local_standards(campaign: Campaign, root: Organisation) -> int:
    """结合实际制定具体标准: the school branch asked its members in a 具体标准征询问卷 on “五带头” (closed, item
    by item, with 意见建议 reviewed and released by the office), then worded two items in its own terms;
    城厢区委 worded one item of “五个好” for everything below it. Returns how many items are worded locally."""
    import random

    from pacesetter.campaigns.local_standards import local_criteria_save
    from pacesetter.campaigns.models import CriteriaSet, LocalCriteriaText
    from pacesetter.evaluations import services as ev
    from pacesetter.evaluations.enums import (
        GroupKind,
        GroupMode,
        RoundKind,
        RoundStatus,
        Scale,
        SuggestionStatus,
    )
    from pacesetter.evaluations.models import RaterGroup, Round, Suggestion
    from pacesetter.evaluations.selectors import ballot_form

    done = LocalCriteriaText.objects.filter(item__criteria_set__campaign=campaign)
    if done.exists() or Round.objects.filter(name=SURVEY_NAME).exists():
        return done.count()
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=["office", "cx_secretary", "school_secretary"])
    }
    if len(users) < 3:
        return 0
    school = Organisation.objects.filter(subtree_q(root.path), name="城厢区实验小学党支部").first()
    area = Organisation.objects.filter(subtree_q(root.path), name="城厢区委").first()
    five_lead = CriteriaSet.objects.filter(campaign=campaign, name="五带头").first()
    five_good = CriteriaSet.objects.filter(campaign=campaign, name="五个好").first()
    if not (school and area and five_lead and five_good):
        return 0
    now = timezone.now()
    round_ = ev.round_set_up(
        actor=users["cx_secretary"],
        organisation=school,
        target_mode="orgs",
        criteria_set=five_lead,
        name=SURVEY_NAME,
        kind=RoundKind.SURVEY,
        scale=Scale.SATISFACTION,
        opens_at=now - datetime.timedelta(days=20),
        closes_at=now + datetime.timedelta(hours=1),
        groups=[{"name": "本支部党员", "kind": GroupKind.MEMBERS, "weight": 100, "mode": GroupMode.CODES}],
        k_min=5,
    )
    ev.round_transition(actor=users["cx_secretary"], round_=round_, to_status=RoundStatus.OPEN)
    form = ballot_form(round_)
    target = form.targets[0]
    rng = random.Random(17)
    group = RaterGroup.objects.get(round=round_)
    for i, code in enumerate(
        ev.codes_generate(actor=users["cx_secretary"], round_=round_, group=group, count=14)[:12]
    ):
        # items 1 and 3 (带头学习提高, 带头服务群众) are felt too general: most ask for a change
        row = {
            str(q.position): rng.choice([0, 0, 60] if q.position in (1, 3) else [100, 100, 60])
            for q in form.questions
        }
        suggestion = SURVEY_SUGGESTIONS[i] if i < len(SURVEY_SUGGESTIONS) else ""
        ev.ballot_cast_code(code=code, answers={str(target.id): row}, suggestion=suggestion)
    round_.refresh_from_db()
    ev.round_transition(actor=users["cx_secretary"], round_=round_, to_status=RoundStatus.CLOSED)
    ids = [str(pk) for pk in Suggestion.objects.filter(round=round_).values_list("pk", flat=True)]
    ev.suggestions_review(actor=users["office"], round_=round_, ids=ids, to_status=SuggestionStatus.APPROVED)
    ev.suggestions_release(actor=users["office"], round_=round_)

    items = list(five_lead.items.order_by("order", "id"))
    local_criteria_save(
        actor=users["school_secretary"],
        org=school,
        criteria_set=five_lead,
        texts={items[n - 1].pk: text for n, text in SCHOOL_WORDING.items() if n <= len(items)},
    )
    first_good = five_good.items.order_by("order", "id").first()
    if first_good is not None:
        local_criteria_save(
            actor=users["cx_secretary"],
            org=area,
            criteria_set=five_good,
            texts={
                first_good.pk: "领导班子每月集体学习1次，每季度专题研究创先争优工作1次，班子成员每人联系1个基层党组织。"
            },
        )
    return LocalCriteriaText.objects.filter(item__criteria_set__campaign=campaign).count()


MEMBER_REQUIREMENTS = {
    "on_duty": "立足岗位创佳绩：在本职岗位上作出1项公开承诺，争当岗位能手、服务标兵。",
    "no_post": "发挥余热作表率：参加社区（村）党组织活动，认领1项力所能及的服务岗位或公益事务。",
    "mobile": "流动不流失：每季度向所在党组织报告一次思想和工作情况，按时交纳党费，在流入地参加组织生活。",
    "elderly": "量力而行献余热：关心支持社区建设，以讲传统、带家风等方式影响身边群众。",
}


@transaction.atomic
def ensure_member_status(campaign: Campaign, root: Organisation) -> int:
    """区别在职和无职党员: requirements per member status, and the demo members' statuses (most 在职, some 无职,
    流动 and 年老体弱, the demo member 在职). Returns how many members carry a status."""
    from pacesetter.campaigns.models import MemberRequirement
    from pacesetter.orgs.models import Member

    office = _users()["office"]
    if not MemberRequirement.objects.filter(campaign=campaign).exists():
        campaign_services.member_requirements_set(actor=office, campaign=campaign, texts=MEMBER_REQUIREMENTS)
    members = Member.objects.filter(subtree_q(root.path, "organisation__path"), is_active=True)
    if not members.exclude(status="").exists():
        ids = list(members.filter(user__isnull=True).order_by("pk").values_list("pk", flat=True))
        cycle = ["on_duty"] * 7 + ["no_post", "mobile", "elderly"]
        by_status: dict[str, list[int]] = {}
        for i, pk in enumerate(ids):
            by_status.setdefault(cycle[i % len(cycle)], []).append(pk)
        for status, pks in by_status.items():
            Member.objects.filter(pk__in=pks).update(status=status)
        members.filter(user__isnull=False).update(status="on_duty")
    return members.exclude(status="").count()


def ensure_loop(campaign: Campaign, root: Organisation) -> dict[str, int]:
    """Every piece of the loop the demo shows, each idempotent."""
    return {
        "step_plans": ensure_step_plans(campaign, root),
        "required_actions": ensure_actions(campaign, root),
        "problems": ensure_problems(campaign, root),
        "consultations": ensure_consultations(campaign, root),
        "local_standards": ensure_local_standards(campaign, root),
        "member_status": ensure_member_status(campaign, root),
    }
