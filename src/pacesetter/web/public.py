"""The public face of an organisation (公开上墙): theme, carriers, leading group, plan summary, QR poster.

Everything shown here is what the organisation has published: its own theme, its leading group, and
its implementation plan once the parent approved it. Nothing needs an account.
"""

from dataclasses import dataclass, field

from django.utils.html import strip_tags

from pacesetter.campaigns.enums import DEFAULT_THEMES
from pacesetter.campaigns.models import Campaign, GroupMember, OrgTheme
from pacesetter.campaigns.windows import campaigns_covering
from pacesetter.orgs.models import Organisation


@dataclass
class PublicProfile:
    org: Organisation
    campaign: Campaign | None
    theme: str = ""
    theme_is_default: bool = False
    carriers: list[str] = field(default_factory=list)
    group: list = field(default_factory=list)
    plan_title: str = ""
    plan_summary: str = ""
    plan_approved_at = None
    commitments: list = field(default_factory=list)
    rollup: object = None
    reviews: list = field(default_factory=list)
    case_stats: list = field(default_factory=list)
    public_cases: list = field(default_factory=list)


def public_org_profile(org: Organisation) -> PublicProfile:
    campaign = campaigns_covering(org).order_by("-starts_on", "-id").first()
    profile = PublicProfile(org=org, campaign=campaign)
    from pacesetter.complaints.selectors import public_cases_for_org, public_stats

    profile.case_stats, profile.public_cases = public_stats(org), public_cases_for_org(org)
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

    plan = Plan.objects.filter(campaign=campaign, organisation=org, status=PlanStatus.APPROVED).first()
    if plan is not None:
        text = " ".join(strip_tags(plan.body).split())
        profile.plan_title = plan.title
        profile.plan_summary = text[:300] + ("…" if len(text) > 300 else "")
        profile.plan_approved_at = plan.decided_at
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
