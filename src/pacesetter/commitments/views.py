"""Pages for commitments (公开承诺) inside the platform: 设岗, drafting, review, 履诺, 述诺, moderation, documents."""

from functools import partial

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacesetter import onecount
from pacesetter.campaigns.enums import StepCapability
from pacesetter.campaigns.windows import campaigns_covering, step_window_for
from pacesetter.core.downloads import docx_download, xlsx_download
from pacesetter.core.errors import NotFoundError
from pacesetter.core.forms import button_redirect, refusals_flashed, refusals_on, success_redirect
from pacesetter.core.models import SlipSheet
from pacesetter.core.paging import paginate
from pacesetter.massorgs.selectors import mass_org_get_for
from pacesetter.orgs.enums import ROLE_CAPS, Cap
from pacesetter.orgs.models import Organisation
from pacesetter.orgs.selectors import grants_for, member_for_user, member_get_for, org_get_for

from . import documents, selectors, services
from .enums import (
    APPROVED_AND_PUBLIC,
    PROGRESS_STATES,
    RATEABLE_STATES,
    ROLLUP_RULE,
    TRANSITIONS,
    CommitmentAction,
    CommitmentKind,
    Party,
)
from .forms import (
    CommitmentForm,
    ListFilterForm,
    PostForm,
    ProgressForm,
    RatingForm,
    ReportForm,
    TransitionForm,
)
from .rules import can_write_org_commitment, org_write_paths, parties_for

PER_PAGE = 20


def _campaign_for(request, org: Organisation):
    """The campaign asked for (?campaign=) among the active ones covering `org`, else the nearest one."""
    campaigns = list(campaigns_covering(org))
    wanted = request.POST.get("campaign") or request.GET.get("campaign")
    for c in campaigns:
        if str(c.pk) == wanted:
            return c, campaigns
    return (campaigns[0] if campaigns else None), campaigns


def _next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


def commitment_list(request):
    form = ListFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    mine = request.GET.get("mine") == "1"
    qs = selectors.commitment_list_for(
        request.user, status=data.get("status") or None, kind=data.get("kind") or None, mine=mine
    )
    return render(
        request,
        "commitments/commitment_list.html",
        {
            "page": paginate(request, qs, PER_PAGE),
            "form": form,
            "mine": mine,
            "member": member_for_user(request.user),
            "can_write_org": bool(org_write_paths(request.user)),
        },
    )


def _target(request):
    """(kind, organisation, member, mass_org) the create page works for, from ?kind=, ?org= and ?mass_org=.

    A 群团组织's commitment is an organisation commitment made in its name: the same capability the API
    asks (commitment.write over its Party organisation, through mass_org_get_for)."""
    member = member_for_user(request.user)
    paths = org_write_paths(request.user)
    if request.GET.get("mass_org"):
        mass_org = mass_org_get_for(request.user, request.GET["mass_org"], cap=Cap.COMMITMENT_WRITE)
        return CommitmentKind.ORGANISATION, mass_org.party_org, None, mass_org
    kind = request.GET.get("kind") or (
        CommitmentKind.MEMBER if member is not None and not paths else CommitmentKind.ORGANISATION
    )
    if kind == CommitmentKind.MEMBER:
        if member is None:
            raise NotFoundError(_("您的账号没有关联党员信息，不能作个人承诺"))
        return kind, member.organisation, member, None
    if request.GET.get("org"):
        org = org_get_for(request.user, request.GET["org"], cap=Cap.COMMITMENT_WRITE)
    else:
        org = Organisation.objects.filter(path__in=paths[:1]).first()
    if org is None or not can_write_org_commitment(request.user, org):
        raise NotFoundError(_("您无权为党组织作出承诺"))
    return CommitmentKind.ORGANISATION, org, None, None


