"""Pages for leader reviews and supervision (thin: parse, call one service or selector, render).

Every list takes its filters from the query string and `?export=xlsx` returns the same rows as Excel.
"""

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacesetter.campaigns.enums import CampaignStatus
from pacesetter.campaigns.selectors import campaign_get_for, campaign_list_for
from pacesetter.commitments.selectors import published_commitments_for_org
from pacesetter.core.downloads import download
from pacesetter.core.errors import ApplicationError, NotFoundError, PermissionDeniedError, StateError
from pacesetter.core.forms import refusals_on
from pacesetter.core.holidays import check_year, holiday_days_of, notice_text
from pacesetter.core.paging import paginate
from pacesetter.core.workdays import holidays_unknown_message
from pacesetter.documents.word import DOCX_MIME, XLSX_MIME
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.selectors import has_cap, org_get_for, org_resolve_for

from . import documents, draws, holidays, services
from .enums import (
    InspectionStatus,
    NoticeStatus,
    RectificationStatus,
    ReviewDue,
    ReviewStatus,
    SessionCoverage,
)
from .forms import (
    CancelInspectionForm,
    DrawForm,
    FileInspectionForm,
    FindingForm,
    HolidayYearForm,
    InspectionFilter,
    InspectionForm,
    NoticeComposeForm,
    NoticeEditForm,
    RectificationFilter,
    RectificationForm,
    ReportForm,
    RespondForm,
    ReviewFilter,
    ReviewForm,
    TeamForm,
    VerifyForm,
)
from .member_reviews import session_coverage_for
from .rules import (
    can_cancel_inspection,
    can_file_inspection,
    can_order_from_review,
    can_publish_review,
    can_respond_for,
    can_review_org,
    can_supervise,
    can_verify_rectification,
    is_office_over,
)
from .selectors import (
    draw_get_public,
    draw_list_for,
    draw_parameters,
    evidence_get_for,
    finding_get_for,
    inspection_get_for,
    inspection_list_for,
    liaison_status_list_for,
    low_case_get_for,
    manage_roots_for,
    notice_get_for,
    notice_list_for,
    overdue_reviews_for,
    rectification_events,
    rectification_get_for,
    rectification_list_for,
    rectification_reports,
    review_get_for,
    review_items,
    review_list_for,
    team_get_for,
    team_list_for,
)

_download = download


def _wants_xlsx(request) -> bool:
    return request.GET.get("export") == "xlsx"


def _org_filter(request):
    return (
        org_get_for(request.user, request.GET["org"], cap=Cap.PROGRESS_VIEW)
        if request.GET.get("org")
        else None
    )


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


# ---------------------------------------------------------------- overview and reviews


def home(request):
    user = request.user
    return render(
        request,
        "supervision/home.html",
        {
            "mine": liaison_status_list_for(user, mine=True),
            "overdue_reviews": overdue_reviews_for(user) if has_cap(user, Cap.CAMPAIGN_MANAGE) else [],
            "open_orders": rectification_list_for(user, status="open", overdue=True)[:20],
            "can_manage": has_cap(user, Cap.CAMPAIGN_MANAGE),
            # members (#19): organisations without a 集中点评 last half year
            "overdue_sessions": [r for r in session_coverage_for(user) if r.state == SessionCoverage.OVERDUE][
                :20
            ]
            if has_cap(user, Cap.CAMPAIGN_MANAGE)
            else [],
        },
    )


def liaison_list(request):
    state = request.GET.get("state", "")
    rows = liaison_status_list_for(request.user, mine=request.GET.get("mine") == "1", state=state)
    if _wants_xlsx(request):
        content = documents.rows_xlsx(
            _("联系点点评情况"),
            [_("联系领导"), _("联系点"), _("最近点评"), _("应点评日期"), _("状态")],
            [
                [
                    _name(r.liaison.leader),
                    r.organisation.name,
                    r.last_reviewed_at,
                    r.due_on,
                    str(ReviewDue(r.state).label),
                ]
                for r in rows
            ],
        )
        return _download(content, "联系点点评情况.xlsx", XLSX_MIME)
    return render(request, "supervision/liaison_list.html", {"rows": rows, "state": state})


