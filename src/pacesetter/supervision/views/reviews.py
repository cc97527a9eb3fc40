"""Pages for leader reviews (领导点评) and supervision (督促检查): reviews."""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacesetter.commitments.selectors import published_commitments_for_org
from pacesetter.core.downloads import docx_download, xlsx_download
from pacesetter.core.errors import ApplicationError, NotFoundError
from pacesetter.core.forms import form_page, pick, refusals_on, success_redirect
from pacesetter.core.paging import paginate
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.selectors import has_cap, org_get_for

from .. import documents, services
from ..enums import (
    ReviewDue,
    ReviewStatus,
    SessionCoverage,
)
from ..forms import (
    RectificationForm,
    RespondForm,
    ReviewFilter,
    ReviewForm,
)
from ..member_reviews import session_coverage_for
from ..rules import (
    can_order_from_review,
    can_publish_review,
    can_respond_for,
    can_review_org,
)
from ..selectors import (
    liaison_status_list_for,
    overdue_reviews_for,
    rectification_list_for,
    review_get_for,
    review_items,
    review_list_for,
)
from ._common import _filters, _name, _org_filter, _wants_xlsx

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
        return xlsx_download(content, "联系点点评情况.xlsx")
    return render(request, "supervision/liaison_list.html", {"rows": rows, "state": state})


def review_list(request):
    form = ReviewFilter(request.GET or None)
    data = _filters(form)
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
        return xlsx_download(content, "领导点评.xlsx")
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
                **pick(d, "achievements", "problems", "direction", "rating"),
                remarks=form.remarks(),
                guidance=guidance,
            )
            done = _("行业指导点评已提交，已通知%(org)s") if guidance else _("点评已提交，已通知%(org)s")
            return success_redirect(request, done % {"org": org.name}, "supervision:review-detail", review.pk)
    return form_page(
        request,
        "supervision/review_form.html",
        {"org": org, "form": form, "campaign": campaign, "window_error": window_error, "guidance": guidance},
    )


def _review_page(request, review, *, status=200, **forms):
    """The review's page; after a refused post (422) with that form (``respond_form=…``) and its errors."""
    items = review_items(review)
    flagged = [i for i in items if i.flagged]
    problem = "\n".join([review.problems] + [f"{i.title}：{i.remark}" for i in flagged])
    context = {
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
    return render(request, "supervision/review_detail.html", context, status=status)


def review_detail(request, pk):
    review = review_get_for(request.user, pk)
    return _review_page(request, review)


def review_docx(request, pk):
    review = review_get_for(request.user, pk)
    content = documents.review_docx(review, review_items(review))
    return docx_download(content, f"点评意见-{review.organisation.name}.docx")


@require_POST
def review_respond(request, pk):
    review = review_get_for(request.user, pk)
    form = RespondForm(request.POST)
    if form.is_valid():
        with refusals_on(form):
            services.review_respond(actor=request.user, review=review, **form.cleaned_data)
            return success_redirect(request, _("已答复"), "supervision:review-detail", review.pk)
    return _review_page(request, review, status=422, respond_form=form)


@require_POST
def review_publish(request, pk):
    review = review_get_for(request.user, pk)
    publish = request.POST.get("publish", "1") == "1"
    services.review_publish(actor=request.user, review=review, publish=publish)
    message = _("已公开到组织的公开页面") if publish else _("已撤回公开")
    return success_redirect(request, message, "supervision:review-detail", review.pk)


@require_POST
def review_rectify(request, pk):
    review = review_get_for(request.user, pk)
    form = RectificationForm(request.POST)
    if form.is_valid():
        with refusals_on(form):
            order = services.rectification_issue(actor=request.user, review=review, **form.cleaned_data)
            message = _("已下达整改通知，整改期限 %(d)s") % {"d": order.deadline}
            return success_redirect(request, message, "supervision:rectification-detail", order.pk)
    return _review_page(request, review, status=422, rectify_form=form)