def commitment_create(request):
    kind, org, member, mass_org = _target(request)
    campaign, campaigns = _campaign_for(request, org)
    if campaign is None:
        return render(request, "commitments/no_campaign.html", {"org": org}, status=200)
    if member is not None and selectors.post_for(campaign, member) is None:
        messages.info(request, _("请先设岗（填写本人岗位），再作出承诺"))
        return redirect(f"{reverse('commitments:post-set')}?campaign={campaign.pk}")
    form = CommitmentForm(request.POST or None, campaign=campaign, kind=kind)
    window = step_window_for(campaign=campaign, capability=StepCapability.COMMITMENTS, org=org)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form, permission_too=True):
            c = services.commitment_create(
                actor=request.user,
                campaign=campaign,
                organisation=None if member else org,
                member=member,
                mass_org=mass_org,
                **form.cleaned_data,
            )
            message = _("已保存承诺草稿“%(t)s”") % {"t": c.title}
            return success_redirect(request, message, "commitments:commitment-detail", c.pk)
    return render(
        request,
        "commitments/commitment_form.html",
        {
            "form": form,
            "kind": kind,
            "org": org,
            "member": member,
            "mass_org": mass_org,
            "campaign": campaign,
            "window": window,
            "commitment": None,
            "requirement": selectors.member_requirement_for(campaign, member),
            "standards": selectors.local_standards_for(
                campaign, kind, member.organisation if member else org
            ),
        },
    )


def mass_org_commitments(request, pk):
    """A 群团组织's commitments, loaded into its page (htmx) or shown alone, with the link to make one."""
    mass_org = mass_org_get_for(request.user, pk)
    qs = (
        selectors.commitment_list_for(request.user)
        .filter(mass_org=mass_org)
        .select_related("campaign")
        .order_by("-pk")
    )
    return render(
        request,
        "commitments/_mass_org_commitments.html",
        {
            "mass_org": mass_org,
            "commitments": list(qs[:50]),
            "can_write": mass_org.is_active and can_write_org_commitment(request.user, mass_org.party_org),
        },
    )


def post_set(request):
    member = member_for_user(request.user)
    if member is None:
        raise NotFoundError(_("您的账号没有关联党员信息，不能设岗"))
    campaign, _campaigns = _campaign_for(request, member.organisation)
    if campaign is None:
        return render(request, "commitments/no_campaign.html", {"org": member.organisation})
    post = selectors.post_for(campaign, member)
    form = PostForm(
        request.POST or None, initial={"title": post.title, "duties": post.duties} if post else None
    )
    if request.method == "POST" and form.is_valid():
        with refusals_on(form, permission_too=True):
            services.post_set(actor=request.user, campaign=campaign, member=member, **form.cleaned_data)
            message = _("已设岗：%(t)s") % {"t": form.cleaned_data["title"]}
            return success_redirect(
                request,
                message,
                f"{reverse('commitments:commitment-create')}?kind=member&campaign={campaign.pk}",
            )
    window = step_window_for(
        campaign=campaign, capability=StepCapability.COMMITMENTS, org=member.organisation
    )
    return render(
        request,
        "commitments/post_form.html",
        {"form": form, "campaign": campaign, "member": member, "window": window},
    )


def commitment_detail(request, pk):
    c = selectors.commitment_get_for(request.user, pk)
    parties = parties_for(request.user, c)
    actions = [
        (action, t) for (state, action), t in TRANSITIONS.items() if state == c.status and parties & t.parties
    ]
    windows = {}
    for cap in {t.window for _a, t in actions if t.window}:
        windows[cap] = step_window_for(campaign=c.campaign, capability=cap, org=c.organisation)
    is_owner = Party.OWNER in parties
    public_url = request.build_absolute_uri(reverse("wall:commitment", args=[c.pk]))
    member = member_for_user(request.user)
    can_rate = (
        c.status in RATEABLE_STATES
        and member is not None
        and member.organisation.is_within(c.organisation)
        and c.member_id != member.pk
    )
    context = {
        "c": c,
        "is_owner": is_owner,
        "actions": [
            {
                "action": a,
                "label": CommitmentAction(a).label,
                "needs_comment": t.needs_comment,
                "window": windows.get(t.window),
            }
            for a, t in actions
            # 述诺 has its own form (outcome and text): its button leads there instead of posting
            if a != CommitmentAction.REPORT
        ],
        "can_report": any(a == CommitmentAction.REPORT for a, _t in actions),
        "report_window": windows.get(StepCapability.FULFILMENT),
        "events": selectors.history_for(c),
        "updates": list(c.updates.prefetch_related("attachments")),
        "report": getattr(c, "report", None) if c.status not in PROGRESS_STATES else None,
        "progress_form": ProgressForm() if is_owner and c.status in PROGRESS_STATES else None,
        "fulfil_window": step_window_for(
            campaign=c.campaign, capability=StepCapability.FULFILMENT, org=c.organisation
        )
        if is_owner and c.status in PROGRESS_STATES
        else None,
        "summary": selectors.rating_summary(c),
        "comments": selectors.visible_comments(c),
        "rating_form": RatingForm()
        if can_rate and selectors.member_rating_for(request.user, c) is None
        else None,
        "my_rating": selectors.member_rating_for(request.user, c) if can_rate else None,
        "public_url": public_url if c.is_public else "",
        "qr_svg": mark_safe(documents.qr_svg(public_url)) if c.is_public else "",  # noqa: S308
        "overdue": selectors.is_overdue_now(c),
    }
    return render(request, "commitments/commitment_detail.html", context)