def review_list(request):
    form = ReviewFilter(request.GET or None)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    qs = review_list_for(
        request.user, org=_org_filter(request), status=data.get("status", ""), rating=data.get("rating", "")
    )
    if _wants_xlsx(request):
        content = documents.rows_xlsx(
            _("领导点评"),
            [
                _("组织"),
                _("联系领导"),
                _("点评时间"),
                _("总体评价"),
                _("状态"),
                _("肯定成绩"),
                _("指出问题"),
                _("努力方向"),
                _("答复"),
            ],
            (
                [
                    r.organisation.name,
                    _name(r.leader),
                    r.reviewed_at,
                    r.get_rating_display(),
                    r.get_status_display(),
                    r.achievements,
                    r.problems,
                    r.direction,
                    r.response,
                ]
                for r in qs.iterator()
            ),
        )
        return _download(content, "领导点评.xlsx", XLSX_MIME)
    return render(request, "supervision/review_list.html", {"page": paginate(request, qs), "form": form})


def review_create(request, org_id):
    org = org_get_for(request.user, org_id, cap=Cap.REVIEW_WRITE)
    if not can_review_org(request.user, org):  # not one of the user's 联系点: as if it did not exist
        raise NotFoundError(_("“%(org)s”不是您的联系点，只有联系领导可以点评") % {"org": org.name})
    return _review_form(request, org, guidance=False)


def guidance_review_create(request, org_id):
    """行业指导点评 (条块结合 #18): a guiding body reviews an organisation of its sector line, while the
    campaign's 领导点评 window is open."""
    try:
        org = org_get_for(request.user, org_id, cap=Cap.GUIDANCE_REVIEW)
    except NotFoundError:  # not on the user's sector line: as if it did not exist, said plainly
        raise NotFoundError(_("该组织不在您指导的行业范围内，不能作行业指导点评")) from None
    return _review_form(request, org, guidance=True)


def _review_form(request, org, *, guidance: bool):
    """The one review form, a leader's 点评 or a guiding body's 行业指导点评 (which needs a campaign's window:
    review_file refuses it otherwise, and the page says so before anything is typed)."""
    try:
        campaign = services.review_campaign_for(org)
        window_error = None
        if guidance and campaign is None:
            window_error = _("该组织没有进行中的活动，行业指导点评只能在活动的领导点评期间进行")
    except ApplicationError as exc:
        campaign, window_error = None, exc.message
    commitments = published_commitments_for_org(org, campaign=campaign)
    form = ReviewForm(request.POST or None, commitments=commitments)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        with refusals_on(form):
            review = services.review_file(
                actor=request.user,
                org=org,
                achievements=d["achievements"],
                problems=d["problems"],
                direction=d["direction"],
                rating=d["rating"],
                remarks=form.remarks(),
                guidance=guidance,
            )
            done = _("行业指导点评已提交，已通知%(org)s") if guidance else _("点评已提交，已通知%(org)s")
            messages.success(request, done % {"org": org.name})
            return redirect("supervision:review-detail", review.pk)
    return render(
        request,
        "supervision/review_form.html",
        {"org": org, "form": form, "campaign": campaign, "window_error": window_error, "guidance": guidance},
        status=422 if request.method == "POST" else 200,
    )


def _review_context(request, review, **forms) -> dict:
    items = review_items(review)
    flagged = [i for i in items if i.flagged]
    problem = "\n".join([review.problems] + [f"{i.title}：{i.remark}" for i in flagged])
    return {
        "review": review,
        "items": items,
        "orders": list(review.rectifications.select_related("organisation")),
        "can_respond": review.status == ReviewStatus.FILED
        and can_respond_for(request.user, review.organisation),
        "can_publish": can_publish_review(request.user, review),
        "can_order": can_order_from_review(request.user, review),
        "respond_form": forms.get("respond_form") or RespondForm(),
        "rectify_form": forms.get("rectify_form") or RectificationForm(initial={"problem": problem}),
    }


