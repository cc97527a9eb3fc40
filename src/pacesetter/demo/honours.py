"""The demo city's commendation: the city's 2011年“七一”表彰 in 公示, nominated by the districts within their
places and reviewed level by level, with public recommendations and one open objection pausing a nominee.

Deeds follow the speeches (/work/shared/seed): 党员示范岗, 结对帮扶, 为民服务全程代理, 四点半课堂."""

import datetime
import itertools

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from pacesetter.orgs.models import Member, Organisation
from pacesetter.orgs.selectors import subtree_q

from .campaign import orgs_under

TITLE = "2011年“七一”表彰"

DEEDS = [
    (
        "开设“四点半课堂”，党员教师轮流辅导留守儿童，一年来累计服务学生三千余人次。",
        "支部把创先争优与教育教学结合起来，设立党员示范岗 12 个，开设“四点半课堂”为留守儿童义务辅导，"
        "组织党员与困难学生结对帮扶，公开承诺事项全部兑现，群众满意率 98%。",
    ),
    (
        "推行为民服务全程代理，群众办事“一次告知、限时办结”。",
        "该同志带头践行公开承诺，推行为民服务全程代理制度，带领党员干部走访群众 600 余户，"
        "协调解决就业、就学、就医等实际困难 80 余件，在群众评议中满意率名列前茅。",
    ),
    (
        "扎根讲台二十年，带头承担教学改革任务，结对帮扶青年教师。",
        "该同志坚持“五带头”，主动承担毕业班教学和课程改革任务，结对帮扶青年教师 5 名，"
        "义务辅导学习困难学生，所在教研组获评市级优秀教研组。",
    ),
]


def remove_honours(root: Organisation) -> None:
    from pacesetter.honours.models import Honour, Nomination, Programme

    programmes = Programme.objects.filter(subtree_q(root.path, "organisation__path"))
    Honour.objects.filter(decision__programme__in=programmes).delete()
    for p in programmes:
        p.decisions.all().delete()
        Nomination.objects.filter(programme=p).delete()
        p.categories.all().delete()
    programmes.delete()


def _first_district_nomination(office, category, districts, deeds, subject: str, find) -> list:
    """One nomination of what `find(district)` returns (as the nomination's `subject` field), by the first of
    `districts` where it finds one; none if it finds nothing."""
    from pacesetter.honours import services

    for d in districts:
        found = find(d)
        if found is not None:
            summary, deed = next(deeds)
            return [
                services.nomination_create(
                    actor=office,
                    category=category,
                    nominator=d,
                    summary=summary,
                    deed=deed,
                    **{subject: found},
                )
            ]
    return []


def _mass_org_nomination(office, category, districts, deeds) -> list:
    """One 群团组织 (党建带团建) nominated as a 先进集体 by the first district that has one."""
    from pacesetter.massorgs.models import MassOrganisation

    def find(d):
        return (
            MassOrganisation.objects.filter(subtree_q(d.path, "party_org__path"), is_active=True)
            .order_by("kind", "pk")
            .first()
        )

    return _first_district_nomination(office, category, districts, deeds, "subject_mass_org", find)


LEAGUE_CATEGORY = "优秀共青团员"


def _mass_member_nomination(office, category, districts, deeds) -> list:
    """One 团员 (a 群团成员, not a Party member) nominated as 优秀共青团员 by the first district that has one."""
    from pacesetter.massorgs.models import MassMember

    def find(d):
        return (
            MassMember.objects.filter(
                subtree_q(d.path, "mass_org__party_org__path"),
                mass_org__kind="youth_league",
                mass_org__is_active=True,
                is_active=True,
            )
            .order_by("mass_org_id", "pk")
            .first()
        )

    return _first_district_nomination(office, category, districts, deeds, "subject_mass_member", find)


@transaction.atomic  # all or nothing: a half-built programme would count as built next time
def ensure_programme(campaign, root: Organisation):
    """Build the demo programme once; returns it (built now or before)."""
    from pacesetter import onecount
    from pacesetter.honours import services
    from pacesetter.honours.enums import Subject
    from pacesetter.honours.models import Nomination, Programme

    existing = Programme.objects.filter(organisation=root, title=TITLE).first()
    if existing is not None:
        return existing
    office = get_user_model().objects.get(username="office")
    today = timezone.localdate()
    p = services.programme_create(
        actor=office,
        campaign=campaign,
        organisation=root,
        title=TITLE,
        issuer_name="中共示范市委",
        year=today.year,
        nominate_until=today + datetime.timedelta(days=10),
    )
    orgs_cat, members_cat, workers_cat = list(p.categories.all())
    # groups: a 群团 category for individuals — its nominees are 团员 on a 团支部's roster
    league_cat = services.category_save(
        actor=office, programme=p, name=LEAGUE_CATEGORY, subject=Subject.MASS_MEMBER, quota=3
    )
    districts = list(Organisation.objects.filter(parent=root, is_active=True).order_by("path")[:3])
    for d in districts:
        services.quota_allocate(actor=office, category=league_cat, organisation=d, amount=1)
        services.quota_allocate(actor=office, category=orgs_cat, organisation=d, amount=2)
        services.quota_allocate(actor=office, category=members_cat, organisation=d, amount=2)
        services.quota_allocate(actor=office, category=workers_cat, organisation=d, amount=1)
    p = services.programme_open(actor=office, programme=p)
    made = []
    deeds = itertools.cycle(DEEDS)
    for d in districts:
        branch = orgs_under(d).filter(member_count__gt=0).first()
        if branch is None:
            continue
        summary, deed = next(deeds)
        made.append(
            services.nomination_create(
                actor=office, category=orgs_cat, nominator=d, subject_org=branch, summary=summary, deed=deed
            )
        )
        member = Member.objects.filter(organisation=branch, is_active=True).order_by("pk").first()
        if member is not None:
            summary, deed = next(deeds)
            made.append(
                services.nomination_create(
                    actor=office,
                    category=members_cat,
                    nominator=d,
                    subject_member=member,
                    post=member.post or "党员",
                    summary=summary,
                    deed=deed,
                )
            )
    made.extend(_mass_org_nomination(office, orgs_cat, districts, deeds))
    made.extend(_mass_member_nomination(office, league_cat, districts, deeds))
    for i, n in enumerate(made):
        for k in range(3 + 2 * i):  # a few public recommendations, each counted once
            onecount.count_once(subject=services.recommendation_subject(n), person_key=f"demo:{n.pk}:{k}")
        Nomination.objects.filter(pk=n.pk).update(recommendations=3 + 2 * i)
        n = services.nomination_review(actor=office, nomination=n, action="approve")
        while n.status == "review":
            n = services.nomination_review(actor=office, nomination=n, action="approve")
    p = services.notice_start(actor=office, programme=p)
    target = Nomination.objects.filter(programme=p, status="notice", subject_member__isnull=False).first()
    if target is not None:
        services.objection_file(
            nomination=target,
            text="该同志所在支部的“四点半课堂”近两个月多次停课，事迹材料中服务人次与实际不符，请核查。",
            ip="192.0.2.77",
        )
    return p