def commitment_edit(request, pk):
    c = selectors.commitment_get_for(request.user, pk)
    if Party.OWNER not in parties_for(request.user, c):
        raise NotFoundError()
    initial = {
        f: getattr(c, f) for f in ("criteria_item", "title", "target", "deadline", "responsible", "content")
    }
    form = CommitmentForm(request.POST or None, campaign=c.campaign, kind=c.kind, initial=initial)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form, permission_too=True):
            services.commitment_update(actor=request.user, commitment=c, **form.cleaned_data)
            return success_redirect(request, _("已保存"), "commitments:commitment-detail", c.pk)
    window = step_window_for(campaign=c.campaign, capability=StepCapability.COMMITMENTS, org=c.organisation)
    return render(
        request,
        "commitments/commitment_form.html",
        {
            "form": form,
            "kind": c.kind,
            "org": c.organisation,
            "member": c.member,
            "campaign": c.campaign,
            "window": window,
            "commitment": c,
            "standards": selectors.local_standards_for(
                c.campaign, c.kind, c.member.organisation if c.member else c.organisation
            ),
        },
    )


@require_POST
def commitment_transition(request, pk):
    c = selectors.commitment_get_for(request.user, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("操作无效"))
        return redirect("commitments:commitment-detail", c.pk)
    action = form.cleaned_data["action"]
    with refusals_flashed(request):
        services.commitment_transition(
            actor=request.user, commitment=c, action=action, comment=form.cleaned_data["comment"]
        )
        messages.success(request, _("已%(a)s") % {"a": CommitmentAction(action).label})
    return redirect(_next(request, reverse("commitments:commitment-detail", args=[c.pk])))


@require_POST
def progress_add(request, pk):
    c = selectors.commitment_get_for(request.user, pk)
    form = ProgressForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
    else:
        with refusals_flashed(request):
            services.progress_add(actor=request.user, commitment=c, **form.cleaned_data)
            messages.success(request, _("已填报进度 %(p)d%%") % {"p": form.cleaned_data["percent"]})
    return redirect("commitments:commitment-detail", c.pk)


def report_file(request, pk):
    c = selectors.commitment_get_for(request.user, pk)
    if Party.OWNER not in parties_for(request.user, c):
        raise NotFoundError()
    form = ReportForm(request.POST or None, progress=c.progress)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        with refusals_on(form, permission_too=True):
            services.commitment_report(
                actor=request.user,
                commitment=c,
                text=d["text"],
                outcome=d["outcome"],
                confirm_below_target=d.get("confirm_below_target", False),
            )
            return success_redirect(request, _("已提交述诺"), "commitments:commitment-detail", c.pk)
    window = step_window_for(campaign=c.campaign, capability=StepCapability.FULFILMENT, org=c.organisation)
    return render(request, "commitments/report_form.html", {"form": form, "c": c, "window": window})


@require_POST
def commitment_rate(request, pk):
    c = selectors.commitment_get_for(request.user, pk)
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择满意、基本满意或不满意"))
    else:
        with refusals_flashed(request):
            services.rating_submit_member(actor=request.user, commitment=c, **form.cleaned_data)
            messages.success(request, _("感谢您的评价"))
    return redirect("commitments:commitment-detail", c.pk)


def review_queue(request):
    page = paginate(request, selectors.review_queue_for(request.user), PER_PAGE)
    return render(request, "commitments/review_queue.html", {"page": page})


def unreported_list(request):
    page = paginate(request, selectors.unreported_for(request.user), PER_PAGE)
    return render(request, "commitments/unreported_list.html", {"page": page})


def moderation_queue(request):
    page = paginate(request, selectors.moderation_queue_for(request.user), PER_PAGE)
    # The organisations the user's own grants are on: where they print 评价凭条.
    slip_orgs = (
        Organisation.objects.filter(
            pk__in={g.org_id for g in grants_for(request.user) if Cap.COMMITMENT_REVIEW in ROLE_CAPS[g.role]},
            is_active=True,
        )
        .select_related("parent")
        .order_by("path")
    )
    return render(request, "commitments/moderation_queue.html", {"page": page, "slip_orgs": slip_orgs})


