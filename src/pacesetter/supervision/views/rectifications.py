"""Pages for leader reviews (领导点评) and supervision (督促检查): rectifications."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacesetter.core.downloads import stored_attachment, xlsx_download
from pacesetter.core.forms import refusals_on, success_redirect
from pacesetter.core.paging import paginate

from .. import documents, services
from ..enums import (
    RectificationStatus,
)
from ..forms import (
    RectificationFilter,
    ReportForm,
    VerifyForm,
)
from ..rules import (
    can_respond_for,
    can_verify_rectification,
)
from ..selectors import (
    evidence_get_for,
    rectification_events,
    rectification_get_for,
    rectification_list_for,
    rectification_reports,
)
from ._common import _filters, _name, _org_filter, _wants_xlsx

# ---------------------------------------------------------------- rectification


def rectification_list(request):
    form = RectificationFilter(request.GET or None)
    data = _filters(form)
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
        return xlsx_download(content, "整改通知.xlsx")
    return render(
        request,
        "supervision/rectification_list.html",
        {"page": paginate(request, qs), "form": form, "today": timezone.localdate()},
    )


def _rect_page(request, order, *, status=200, **forms):
    """The rectification order's page; after a refused post (422) with that form (``report_form=…``) and its errors."""
    context = {
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
    return render(request, "supervision/rectification_detail.html", context, status=status)


def rectification_detail(request, pk):
    order = rectification_get_for(request.user, pk)
    return _rect_page(request, order)


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
            message = _("已报告整改情况，等待核查")
            return success_redirect(request, message, "supervision:rectification-detail", order.pk)
    return _rect_page(request, order, status=422, report_form=form)


@require_POST
def rectification_verify(request, pk):
    order = rectification_get_for(request.user, pk)
    form = VerifyForm(request.POST)
    if form.is_valid():
        with refusals_on(form):
            order = services.rectification_verify(
                actor=request.user, rectification=order, **form.cleaned_data
            )
            message = _("已核查：%(s)s") % {"s": order.get_status_display()}
            return success_redirect(request, message, "supervision:rectification-detail", order.pk)
    return _rect_page(request, order, status=422, verify_form=form)


def evidence_download(request, pk):
    ev = evidence_get_for(request.user, pk)
    return stored_attachment(ev.file, ev.original_name)