def review_detail(request, pk):
    review = review_get_for(request.user, pk)
    return render(request, "supervision/review_detail.html", _review_context(request, review))


def review_docx(request, pk):
    review = review_get_for(request.user, pk)
    content = documents.review_docx(review, review_items(review))
    return _download(content, f"点评意见-{review.organisation.name}.docx", DOCX_MIME)


@require_POST
def review_respond(request, pk):
    review = review_get_for(request.user, pk)
    form = RespondForm(request.POST)
    if form.is_valid():
        with refusals_on(form):
            services.review_respond(actor=request.user, review=review, **form.cleaned_data)
            messages.success(request, _("已答复"))
            return redirect("supervision:review-detail", review.pk)
    return render(
        request,
        "supervision/review_detail.html",
        _review_context(request, review, respond_form=form),
        status=422,
    )


@require_POST
def review_publish(request, pk):
    review = review_get_for(request.user, pk)
    publish = request.POST.get("publish", "1") == "1"
    services.review_publish(actor=request.user, review=review, publish=publish)
    messages.success(request, _("已公开到组织的公开页面") if publish else _("已撤回公开"))
    return redirect("supervision:review-detail", review.pk)


@require_POST
def review_rectify(request, pk):
    review = review_get_for(request.user, pk)
    form = RectificationForm(request.POST)
    if form.is_valid():
        with refusals_on(form):
            order = services.rectification_issue(actor=request.user, review=review, **form.cleaned_data)
            messages.success(request, _("已下达整改通知，整改期限 %(d)s") % {"d": order.deadline})
            return redirect("supervision:rectification-detail", order.pk)
    return render(
        request,
        "supervision/review_detail.html",
        _review_context(request, review, rectify_form=form),
        status=422,
    )


# ---------------------------------------------------------------- rectification


def rectification_list(request):
    form = RectificationFilter(request.GET or None)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    overdue = {"1": True, "0": False}.get(data.get("overdue", ""))
    qs = rectification_list_for(
        request.user,
        org=_org_filter(request),
        status=data.get("status", ""),
        source=data.get("source", ""),
        overdue=overdue,
    )
    if _wants_xlsx(request):
        content = documents.rows_xlsx(
            _("整改通知"),
            [
                _("责任组织"),
                _("来源"),
                _("存在问题"),
                _("整改要求"),
                _("工作日"),
                _("整改期限"),
                _("状态"),
                _("逾期"),
                _("下达人"),
                _("下达时间"),
            ],
            (
                [
                    o.organisation.name,
                    o.get_source_display(),
                    o.problem,
                    o.measures_required,
                    o.working_days,
                    o.deadline,
                    o.get_status_display(),
                    "是" if o.is_overdue() else "",
                    _name(o.issued_by),
                    o.issued_at,
                ]
                for o in qs.iterator()
            ),
        )
        return _download(content, "整改通知.xlsx", XLSX_MIME)
    return render(
        request,
        "supervision/rectification_list.html",
        {"page": paginate(request, qs), "form": form, "today": timezone.localdate()},
    )


def _rect_context(request, order, **forms) -> dict:
    return {
        "order": order,
        "overdue": order.is_overdue(),
        "reports": rectification_reports(order),
        "events": rectification_events(order),
        "can_report": order.status == RectificationStatus.IN_PROGRESS
        and can_respond_for(request.user, order.organisation),
        "can_verify": order.status == RectificationStatus.REPORTED
        and can_verify_rectification(request.user, order),
        "report_form": forms.get("report_form") or ReportForm(),
        "verify_form": forms.get("verify_form") or VerifyForm(initial={"decision": "close"}),
    }


def rectification_detail(request, pk):
    order = rectification_get_for(request.user, pk)
    return render(request, "supervision/rectification_detail.html", _rect_context(request, order))


