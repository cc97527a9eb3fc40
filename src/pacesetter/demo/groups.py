"""Demo 群团组织 (youth league, union, women's federation with their own members and a commitment) and a
民主评议行风政风 round of city agencies, closed, with 意见建议 reviewed and released (issue #19 parts 4–5)."""

import contextlib
import datetime
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from pacesetter.orgs.models import Organisation
from pacesetter.orgs.selectors import subtree_q

from .campaign import open_round

MASS_ORGS = (
    # (Party organisation, kind, name, members)
    ("城厢区实验小学党支部", "union", "城厢区实验小学工会", ("陈晓燕", "刘建国", "张丽", "黄志强", "吴敏")),
    ("城厢区实验小学党支部", "youth_league", "城厢区实验小学团支部", ("林晨", "郑雨欣", "王浩")),
    ("和林镇党委", "women", "和林镇妇联", ("李秀英", "王桂兰", "赵春梅", "孙丽华")),
)
SURNAMES = "王李张刘陈杨黄赵吴周"

CONDUCT_ROUND = "2011年度市直机关民主评议行风政风（演示，已结束）"
SUGGESTIONS = (
    "办事大厅的指示牌不够清楚，第一次来找不到窗口，建议在门口设导办台。",
    "窗口工作人员态度很好，材料一次就讲清楚了，不用来回跑。",
    "中午休息时窗口全关，上班族办事不方便，建议错时延时服务。",
    "网上能办的事项希望再多一些，少让群众跑腿。",
    "有的窗口排队时间太长，建议增加叫号提醒短信。",
    "办证收费项目应公示清楚，避免群众误解。",
    "希望节假日前后增开窗口。",
)


def ensure_mass_orgs(campaign, root: Organisation) -> int:
    """Three 群团组织 with their own rosters; the 团支部 makes a public commitment. Returns how many were made."""
    from pacesetter.campaigns.models import CriteriaItem
    from pacesetter.commitments import services as commit
    from pacesetter.core.errors import ApplicationError
    from pacesetter.massorgs import services
    from pacesetter.massorgs.models import MassOrganisation

    office = get_user_model().objects.get(username="office")
    made = 0
    for party_name, kind, name, people in MASS_ORGS:
        party = Organisation.objects.filter(subtree_q(root.path), name=party_name).first()
        if party is None or MassOrganisation.objects.filter(party_org=party, name=name).exists():
            continue
        mass_org = services.mass_org_create(actor=office, party_org=party, kind=kind, name=name)
        for i, person in enumerate(people):
            services.mass_member_add(
                actor=office,
                mass_org=mass_org,
                name=person,
                gender="F" if kind == "women" or i % 2 else "M",
                post=("主席" if kind != "youth_league" else "团支部书记") if i == 0 else "",
                phone=f"1390000{made:02d}{i:02d}",
                joined_on=datetime.date(2005 + i, 5, 4),
            )
        made += 1
        if kind == "youth_league" and campaign is not None:
            item = (
                CriteriaItem.objects.filter(criteria_set__campaign=campaign, criteria_set__subject="org")
                .order_by("order", "id")
                .first()
            )
            if item is None:
                continue
            # The campaign's commitment step may be closed in the demo's timeline: then no commitment.
            with contextlib.suppress(ApplicationError):
                commit.commitment_create(
                    actor=office,
                    campaign=campaign,
                    mass_org=mass_org,
                    criteria_item=item,
                    title="团员青年志愿服务进社区",
                    target="全年开展志愿服务 12 次，结对帮扶留守儿童 20 名",
                    deadline=timezone.localdate() + datetime.timedelta(days=120),
                    responsible="团支部书记",
                    content="党建带团建：组织团员青年到社区开展学雷锋志愿服务和课业辅导。",
                )
    return made


def ensure_conduct_evaluation(root: Organisation) -> bool:
    """A closed 民主评议行风政风 of city agencies: ballots, 意见建议 reviewed (one withheld) and released."""
    from pacesetter.evaluations import services as ev
    from pacesetter.evaluations.enums import GroupKind, GroupMode, RoundKind, RoundStatus, Scale
    from pacesetter.evaluations.models import RaterGroup, Round, Suggestion
    from pacesetter.evaluations.selectors import ballot_form
    from pacesetter.orgs.enums import Sector

    if Round.objects.filter(name=CONDUCT_ROUND).exists():
        return False
    office = get_user_model().objects.get(username="office")
    agencies_root = Organisation.objects.filter(subtree_q(root.path), name="市直机关工委").first()
    if agencies_root is None:
        return False
    targets = list(
        Organisation.objects.filter(parent=agencies_root, sector=Sector.AGENCY, is_active=True).order_by(
            "path"
        )[:5]
    )
    if not targets:
        return False
    round_ = open_round(
        office=office,
        organisation=agencies_root,
        name=CONDUCT_ROUND,
        kind=RoundKind.CONDUCT,
        scale=Scale.SATISFACTION,
        opened=datetime.timedelta(days=5),
        closes=datetime.timedelta(hours=1),
        groups=[
            {"name": "服务对象", "kind": GroupKind.PUBLIC, "weight": 70, "mode": GroupMode.CODES},
            {"name": "人大代表、政协委员", "kind": GroupKind.DEPUTIES, "weight": 30, "mode": GroupMode.CODES},
        ],
        target_orgs=targets,
    )
    form = ballot_form(round_)
    rng = random.Random(2011)
    for group_name, n in (("服务对象", 12), ("人大代表、政协委员", 3)):
        group = RaterGroup.objects.get(round=round_, name=group_name)
        for i, code in enumerate(ev.codes_generate(actor=office, round_=round_, group=group, count=n)):
            sheet = {
                str(t.id): {str(q.position): rng.choice([100, 100, 60, 60, 0]) for q in form.questions}
                for t in form.targets
            }
            text = SUGGESTIONS[(i // 2) % len(SUGGESTIONS)] if i % 2 == 0 else ""
            ev.ballot_cast_code(code=code, answers=sheet, suggestion=text)
    ev.round_transition(actor=office, round_=round_, to_status=RoundStatus.CLOSED)
    rows = list(Suggestion.objects.filter(round=round_).order_by("text"))
    withheld = [str(s.pk) for s in rows if "收费" in s.text]
    approved = [str(s.pk) for s in rows if str(s.pk) not in withheld]
    if approved:
        ev.suggestions_review(actor=office, round_=round_, ids=approved, to_status="approved")
    if withheld:
        ev.suggestions_review(actor=office, round_=round_, ids=withheld, to_status="withheld")
    ev.suggestions_release(actor=office, round_=round_)
    ev.round_publish(actor=office, round_=round_)
    return True


def remove_groups(root: Organisation) -> None:
    """For --reset: the conduct round and the demo tree's 群团组织 (after the campaign's commitments went)."""
    from pacesetter.evaluations.models import Round
    from pacesetter.massorgs.models import MassMember, MassOrganisation

    Round.objects.filter(name=CONDUCT_ROUND).delete()
    mass_orgs = MassOrganisation.objects.filter(subtree_q(root.path, "party_org__path"))
    MassMember.objects.filter(mass_org__in=mass_orgs).delete()
    mass_orgs.delete()
