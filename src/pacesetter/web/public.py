"""The public face of an organisation (公开上墙): theme, carriers, leading group, plan, timetable, criteria, QR poster.

Everything shown here is what the organisation has published: its own theme, its leading group, its
implementation plan once the parent approved it, and the campaign's timetable and criteria (活动安排、工作流程、
目标要求). Nothing needs an account.
"""

import re
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from pacesetter.campaigns.enums import DEFAULT_THEMES
from pacesetter.campaigns.models import Campaign, GroupMember, OrgTheme
from pacesetter.campaigns.windows import campaign_nearest
from pacesetter.orgs.models import Organisation
from pacesetter.orgs.selectors import guides_of


@dataclass
class PublicProfile:
    org: Organisation
    campaign: Campaign | None
    theme: str = ""
    theme_is_default: bool = False
    carriers: list[str] = field(default_factory=list)
    group: list = field(default_factory=list)
    plan_title: str = ""
    plan_body: SafeString = mark_safe("")  # noqa: S308 — empty
    plan_approved_at = None
    commitments: list = field(default_factory=list)
    rollup: object = None
    reviews: list = field(default_factory=list)
    stages: list = field(default_factory=list)
    criteria_sets: list = field(default_factory=list)
    case_stats: list = field(default_factory=list)
    public_cases: list = field(default_factory=list)
    honours: list = field(default_factory=list)
    grades: list = field(default_factory=list)
    guides: list = field(default_factory=list)  # guiding bodies (指导单位) along the sector line (条块结合)
    today = None


def _plan_body_html(body: str) -> SafeString:
    """The approved plan's paragraphs, headings and lists, sanitised again on the way out, its headings one
    level down (h2 → h3 …) because they sit under the page's own section heading."""
    from pacesetter.plans.html import sanitise_body

    cleaned = sanitise_body(body)
    shifted = re.sub(r"<(/?)h([234])>", lambda m: f"<{m[1]}h{int(m[2]) + 1}>", cleaned)
    return mark_safe(shifted)  # noqa: S308 — nh3 allow-list output, only tag names changed


def campaign_timetable(campaign: Campaign) -> list:
    """The campaign's stages in order, each with its steps (`stage.step_list`) by opening time."""
    from pacesetter.campaigns.models import Stage, Step

    return list(
        Stage.objects.filter(campaign=campaign)
        .order_by("order", "starts_on", "id")
        .prefetch_related(
            Prefetch("steps", queryset=Step.objects.order_by("opens_at", "id"), to_attr="step_list")
        )
    )


def campaign_criteria(campaign: Campaign) -> list:
    """The campaign's criteria sets (五个好, 五带头), each with its items and their 四比四看 indicators."""
    from pacesetter.campaigns.models import CriteriaItem, CriteriaSet

    return list(
        CriteriaSet.objects.filter(campaign=campaign)
        .order_by("order", "id")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=CriteriaItem.objects.order_by("order", "id").prefetch_related("indicators"),
                to_attr="item_list",
            )
        )
    )


def public_org_profile(org: Organisation) -> PublicProfile:
    campaign = campaign_nearest(org)
    profile = PublicProfile(org=org, campaign=campaign)
    profile.guides = guides_of(org)
    from pacesetter.complaints.selectors import public_cases_for_org, public_stats

    profile.case_stats, profile.public_cases = public_stats(org), public_cases_for_org(org)
    from pacesetter.honours.selectors import honours_of_org

    profile.honours = list(honours_of_org(org)[:20])
    from pacesetter.assessment.selectors import published_org_scores

    profile.grades = list(published_org_scores(org)[:5])
    if campaign is None:
        return profile
    theme = OrgTheme.objects.filter(campaign=campaign, organisation=org).first()
    if theme is not None:
        profile.theme, profile.carriers = theme.theme, list(theme.carriers or [])
    else:
        profile.theme, profile.theme_is_default = DEFAULT_THEMES.get(org.sector, ""), True
    profile.group = list(
        GroupMember.objects.filter(campaign=campaign, organisation=org).order_by("order", "id")
    )
    from pacesetter.plans.enums import PlanStatus
    from pacesetter.plans.models import Plan

    plan = Plan.objects.filter(
        campaign=campaign, organisation=org, step__isnull=True, status=PlanStatus.APPROVED
    ).first()
    if plan is not None:
        profile.plan_title = plan.title
        profile.plan_body = _plan_body_html(plan.body)
        profile.plan_approved_at = plan.decided_at
    profile.stages = campaign_timetable(campaign)
    profile.criteria_sets = campaign_criteria(campaign)
    profile.today = timezone.now()
    from pacesetter.commitments.selectors import org_progress, published_commitments_for_org

    profile.commitments = published_commitments_for_org(org, campaign=campaign)
    profile.rollup = org_progress(org, campaign=campaign)
    from pacesetter.supervision.selectors import published_reviews_for_org

    profile.reviews = published_reviews_for_org(org, limit=5)
    return profile


def poster_docx(profile: PublicProfile, url: str) -> bytes:
    """An A4 notice-board poster: the organisation, its theme and carriers, and a large QR code to its page."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from pacesetter.documents.qr import qr_png
    from pacesetter.documents.word import add_paragraph, add_picture_png, add_title, new_document, to_bytes

    doc = new_document()
    add_title(doc, f"{profile.org.name}", 26)
    add_title(doc, "创先争优活动公开栏", 22)
    if profile.theme:
        add_paragraph(
            doc, f"争创主题：{profile.theme}", indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True
        )
    if profile.carriers:
        add_paragraph(
            doc, "活动载体：" + "；".join(profile.carriers), indent=False, align=WD_ALIGN_PARAGRAPH.CENTER
        )
    add_picture_png(doc, qr_png(url, scale=10), 80)
    add_paragraph(
        doc, "扫一扫，查看我们的争创主题、实施方案和公开承诺", indent=False, align=WD_ALIGN_PARAGRAPH.CENTER
    )
    add_paragraph(doc, "欢迎群众监督、评议", indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    add_paragraph(doc, url, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    return to_bytes(doc)
