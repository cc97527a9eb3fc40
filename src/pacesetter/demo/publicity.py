"""The demo city's publicity (issue #16): information sent up by branches and accepted by the office, 简报
第1期 issued from them, articles and a 图片展 on the public news site, and exemplary members and organisations
(典型) at different levels, one linked to the article about it.

Texts follow the speeches (/work/shared/seed): 党员示范岗, 结对帮扶, 四点半课堂, 为民服务全程代理, 公开承诺上墙.
Everything goes through the services (transition tables, audit entries, the search index). Idempotent: returns
early when the demo's bulletin exists.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from pacesetter.orgs.enums import Role
from pacesetter.orgs.models import Member, Organisation, RoleGrant
from pacesetter.orgs.selectors import subtree_q

BULLETIN_TITLE = "城厢区实验小学党员教师结对帮扶学困生"
# 县级 models are awarded by a district's office: the demo's 城厢区委 office is this account, which nobody
# signs in as (it has no usable password) — it stands for the district office that made the award.
DISTRICT_OFFICE = "cx_office_demo"

ITEMS = [
    # (organisation, kind, title, body, outcome): outcome "accepted" (through the parent), "returned", "draft"
    (
        "城厢区实验小学党支部",
        "experience",
        BULLETIN_TITLE,
        "支部把创先争优与教育教学结合起来，组织 23 名党员教师与学习困难学生一对一结对，"
        "开设“四点半课堂”为留守儿童义务辅导，每名党员教师每学期家访不少于 5 户。"
        "一年来结对学生成绩普遍提高，家长满意率 98%。",
        "accepted",
    ),
    (
        "城厢区委",
        "news",
        "城厢区推行为民服务全程代理",
        "城厢区在各街道、社区设立为民服务代理点，党员干部担任代理员，群众办事“一次告知、限时办结”，"
        "全年代办事项 3,200 余件，办结率 99%。",
        "accepted",
    ),
    (
        "城厢区实验小学党支部",
        "news",
        "实验小学党员公开承诺上墙",
        "支部 23 名党员的公开承诺全部在校门口公开栏上墙，接受师生和家长监督。",
        "returned",
    ),
]

ARTICLES = [
    # (section, title, summary, body, tags, event)
    (
        "news",
        "全市创先争优活动推进会召开",
        "会议总结了活动开展以来的进展，部署“七一”前的重点工作。",
        "<p>市委召开创先争优活动推进会。会议指出，活动开展以来，全市各级党组织紧扣“五个好”“五带头”要求，"
        "公开承诺、领导点评、群众评议环环相扣，涌现出一批先进典型。</p>"
        "<p>会议要求，各级党组织要坚持“规定动作一个不漏，自选动作重在创新”，把创先争优落实到服务群众、"
        "推动发展的具体实践中。</p>",
        ["推进会", "创先争优"],
        None,
    ),
    (
        "deeds",
        "林老师：扎根讲台二十年的“五带头”党员",
        "带头承担教学改革任务，结对帮扶青年教师和学习困难学生。",
        "<p>林老师是城厢区实验小学党支部的一名普通党员。她坚持“五带头”，主动承担毕业班教学和课程改革任务，"
        "结对帮扶青年教师 5 名，义务辅导学习困难学生。</p><p>她说：“党员就要在岗位上亮身份、作表率。”</p>",
        ["五带头", "教师"],
        None,
    ),
    (
        "events",
        "“创先争优 我们在行动”图片展开展",
        "展出全市基层党组织和党员创先争优的照片 200 余幅。",
        "<p>图片展分“公开承诺”“为民服务”“典型风采”三个部分，展出照片 200 余幅，展期一周。</p>",
        ["图片展"],
        ("exhibition", 12, "市文化中心一楼展厅"),
    ),
]


def remove_publicity(root: Organisation) -> None:
    """Delete the demo's publicity rows (items, articles, bulletins, exemplars and their search entries)."""
    from pacesetter.publicity.models import Article, Bulletin, Exemplar, InfoItem, SearchDoc

    orgs = subtree_q(root.path, "organisation__path")
    exemplars = Exemplar.objects.filter(orgs)
    articles = Article.objects.filter(orgs)
    SearchDoc.objects.filter(kind="exemplar", object_id__in=exemplars.values("pk")).delete()
    SearchDoc.objects.filter(kind="article", object_id__in=articles.values("pk")).delete()
    exemplars.delete()
    Bulletin.objects.filter(subtree_q(root.path, "issuer__path")).delete()
    articles.delete()
    InfoItem.objects.filter(orgs).delete()
    RoleGrant.objects.filter(user__username=DISTRICT_OFFICE).delete()


def _district_office(area: Organisation):
    user, created = get_user_model().objects.get_or_create(username=DISTRICT_OFFICE)
    if created:
        user.first_name = "城厢区创先争优活动领导小组办公室"
        user.set_unusable_password()
        user.save()
    if not RoleGrant.objects.filter(user=user, organisation=area, role=Role.OFFICE).exists():
        RoleGrant.objects.create(user=user, organisation=area, role=Role.OFFICE)
    return user