@require_POST
def rectification_report(request, pk):
    order = rectification_get_for(request.user, pk)
    form = ReportForm(request.POST, request.FILES)
    if form.is_valid():
        with refusals_on(form):
            services.rectification_report(
                actor=request.user,
                rectification=order,
                measures_taken=form.cleaned_data["measures_taken"],
                uploads=form.cleaned_data["files"],
            )
            messages.success(request, _("已报告整改情况，等待核查"))
            return redirect("supervision:rectification-detail", order.pk)
    return render(
        request,
        "supervision/rectification_detail.html",
        _rect_context(request, order, report_form=form),
        status=422,
    )


@require_POST
def rectification_verify(request, pk):
    order = rectification_get_for(request.user, pk)
    form = VerifyForm(request.POST)
    if form.is_valid():
        with refusals_on(form):
            order = services.rectification_verify(
                actor=request.user, rectification=order, **form.cleaned_data
            )
            messages.success(request, _("已核查：%(s)s") % {"s": order.get_status_display()})
            return redirect("supervision:rectification-detail", order.pk)
    return render(
        request,
        "supervision/rectification_detail.html",
        _rect_context(request, order, verify_form=form),
        status=422,
    )


def evidence_download(request, pk):
    ev = evidence_get_for(request.user, pk)
    try:
        handle = ev.file.open("rb")
    except FileNotFoundError as exc:
        raise NotFoundError(_("附件文件已丢失，请联系管理员")) from exc
    return FileResponse(handle, as_attachment=True, filename=ev.original_name)


# ---------------------------------------------------------------- teams and inspections


def team_list(request):
    qs = team_list_for(request.user).order_by("-created_at", "-id")
    if _wants_xlsx(request):
        content = documents.rows_xlsx(
            _("督查小组"),
            [_("小组"), _("组建单位"), _("成员")],
            ([t.name, t.organisation.name, "、".join(_name(m) for m in t.members.all())] for t in qs),
        )
        return _download(content, "督查小组.xlsx", XLSX_MIME)
    return render(request, "supervision/team_list.html", {"page": paginate(request, qs)})


def team_create(request):
    roots = manage_roots_for(request.user)
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        org = org_get_for(
            request.user, request.POST.get("root") or (roots[0].pk if roots else 0), cap=Cap.CAMPAIGN_MANAGE
        )
        with refusals_on(form):
            services.team_create(actor=request.user, org=org, **form.cleaned_data)
            messages.success(request, _("已组建督查小组"))
            return redirect("supervision:team-list")
    return render(request, "supervision/team_form.html", {"form": form, "roots": roots})


def inspection_list(request):
    form = InspectionFilter(request.GET or None)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    qs = inspection_list_for(
        request.user, org=_org_filter(request), method=data.get("method", ""), status=data.get("status", "")
    )
    if _wants_xlsx(request):
        content = documents.rows_xlsx(
            _("督查"),
            [_("被检查组织"), _("方式"), _("督查内容"), _("督查小组"), _("计划日期"), _("状态")],
            (
                [
                    i.organisation.name,
                    i.get_method_display(),
                    i.subject,
                    i.team.name if i.team else "",
                    i.planned_on,
                    i.get_status_display(),
                ]
                for i in qs.iterator()
            ),
        )
        return _download(content, "督查.xlsx", XLSX_MIME)
    return render(request, "supervision/inspection_list.html", {"page": paginate(request, qs), "form": form})


