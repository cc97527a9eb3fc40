"""Documents for supervision: the 通报 (text pre-filled from live data, Word in GB/T 9704 layout) and the
Excel exports of every list."""

import datetime
from collections.abc import Callable

from django.db.models import Count, Q
from django.utils import timezone, translation

from pacesetter.commitments.enums import PUBLIC_STATES
from pacesetter.commitments.models import Commitment
from pacesetter.core.people import display_name
from pacesetter.documents.sheets import rows_xlsx as rows_xlsx  # the lists' exports, as views call it
from pacesetter.documents.word import (
    add_doc_number,
    add_heading,
    add_imprint,
    add_issuer_mark,
    add_paragraph,
    add_signature_date,
    add_table,
    add_title,
    cn_date,
    new_document,
    to_bytes,
)
from pacesetter.orgs.models import Organisation
from pacesetter.orgs.selectors import subtree_q
from pacesetter.records.selectors import record_counts_for_subtrees

from .enums import OPEN_RECTIFICATION, Rating
from .models import Notice, Rectification, Review
from .selectors import supervision_stats_by_subtree

# The dashboard's lag rule, (campaign, org) → [(child, [reasons])]: owned by the progress read model, which
# sits above supervision and registers it here from ProgressConfig.ready (supervision cannot import it).
_LAGGING_RULE: list[Callable[..., list]] = []


def register_lagging_rule(rule: Callable[..., list]) -> None:
    _LAGGING_RULE[:] = [rule]


def notice_facts(*, org: Organisation, campaign=None, today: datetime.date) -> dict:
    """Live figures for a 通报 over `org`'s subtree; a fixed number of queries."""
    facts: dict = {"plans": None, "overdue_plan_orgs": [], "lagging": [], "missing_actions": []}
    if campaign is not None:
        from pacesetter.plans.selectors import org_progress_counts, overdue_orgs

        # The dashboard's rule, so the draft names what the office sees marked 滞后 there.
        with translation.override("zh-hans"):  # the notice is a Chinese document whatever the UI language
            facts["lagging"] = [row for rule in _LAGGING_RULE for row in rule(campaign=campaign, org=org)]

        facts["plans"] = org_progress_counts(campaign=campaign, root=org, today=today)
        from pacesetter.actions.selectors import missing_orgs

        facts["missing_actions"] = missing_orgs(campaign=campaign, root=org)
        facts["overdue_plan_orgs"] = list(
            overdue_orgs(campaign=campaign, root=org, today=today).values_list("name", flat=True)[:20]
        )
    facts["records"] = record_counts_for_subtrees([org], campaign=campaign)[org.pk].total
    commitments = Commitment.objects.filter(subtree_q(org.path, "organisation__path"))
    if campaign is not None:
        commitments = commitments.filter(campaign=campaign)
    facts["commitments"] = commitments.aggregate(
        public=Count("id", filter=Q(status__in=PUBLIC_STATES)),
        overdue=Count("id", filter=Q(overdue_at__isnull=False)),
    )
    stats = supervision_stats_by_subtree([org])[org.pk]
    facts["rectifications_open"] = stats.rectifications_open
    facts["rectifications_overdue"] = stats.rectifications_overdue
    facts["overdue_rect_orgs"] = sorted(
        set(
            Rectification.objects.filter(
                subtree_q(org.path, "organisation__path"), status__in=OPEN_RECTIFICATION
            )
            .filter(Q(overdue_at__isnull=False) | Q(deadline__lt=today))
            .values_list("organisation__name", flat=True)[:50]
        )
    )
    reviews = Review.objects.filter(subtree_q(org.path, "organisation__path")).select_related("organisation")
    facts["good"] = list(reviews.filter(rating=Rating.GOOD).order_by("-reviewed_at")[:5])
    facts["poor"] = list(reviews.filter(rating=Rating.POOR).order_by("-reviewed_at")[:5])
    return facts


