"""Pages for leader reviews (领导点评) and supervision (督促检查): notices."""

from functools import partial

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacesetter.core.downloads import docx_download, xlsx_download
from pacesetter.core.errors import ApplicationError, PermissionDeniedError
from pacesetter.core.forms import button_redirect, form_page, pick, refusals_on, success_redirect
from pacesetter.core.holidays import check_year, holiday_days_of, notice_text
from pacesetter.core.paging import paginate
from pacesetter.core.workdays import holidays_unknown_message
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.selectors import has_cap

from .. import documents, holidays, services
from ..enums import (
    NoticeStatus,
)
from ..forms import (
    HolidayYearForm,
    NoticeComposeForm,
    NoticeEditForm,
)
from ..rules import (
    is_office_over,
)
from ..selectors import (
    notice_get_for,
    notice_list_for,
)
from ._common import _root_and_campaign, _root_campaign_form, _wants_xlsx

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
        return xlsx_download(content, "通报.xlsx")
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
    form = _root_campaign_form(request, NoticeComposeForm)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        with refusals_on(form):
            org, campaign = _root_and_campaign(request, d)
            notice = services.notice_compose(
                actor=request.user, org=org, campaign=campaign, **pick(d, "issuer_name", "number_prefix")
            )
            message = _("已根据实时数据生成通报草稿，请修改后印发")
            return success_redirect(request, message, "supervision:notice-edit", notice.pk)
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
            return success_redirect(request, _("已保存"), "supervision:notice-detail", notice.pk)
    return render(request, "supervision/notice_edit.html", {"notice": notice, "form": form})


@require_POST
def notice_issue(request, pk):
    notice = notice_get_for(request.user, pk)
    issue = partial(services.notice_issue, actor=request.user, notice=notice)
    return button_redirect(
        request, issue, _("已印发，已通知各基层党组织书记"), "supervision:notice-detail", notice.pk
    )


def notice_docx(request, pk):
    notice = notice_get_for(request.user, pk)
    return docx_download(documents.notice_docx(notice), f"{notice.doc_number}{notice.title}.docx")


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
                message = _("已保存%(y)d年节假日安排（%(n)d天），重新计算了%(m)d件整改通知的期限") % {
                    "y": year,
                    "n": len(result.days),
                    "m": len(result.recomputed),
                }
                return success_redirect(request, message, f"{request.path}?year={year}")
    days = holiday_days_of(year)
    if request.method != "POST":
        form = HolidayYearForm(initial={"text": notice_text(days)})
    return form_page(
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
    )