def inspection_create(request):
    teams = list(team_list_for(request.user))
    initial = {
        "organisation": request.GET.get("org", ""),
        "organisation_name": request.GET.get("org_name", ""),
        "method": request.GET.get("method", ""),
    }
    form = InspectionForm(request.POST or None, teams=teams, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        with refusals_on(form):
            # An organisation picked by id (e.g. from a draw's 安排抽查) is unambiguous even when several
            # share its name; typed text is resolved by name or "上级名称/名称".
            picked = (
                org_get_for(request.user, d["organisation"], cap=Cap.CAMPAIGN_MANAGE)
                if d["organisation"]
                else None
            )
            typed = d["organisation_name"].replace("／", "/").split("/")[-1].strip()
            org = (
                picked
                if picked is not None and picked.name == typed
                else org_resolve_for(request.user, d["organisation_name"], cap=Cap.CAMPAIGN_MANAGE)
            )
            team = team_get_for(request.user, d["team"]) if d["team"] else None
            draw = draw_get_public(request.POST["draw"]) if request.POST.get("draw") else None
            inspection = services.inspection_plan(
                actor=request.user,
                org=org,
                method=d["method"],
                planned_on=d["planned_on"],
                subject=d["subject"],
                team=team,
                draw=draw,
            )
            messages.success(request, _("已安排督查"))
            return redirect("supervision:inspection-detail", inspection.pk)
    return render(
        request, "supervision/inspection_form.html", {"form": form, "draw": request.GET.get("draw", "")}
    )


def _inspection_context(request, inspection, **forms) -> dict:
    return {
        "inspection": inspection,
        "findings": list(inspection.findings.prefetch_related("rectifications")),
        "can_file": can_file_inspection(request.user, inspection),
        "can_cancel": can_cancel_inspection(request.user, inspection),
        "can_supervise": can_supervise(request.user, inspection.organisation),
        "filed": inspection.status == InspectionStatus.FILED,
        "file_form": forms.get("file_form") or FileInspectionForm(),
        "finding_form": forms.get("finding_form") or FindingForm(),
        "cancel_form": forms.get("cancel_form") or CancelInspectionForm(),
        "rectify_form": RectificationForm(),
    }


def inspection_detail(request, pk):
    inspection = inspection_get_for(request.user, pk)
    return render(request, "supervision/inspection_detail.html", _inspection_context(request, inspection))


@require_POST
def inspection_file(request, pk):
    inspection = inspection_get_for(request.user, pk)
    form = FileInspectionForm(request.POST)
    if form.is_valid():
        with refusals_on(form):
            services.inspection_file(
                actor=request.user,
                inspection=inspection,
                record=form.cleaned_data["record"],
                findings=form.cleaned_data["findings"].splitlines(),
            )
            messages.success(request, _("已形成督查记录"))
            return redirect("supervision:inspection-detail", inspection.pk)
    return render(
        request,
        "supervision/inspection_detail.html",
        _inspection_context(request, inspection, file_form=form),
        status=422,
    )


@require_POST
def inspection_cancel(request, pk):
    inspection = inspection_get_for(request.user, pk)
    form = CancelInspectionForm(request.POST)
    if form.is_valid():
        with refusals_on(form):
            try:
                services.inspection_cancel(
                    actor=request.user, inspection=inspection, reason=form.cleaned_data["reason"]
                )
            except StateError as exc:  # already filed or cancelled: the form is no longer shown
                messages.error(request, exc.message)
                return redirect("supervision:inspection-detail", inspection.pk)
            messages.success(request, _("已取消督查"))
            return redirect("supervision:inspection-detail", inspection.pk)
    return render(
        request,
        "supervision/inspection_detail.html",
        _inspection_context(request, inspection, cancel_form=form),
        status=422,
    )


@require_POST
def finding_add(request, pk):
    inspection = inspection_get_for(request.user, pk)
    form = FindingForm(request.POST)
    if form.is_valid():
        with refusals_on(form):
            services.finding_add(actor=request.user, inspection=inspection, **form.cleaned_data)
            return redirect("supervision:inspection-detail", inspection.pk)
    return render(
        request,
        "supervision/inspection_detail.html",
        _inspection_context(request, inspection, finding_form=form),
        status=422,
    )


def _rectify_from(request, *, template_ctx: dict, **origin):
    form = RectificationForm(request.POST or None, initial=template_ctx.get("initial"))
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            order = services.rectification_issue(actor=request.user, **origin, **form.cleaned_data)
            messages.success(request, _("已下达整改通知，整改期限 %(d)s") % {"d": order.deadline})
            return redirect("supervision:rectification-detail", order.pk)
    return render(request, "supervision/rectification_form.html", {**template_ctx, "form": form})


def finding_rectify(request, pk):
    finding = finding_get_for(request.user, pk)
    ctx = {
        "origin": finding.inspection,
        "org": finding.inspection.organisation,
        "initial": {"problem": finding.description},
    }
    return _rectify_from(request, template_ctx=ctx, finding=finding)


def case_rectify(request, pk):
    case = low_case_get_for(request.user, pk)
    ctx = {
        "origin": case.round,
        "org": case.organisation,
        "initial": {"problem": _("群众评议满意度为 %(s)s%%，低于要求") % {"s": case.satisfaction}},
    }
    return _rectify_from(request, template_ctx=ctx, low_case=case)


# ---------------------------------------------------------------- draws


def draw_list(request):
    qs = draw_list_for(request.user)
    if _wants_xlsx(request):
        content = documents.rows_xlsx(
            _("随机抽查"),
            [_("名称"), _("范围"), _("抽取数量"), _("种子"), _("候选名单摘要"), _("抽中组织编号"), _("时间")],
            (
                [
                    d.title,
                    d.organisation.name,
                    d.n,
                    d.seed,
                    d.candidate_digest,
                    ",".join(map(str, d.chosen_ids)),
                    d.created_at,
                ]
                for d in qs
            ),
        )
        return _download(content, "随机抽查.xlsx", XLSX_MIME)
    return render(request, "supervision/draw_list.html", {"page": paginate(request, qs)})


def draw_create(request):
    roots = manage_roots_for(request.user)
    campaigns = list(campaign_list_for(request.user, status=CampaignStatus.ACTIVE)[:50])
    form = DrawForm(request.POST or None, roots=roots, campaigns=campaigns)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        with refusals_on(form):
            root = org_get_for(request.user, d["root"], cap=Cap.CAMPAIGN_MANAGE)
            campaign = campaign_get_for(request.user, d["campaign"]) if d["campaign"] else None
            draw = services.draw_create(
                actor=request.user,
                root=root,
                n=d["n"],
                title=d["title"],
                sector=d["sector"],
                org_type=d["org_type"],
                flags=d["flags"],
                campaign=campaign,
                public_value=d["public_value"],
            )
            return redirect("supervision:draw-public", draw.pk)
    return render(request, "supervision/draw_form.html", {"form": form})


def draw_public(request, pk):
    draw = draw_get_public(pk)
    chosen = set(draw.chosen_ids)
    names = {c[0]: c for c in draw.candidates}
    return render(
        request,
        "supervision/draw_public.html",
        {
            "draw": draw,
            "chosen": [names[i] for i in draw.chosen_ids if i in names],
            "candidates": [(c, c[0] in chosen) for c in draw.candidates],
            "snippet": draws.verify_snippet(
                seed=draw.seed,
                candidate_ids=draw.candidate_ids,
                n=draw.n,
                digest=draw.candidate_digest,
                chosen=draw.chosen_ids,
            ),
            "parameters": draw_parameters(draw),
            "can_plan": request.user.is_authenticated and is_office_over(request.user, draw.organisation),
        },
    )


# ---------------------------------------------------------------- notices


def notice_list(request):
    status = request.GET.get("status", "")
    status = status if status in NoticeStatus.values else ""
    qs = notice_list_for(request.user, status=status)
    if _wants_xlsx(request):
        content = documents.rows_xlsx(
            _("通报"),
            [_("发文字号"), _("标题"), _("发文机关"), _("成文日期"), _("状态")],
            ([n.doc_number, n.title, n.issuer_name, n.signed_on, n.get_status_display()] for n in qs),
        )
        return _download(content, "通报.xlsx", XLSX_MIME)
    return render(
        request,
        "supervision/notice_list.html",
        {
            "page": paginate(request, qs),
            "status": status,
            "can_compose": has_cap(request.user, Cap.CAMPAIGN_MANAGE),
        },
    )


def notice_create(request):
    roots = manage_roots_for(request.user)
    campaigns = list(campaign_list_for(request.user, status=CampaignStatus.ACTIVE)[:50])
    form = NoticeComposeForm(request.POST or None, roots=roots, campaigns=campaigns)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        with refusals_on(form):
            org = org_get_for(request.user, d["root"], cap=Cap.CAMPAIGN_MANAGE)
            campaign = campaign_get_for(request.user, d["campaign"]) if d["campaign"] else None
            notice = services.notice_compose(
                actor=request.user,
                org=org,
                campaign=campaign,
                issuer_name=d["issuer_name"],
                number_prefix=d["number_prefix"],
            )
            messages.success(request, _("已根据实时数据生成通报草稿，请修改后印发"))
            return redirect("supervision:notice-edit", notice.pk)
    return render(request, "supervision/notice_compose.html", {"form": form})


def notice_detail(request, pk):
    notice = notice_get_for(request.user, pk)
    return render(
        request,
        "supervision/notice_detail.html",
        {
            "notice": notice,
            "paragraphs": [p for p in notice.body.splitlines() if p.strip()],
            "can_edit": notice.status == NoticeStatus.DRAFT
            and is_office_over(request.user, notice.organisation),
        },
    )


def notice_edit(request, pk):
    notice = notice_get_for(request.user, pk)
    if not is_office_over(request.user, notice.organisation):
        raise PermissionDeniedError()
    form = NoticeEditForm(
        request.POST or None,
        initial={
            k: getattr(notice, k)
            for k in ("issuer_name", "number", "title", "addressees", "body", "signed_on")
        },
    )
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            services.notice_update(actor=request.user, notice=notice, **form.cleaned_data)
            messages.success(request, _("已保存"))
            return redirect("supervision:notice-detail", notice.pk)
    return render(request, "supervision/notice_edit.html", {"notice": notice, "form": form})


@require_POST
def notice_issue(request, pk):
    notice = notice_get_for(request.user, pk)
    try:
        services.notice_issue(actor=request.user, notice=notice)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已印发，已通知各基层党组织书记"))
    return redirect("supervision:notice-detail", notice.pk)


def notice_docx(request, pk):
    notice = notice_get_for(request.user, pk)
    return _download(documents.notice_docx(notice), f"{notice.doc_number}{notice.title}.docx", DOCX_MIME)


def holiday_year(request):
    """节假日安排: the office views a year's schedule, pastes the State Council's notice, and sees the open
    orders whose deadline was counted on weekends only."""
    try:
        year = check_year(request.GET.get("year") or timezone.localdate().year + 1)
    except ApplicationError:
        year = timezone.localdate().year + 1
    can_edit = holidays.can_manage_holidays(request.user)
    form = HolidayYearForm(request.POST or None)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDeniedError(_("只有市级活动办公室可以维护节假日安排"))
        if form.is_valid():
            with refusals_on(form):
                result = holidays.holiday_year_publish(
                    actor=request.user, year=year, text=form.cleaned_data["text"]
                )
                messages.success(
                    request,
                    _("已保存%(y)d年节假日安排（%(n)d天），重新计算了%(m)d件整改通知的期限")
                    % {"y": year, "n": len(result.days), "m": len(result.recomputed)},
                )
                return redirect(f"{request.path}?year={year}")
    days = holiday_days_of(year)
    if request.method != "POST":
        form = HolidayYearForm(initial={"text": notice_text(days)})
    return render(
        request,
        "supervision/holiday_year.html",
        {
            "year": year,
            "days": days,
            "known": bool(days),
            "unknown_message": holidays_unknown_message([year]),
            "sources": sorted({d.get_source_display() for d in days}),
            "form": form,
            "can_edit": can_edit,
            "provisional": holidays.provisional_rectifications_for(request.user)[:200],
        },
        status=422 if request.method == "POST" else 200,
    )