@transaction.atomic
def ensure_publicity(campaign, root: Organisation) -> int:
    """Build the demo's publicity once; returns how many items are published on the public site."""
    from pacesetter.publicity import bulletins, exemplars, services
    from pacesetter.publicity.models import Article, Bulletin

    if Bulletin.objects.filter(issuer=root).exists():
        return Article.objects.filter(subtree_q(root.path, "organisation__path"), status="published").count()
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=["office", "cx_secretary", "school_secretary"])
    }
    office, cx, school_sec = users["office"], users["cx_secretary"], users["school_secretary"]
    by_name = {o.name: o for o in Organisation.objects.filter(subtree_q(root.path), is_active=True)}
    area, school = by_name["城厢区委"], by_name["城厢区实验小学党支部"]
    senders = {school.pk: school_sec, area.pk: cx}

    accepted = []
    for org_name, kind, title, body, outcome in ITEMS:
        org = by_name[org_name]
        item = services.item_create(
            actor=senders[org.pk], organisation=org, kind=kind, title=title, body=body
        )
        if outcome == "draft":
            continue
        services.item_transition(actor=senders[org.pk], item=item, action="submit")
        if outcome == "returned":
            services.item_transition(
                actor=cx, item=item, action="return", comment="请补充上墙照片和群众反映后再报。"
            )
            continue
        if org.pk == school.pk:
            services.item_transition(actor=cx, item=item, action="forward", comment="经验可推广，建议采用。")
        services.item_transition(actor=office, item=item, action="accept")
        accepted.append(item)

    # the office turns the school's experience into an article and publishes it with its own
    published = []
    from_item = services.article_from_item(actor=office, item=accepted[0], section="experience")
    for action in ("submit", "publish"):
        services.article_transition(actor=office, article=from_item, action=action)
    published.append(from_item)
    today = timezone.localdate()
    for section, title, summary, body, tags, event in ARTICLES:
        fields = {"section": section, "title": title, "summary": summary, "body": body}
        if event:
            kind, days_ago, place = event
            fields |= {
                "event_kind": kind,
                "event_date": today - datetime.timedelta(days=days_ago),
                "event_place": place,
            }
        article = services.article_create(actor=office, organisation=root, tags=tags, **fields)
        for action in ("submit", "publish"):
            services.article_transition(actor=office, article=article, action=action)
        published.append(article)

    bulletin = bulletins.bulletin_create(
        actor=office,
        issuer=root,
        campaign=campaign,
        title="全市创先争优活动进展情况",
        editor="王晓明",
        intro="现将各地创先争优活动的做法和进展编发如下，供学习借鉴。",
        report_to="省委创先争优活动领导小组办公室",
        copy_to="市委各位常委",
        items=[i.pk for i in accepted],
        distribute_to=list(root.children.filter(is_active=True).values_list("pk", flat=True)),
    )
    bulletins.bulletin_issue(actor=office, bulletin=bulletin)

    # 典型: a member raised to 县级 by the district office and linked to the article about her; the school
    # branch at 县级; a village branch still being cultivated (培育, not public yet)
    teacher = Member.objects.filter(organisation=school, name__startswith="林").first() or (
        Member.objects.filter(organisation=school, is_active=True).order_by("pk").first()
    )
    district_office = _district_office(area)
    deeds = next(a for a in published if a.section == "deeds")

    def county_model(actor, *, registered: int, promoted: int, article, **fields):
        """A 典型 registered `registered` days ago, raised to 县级 by the district office `promoted` days ago
        and linked to the article about it."""
        e = exemplars.exemplar_register(
            actor=actor, organisation=school, today=today - datetime.timedelta(days=registered), **fields
        )
        awarded_on = today - datetime.timedelta(days=promoted)
        exemplars.exemplar_promote(actor=district_office, exemplar=e, level="county", awarded_on=awarded_on)
        exemplars.exemplar_link_articles(actor=office, exemplar=e, articles=[article])

    if teacher is not None:
        county_model(
            school_sec,
            registered=90,
            promoted=30,
            article=deeds,
            member=teacher,
            post="小学教师",
            trade="教育",
            summary="坚持“五带头”，带头承担教学改革任务，结对帮扶青年教师 5 名和学习困难学生。",
        )
    county_model(
        cx,
        registered=120,
        promoted=60,
        article=from_item,
        trade="教育",
        summary="设立党员示范岗 12 个，开设“四点半课堂”，公开承诺全部兑现，群众满意率 98%。",
    )
    village = next(
        (o for o in by_name.values() if o.name.endswith("村党支部") and o.path.startswith(root.path)), None
    )
    if village is not None:
        exemplars.exemplar_register(
            actor=office,
            organisation=village,
            trade="农业",
            summary="党员带头发展特色种植，结对帮扶困难户 30 户。",
            today=today - datetime.timedelta(days=20),
        )
    return len(published)