def notice_draft_text(*, org: Organisation, campaign=None, today: datetime.date) -> tuple[str, str]:
    """A title and body (paragraphs separated by newlines) for the office to edit."""
    f = notice_facts(org=org, campaign=campaign, today=today)
    name = campaign.name if campaign else "创先争优活动"
    title = f"关于{name}开展情况的通报"
    paras = [f"截至{cn_date(today)}，{org.name}所属各基层党组织{name}进展情况通报如下。", "一、总体进展"]
    if f["plans"] is not None:
        p = f["plans"]
        paras.append(
            f"应报送实施方案的组织{p['total']}个，已审核通过{p['approved']}个，逾期未报{p['overdue']}个。"
        )
    paras.append(
        f"累计记实登记{f['records']}条；公开承诺{f['commitments']['public']}件，其中逾期{f['commitments']['overdue']}件；"
        f"下达整改通知未销号{f['rectifications_open']}件，其中逾期{f['rectifications_overdue']}件。"
    )
    paras.append("二、好的做法")
    if f["good"]:
        for r in f["good"]:
            paras.append(f"{r.organisation.name}：{r.achievements[:120]}")
    else:
        paras.append("（请补充典型经验做法。）")
    paras.append("三、存在的问题")
    for child, reasons in f["lagging"]:
        paras.append(f"{child.name}工作滞后：{'；'.join(reasons)}。")
    lagging = sorted(
        {child.name for child, _reasons in f["lagging"]}
        | set(f["overdue_plan_orgs"])
        | set(f["overdue_rect_orgs"])
        | {r.organisation.name for r in f["poor"]}
        | {name for name, _actions in f["missing_actions"]}
    )
    if f["overdue_plan_orgs"]:
        paras.append(f"以下组织实施方案逾期未报：{'、'.join(f['overdue_plan_orgs'])}。")
    if f["overdue_rect_orgs"]:
        paras.append(f"以下组织未按期完成整改：{'、'.join(f['overdue_rect_orgs'])}。")
    if f["missing_actions"]:
        missed = "；".join(f"{name}（{'、'.join(actions)}）" for name, actions in f["missing_actions"])
        paras.append(f"以下组织规定动作缺项：{missed}。")
    if lagging:
        paras.append(
            f"对{'、'.join(lagging)}思想不重视、工作不得力的问题提出批评，请上述组织于10个工作日内将整改情况书面报告活动办公室。"
        )
    else:
        paras.append("各组织总体按计划推进，未发现明显滞后的组织。")
    paras.append("四、下一步工作要求")
    paras.append("各基层党组织要对照“五个好”“五带头”要求，认真查找差距，确保活动取得实效。")
    return title, "\n".join(paras)


def notice_docx(notice: Notice) -> bytes:
    """The notice in GB/T 9704 layout: 版头 (red mark, 发文字号, red rule), 主体, 成文日期, 版记."""
    doc = new_document()
    add_issuer_mark(doc, notice.issuer_name)
    add_doc_number(doc, notice.doc_number)
    add_title(doc, notice.title)
    add_paragraph(doc, notice.addressees, indent=False)
    for line in notice.body.splitlines():
        if line.strip():
            add_paragraph(doc, line.strip())
    add_signature_date(doc, cn_date(notice.signed_on))
    issued = timezone.localdate(notice.issued_at) if notice.issued_at else notice.signed_on
    add_imprint(doc, notice.issuer_name, cn_date(issued))
    return to_bytes(doc)


def review_docx(review: Review, items) -> bytes:
    """点评意见 as a Word document on the GB/T 9704 helpers: the three parts of a review (肯定成绩, 指出问题,
    努力方向), the overall rating, the commitments checked with their progress, then the leader and date."""
    leader = display_name(review.leader)
    doc = new_document()
    title = f"关于{review.organisation.name}创先争优活动的点评意见"
    doc.core_properties.title = title
    add_title(doc, title)
    add_paragraph(doc, f"{review.organisation.name}：", indent=False)
    add_paragraph(
        doc,
        f"根据领导干部联系点制度，{leader}同志于{cn_date(review.reviewed_at)}对你单位开展创先争优活动情况进行了点评。"
        f"总体评价：{review.get_rating_display()}。具体意见如下：",
    )
    for heading, text in (
        ("一、肯定成绩", review.achievements),
        ("二、指出问题", review.problems),
        ("三、努力方向", review.direction),
    ):
        add_heading(doc, heading)
        for line in text.splitlines():
            if line.strip():
                add_paragraph(doc, line.strip())
    if items:
        add_heading(doc, "四、承诺践诺情况")
        add_table(
            doc,
            ("承诺事项", "完成时限", "点评时进度", "点评意见"),
            [
                (
                    i.title,
                    cn_date(i.deadline),
                    f"{i.progress}%",
                    ("【存在问题】" if i.flagged else "") + i.remark,
                )
                for i in items
            ],
        )
    if review.response:
        add_heading(doc, "附：组织答复")
        for line in review.response.splitlines():
            if line.strip():
                add_paragraph(doc, line.strip())
    add_signature_date(doc, cn_date(review.reviewed_at), issuer=f"点评人：{leader}")
    return to_bytes(doc)
