"""The public report channel on a phone (/r/): the form, the published rules (一次性告知), the status page
by number + password, and the reporter's rating. No account; nothing about an anonymous reporter's address
or device is stored on the case."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacesetter.core.errors import ApplicationError
from pacesetter.core.forms import pick, refusals_flashed
from pacesetter.core.middleware import client_ip
from pacesetter.orgs.models import Organisation

from . import selectors, services
from .enums import FILES_MAX, NEXT_STEPS, QUERY_TRIES, RATING_DAYS, REPORTS_PER_ADDRESS_PER_DAY, CaseStatus
from .forms import QueryForm, RateForm, ReportForm

SESSION_KEY = "report_cases"
ORG_CHOICES_DEPTH = 2


def _orgs(selected: Organisation | None):
    orgs = list(
        Organisation.objects.filter(depth__lte=ORG_CHOICES_DEPTH, is_active=True).order_by("path")[:300]
    )
    if selected is not None and selected not in orgs:
        orgs.insert(0, selected)
    return orgs


def _preselected(request):
    from pacesetter.commitments.enums import PUBLIC_STATES
    from pacesetter.commitments.models import Commitment

    initial, org = {}, None
    c_id, o_id = request.GET.get("commitment", ""), request.GET.get("org", "")
    if c_id.isdigit():
        c = (
            Commitment.objects.select_related("organisation")
            .filter(pk=c_id, status__in=PUBLIC_STATES)
            .first()
        )
        if c is not None:
            org = c.organisation
            initial = {"subject_type": "commitment", "commitment": c.pk, "org": org.pk}
            initial["_commitment"] = c
    elif o_id.isdigit():
        org = Organisation.objects.filter(pk=o_id, is_active=True).first()
        if org is not None:
            initial = {"org": org.pk}
    return initial, org


def form(request):
    initial, org = _preselected(request)
    commitment = initial.pop("_commitment", None)
    if request.method == "POST":
        f = ReportForm(request.POST, request.FILES, orgs=_orgs(_org_or_none(request.POST.get("org"))))
        if f.is_valid():
            d = f.cleaned_data
            subject_id = d["commitment"] if d["subject_type"] == "commitment" else d["org"]
            try:
                case, password = services.case_file_public(
                    subject_type=d["subject_type"],
                    subject_id=subject_id,
                    **pick(d, "member_name", "category", "text"),
                    files=request.FILES.getlist("files"),
                    **pick(d, "real_name", "name", "phone", "code"),
                    ip=client_ip(request),
                )
            except ApplicationError as exc:
                from pacesetter.core.forms import form_error

                form_error(f, exc)
                return render(
                    request, "complaints/public/form.html", _form_ctx(f, commitment), status=exc.status
                )
            _authorise(request, case)
            return render(request, "complaints/public/filed.html", {"case": case, "password": password})
        return render(request, "complaints/public/form.html", _form_ctx(f, commitment), status=422)
    f = ReportForm(initial=initial, orgs=_orgs(org))
    return render(request, "complaints/public/form.html", _form_ctx(f, commitment))


def _org_or_none(pk):
    return Organisation.objects.filter(pk=pk, is_active=True).first() if str(pk or "").isdigit() else None


def _form_ctx(f, commitment):
    return {
        "form": f,
        "commitment": commitment,
        "files_max": FILES_MAX,
        "per_day": REPORTS_PER_ADDRESS_PER_DAY,
    }


@require_POST
def send_code(request):
    """A text code to the phone a real-name reporter typed (JSON for the form's button)."""
    from pacesetter.onecount import phone_code_send

    try:
        phone_code_send(phone=request.POST.get("phone", ""), client_ip=client_ip(request), purpose="case")
    except ApplicationError as exc:
        return JsonResponse(exc.as_dict(), status=exc.status)
    return JsonResponse({"message": _("验证码已发送，10 分钟内有效")})


def rules(request):
    return render(
        request,
        "complaints/public/rules.html",
        {"categories": selectors.category_list(), "next_steps": NEXT_STEPS, "rating_days": RATING_DAYS},
    )


def _authorise(request, case):
    allowed = request.session.get(SESSION_KEY, [])
    if case.pk not in allowed:
        request.session[SESSION_KEY] = [*allowed[-9:], case.pk]


def _authorised_case(request, number):
    from .models import Case

    allowed = request.session.get(SESSION_KEY, [])
    if not allowed or not str(number or "").isdigit():
        return None
    return Case.objects.select_related("owner", "category").filter(number=number, pk__in=allowed).first()


def _status(request, case):
    return render(
        request,
        "complaints/public/status.html",
        {
            "case": case,
            "events": selectors.public_events(case),
            "rate_form": RateForm() if case.status == CaseStatus.REPLIED else None,
            "next_steps": NEXT_STEPS,
            "rating_days": RATING_DAYS,
        },
    )


def query(request):
    """Number + password → the status page. Wrong passwords are limited per case (QUERY_TRIES)."""
    if request.method == "POST":
        f = QueryForm(request.POST)
        if f.is_valid():
            try:
                case = services.case_query(**f.cleaned_data, ip=client_ip(request))
            except ApplicationError as exc:
                from pacesetter.core.forms import form_error

                form_error(f, exc)
                return render(
                    request,
                    "complaints/public/query.html",
                    {"form": f, "tries": QUERY_TRIES},
                    status=exc.status,
                )
            _authorise(request, case)
            return _status(request, case)
        return render(request, "complaints/public/query.html", {"form": f, "tries": QUERY_TRIES}, status=422)
    case = _authorised_case(request, request.GET.get("n"))
    if case is not None:
        return _status(request, case)
    return render(request, "complaints/public/query.html", {"form": QueryForm(), "tries": QUERY_TRIES})


@require_POST
def rate(request):
    case = _authorised_case(request, request.POST.get("number"))
    if case is None:
        messages.error(request, _("请先输入编号和查询密码"))
        return redirect("report:query")
    f = RateForm(request.POST)
    if not f.is_valid():
        messages.error(request, _("请选择满意、基本满意或不满意"))
    else:
        with refusals_flashed(request):
            services.case_rate(case=case, **f.cleaned_data)
            messages.success(request, _("感谢您的评价"))
    return redirect(f"/r/q/?n={case.number}")