@require_POST
def rating_moderate(request, pk):
    rating = selectors.rating_get_for_moderation(request.user, pk)
    approve = request.POST.get("decision") == "approve"
    moderate = partial(services.rating_moderate, actor=request.user, rating=rating, approve=approve)
    return button_redirect(
        request, moderate, _("留言已公开") if approve else _("留言不予公开"), "commitments:moderation-queue"
    )


def poster_docx(request, pk):
    c = selectors.commitment_get_for(request.user, pk)
    if not c.is_public:
        raise NotFoundError(_("承诺公开（示诺）后才能生成海报"))
    url = request.build_absolute_uri(reverse("wall:commitment", args=[c.pk]))
    return docx_download(documents.poster_docx(commitment=c, url=url), f"公开承诺海报-{c.pk}.docx")


def org_pledge_docx(request, pk):
    org = org_get_for(request.user, pk, cap=Cap.ORG_VIEW)
    campaign, _c = _campaign_for(request, org)
    if campaign is None:
        raise NotFoundError(_("没有覆盖“%(org)s”的进行中的活动") % {"org": org.name})
    commitments = list(
        org.commitments.select_related("criteria_item")
        .filter(campaign=campaign, kind=CommitmentKind.ORGANISATION, status__in=APPROVED_AND_PUBLIC)
        .order_by("deadline", "id")
    )
    data = documents.org_pledge_docx(org=org, campaign=campaign, commitments=commitments)
    return docx_download(data, f"{org.name}公开承诺书.docx")


def member_pledge_docx(request, member_id):
    member = member_get_for(request.user, member_id)
    campaign, _c = _campaign_for(request, member.organisation)
    if campaign is None:
        raise NotFoundError(_("没有覆盖“%(org)s”的进行中的活动") % {"org": member.organisation.name})
    commitments = list(
        member.commitments.select_related("criteria_item")
        .filter(campaign=campaign, status__in=APPROVED_AND_PUBLIC)
        .order_by("deadline", "id")
    )
    data = documents.member_pledge_docx(
        member=member, campaign=campaign, post=selectors.post_for(campaign, member), commitments=commitments
    )
    return docx_download(data, f"{member.name}公开承诺书.docx")


def wall_xlsx(request, pk):
    org = org_get_for(request.user, pk, cap=Cap.ORG_VIEW)
    qs = selectors.public_commitment_list(org=org).order_by("organisation__path", "id")
    return xlsx_download(
        documents.wall_xlsx(root=org, commitments=qs.iterator(chunk_size=2000)), f"{org.name}公开承诺.xlsx"
    )


def stats(request, pk):
    org = org_get_for(request.user, pk, cap=Cap.PROGRESS_VIEW)
    campaign, campaigns = _campaign_for(request, org)
    rows = selectors.commitment_stats_by_subtree(campaign, org) if campaign else []
    return render(
        request,
        "commitments/stats.html",
        {
            "org": org,
            "campaign": campaign,
            "campaigns": campaigns,
            "rows": rows,
            "rule": ROLLUP_RULE,
            "own": selectors.org_progress(org, campaign=campaign) if campaign else None,
            "can_slips": onecount.can_create_slips(request.user, org),
        },
    )


def slip_sheet(request, pk):
    """评价凭条: the organisation's secretary (or the office) prints a sheet of one-time slips to hand out,
    one per citizen; each is good for one rating of every published commitment of the organisation."""
    org = org_get_for(request.user, pk, cap=Cap.COMMITMENT_REVIEW)
    if request.method == "POST":
        with refusals_flashed(request):
            sheet = onecount.slip_sheet_create(actor=request.user, org=org, count=request.POST.get("count"))
            site = settings.SITE_URL or request.build_absolute_uri("/")
            response = docx_download(
                documents.slips_docx(org=org, codes=sheet.codes, site=site),
                f"{org.name}评价凭条-{sheet.pk}.docx",
            )
            response["Cache-Control"] = "no-store"
            return response
    sheets = list(SlipSheet.objects.filter(organisation=org).select_related("created_by")[:50])
    return render(
        request,
        "commitments/slip_sheet.html",
        {"org": org, "sheets": sheets, "max": onecount.MAX_SLIPS_PER_SHEET},
    )
