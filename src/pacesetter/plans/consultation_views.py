"""Pages of 征求意见 for the drafter: open the draft for comment, moderate and answer comments, publish
the 采纳情况 (thin: parse, call one service, render)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacesetter.core.errors import NotFoundError, PermissionDeniedError
from pacesetter.core.forms import refusals_flashed, refusals_on, success_redirect
from pacesetter.documents.qr import qr_svg

from . import consultations
from .forms import ConsultationOpenForm, HandlingForm, SummaryForm
from .models import ConsultationComment
from .rules import can_write_plan
from .selectors import plan_get_for


def _writer_plan(request, pk):
    plan = plan_get_for(request.user, pk)
    if not can_write_plan(request.user, plan.organisation):
        raise PermissionDeniedError(_("只有方案起草单位可以管理征求意见"))
    return plan


def _page(request, plan, *, open_form=None, summary_form=None, status=200):
    c = consultations.consultation_for(plan)
    ctx = {"plan": plan, "consultation": c, "open_form": open_form or ConsultationOpenForm()}
    if c is not None:
        url = request.build_absolute_uri(reverse("consult:consultation", args=[c.pk]))
        ctx |= {
            "comments": [
                (x, HandlingForm(initial={"handling": x.handling, "reason": x.reason}, prefix=f"c{x.pk}"))
                for x in consultations.comment_list(c)
            ],
            "counts": consultations.consultation_counts(c),
            "summary_form": summary_form or SummaryForm(),
            "period_over": timezone.localdate() > c.closes_on,
            "public_url": url,
            "qr_svg": mark_safe(qr_svg(url)),  # noqa: S308 - our own SVG
        }
    return render(request, "plans/consultation.html", ctx, status=status)


def consultation(request, pk):
    """GET: the consultation of a plan (or the form to open one); POST: open it."""
    plan = _writer_plan(request, pk)
    form = ConsultationOpenForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            with refusals_on(form):
                consultations.consultation_open(actor=request.user, plan=plan, **form.cleaned_data)
                message = _("已开始征求意见，请把二维码张贴到公开栏")
                return success_redirect(request, message, "plans:consultation", plan.pk)
        return _page(request, plan, open_form=form, status=422)
    return _page(request, plan)


def _comment(request, pk) -> ConsultationComment:
    row = ConsultationComment.objects.select_related("consultation__plan").filter(pk=pk).first()
    if row is None:
        raise NotFoundError()
    _writer_plan(request, row.consultation.plan_id)
    return row


@require_POST
def comment_moderate(request, pk):
    row = _comment(request, pk)
    with refusals_flashed(request, permission_too=False):
        consultations.comment_moderate(
            actor=request.user, comment=row, approve=request.POST.get("approve") == "1"
        )
    return redirect("plans:consultation", row.consultation.plan_id)


@require_POST
def comment_answer(request, pk):
    row = _comment(request, pk)
    form = HandlingForm(request.POST, prefix=f"c{row.pk}")
    if not form.is_valid():
        messages.error(request, _("请选择采纳、部分采纳或未采纳"))
    else:
        with refusals_flashed(request, permission_too=False):
            consultations.comment_answer(actor=request.user, comment=row, **form.cleaned_data)
            messages.success(request, _("已保存采纳情况"))
    return redirect(f"{reverse('plans:consultation', args=[row.consultation.plan_id])}#comment-{row.pk}")


@require_POST
def consultation_answer(request, pk):
    plan = _writer_plan(request, pk)
    c = consultations.consultation_for(plan)
    if c is None:
        raise NotFoundError()
    form = SummaryForm(request.POST)
    if form.is_valid():
        with refusals_on(form):
            consultations.consultation_answer(actor=request.user, consultation=c, **form.cleaned_data)
            return success_redirect(request, _("已公布采纳情况"), "plans:consultation", plan.pk)
    return _page(request, plan, summary_form=form, status=422)
