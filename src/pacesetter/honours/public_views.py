"""The public side of commendation on a phone (/h/): 群众推荐 while nominating, the 公示 list with objections,
the honour roll and each certificate's entry. Nothing personal beyond what the notice shows."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacesetter import onecount
from pacesetter.core.errors import ApplicationError
from pacesetter.core.middleware import client_ip
from pacesetter.core.paging import paginate
from pacesetter.orgs.models import Organisation

from . import selectors, services
from .enums import OBJECTION_MAX, OBJECTION_MIN, ProgrammeStatus
from .forms import ObjectionForm

PER_PAGE = 100
PERSON_SESSION = (
    "honours_person"  # the phone key confirmed in this browser, so a second nominee needs no new code
)


def programme(request, pk):
    p = selectors.public_programme_get(pk)
    page = paginate(request, selectors.public_nominations(p), PER_PAGE)
    nominations = page.items
    objections = (
        services.objections_for([n.pk for n in nominations]) if p.status != ProgrammeStatus.NOMINATING else {}
    )
    groups: dict[str, list] = {}
    for n in nominations:
        cases = objections.get(n.pk, [])
        groups.setdefault(n.category.name, []).append(
            (n, services.objection_state(cases), services.objection_public_notes(cases))
        )
    return render(
        request,
        "honours/public/programme.html",
        {
            "p": p,
            "page": page,
            "groups": groups,
            "notice_running": services.notice_is_running(p),
            "confirmed": request.session.get(PERSON_SESSION, {}),
            "values": {},
        },
    )


def _values(request) -> dict:
    return {k: request.POST.get(k, "")[:500] for k in ("phone", "code", "slip", "text", "name", "nomination")}


@require_POST
def recommend(request, pk, nomination_pk):
    p = selectors.public_programme_get(pk)
    n = selectors.public_nomination_get(p, nomination_pk)
    confirmed = request.session.get(PERSON_SESSION, {})
    try:
        if request.POST.get("send_code"):
            services.recommend_code_send(
                nomination=n, phone=request.POST.get("phone", ""), ip=client_ip(request)
            )
            messages.success(request, _("验证码已发送，10 分钟内有效"))
            return render(
                request, "honours/public/recommend.html", {"p": p, "n": n, "values": _values(request)}
            )
        counted = services.recommend(
            nomination=n,
            phone=request.POST.get("phone", ""),
            code=request.POST.get("code", ""),
            slip=request.POST.get("slip", ""),
            person_key=confirmed.get("key", "") if not request.POST.get("phone") else "",
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return render(
            request,
            "honours/public/recommend.html",
            {"p": p, "n": n, "values": _values(request)},
            status=exc.status,
        )
    if request.POST.get("phone"):
        request.session[PERSON_SESSION] = {
            "key": onecount.phone_key(request.POST["phone"]),
            "masked": onecount.normalise_phone(request.POST["phone"])[:3]
            + "****"
            + onecount.normalise_phone(request.POST["phone"])[-4:],
        }
    if counted:
        messages.success(request, _("感谢您推荐“%(n)s”！") % {"n": n.display_name})
    else:
        messages.info(request, _("您已推荐过“%(n)s”，每人只计一次") % {"n": n.display_name})
    return redirect("honours-public:programme", p.pk)


def recommend_form(request, pk, nomination_pk):
    p = selectors.public_programme_get(pk)
    n = selectors.public_nomination_get(p, nomination_pk)
    return render(
        request,
        "honours/public/recommend.html",
        {"p": p, "n": n, "values": {}, "confirmed": request.session.get(PERSON_SESSION, {})},
    )


def objection(request, pk):
    p = selectors.public_programme_get(pk)
    nominations = list(selectors.public_nominations(p))
    initial = {"nomination": request.GET.get("n", "")} if request.GET.get("n", "").isdigit() else {}
    form = ObjectionForm(request.POST or None, initial=initial)
    ctx = {"p": p, "form": form, "nominations": nominations, "min": OBJECTION_MIN, "max": OBJECTION_MAX}
    if request.method != "POST":
        ctx["selected"] = initial.get("nomination", "")
        return render(request, "honours/public/objection.html", ctx)
    ctx["selected"] = request.POST.get("nomination", "")
    real_name = bool(request.POST.get("real_name"))
    try:
        n = selectors.public_nomination_get(
            p, request.POST.get("nomination", "0") if request.POST.get("nomination", "").isdigit() else 0
        )
        if request.POST.get("send_code"):
            onecount.phone_code_send(
                phone=request.POST.get("phone", ""), client_ip=client_ip(request), purpose="objection"
            )
            messages.success(request, _("验证码已发送，10 分钟内有效"))
            return render(request, "honours/public/objection.html", ctx)
        case, password = services.objection_file(
            nomination=n,
            text=request.POST.get("text", ""),
            real_name=real_name,
            name=request.POST.get("name", ""),
            phone=request.POST.get("phone", ""),
            code=request.POST.get("code", ""),
            ip=client_ip(request),
        )
    except ApplicationError as exc:
        if exc.field in form.fields:
            form.add_error(exc.field, exc.message)
        else:
            messages.error(request, exc.message)
        return render(request, "honours/public/objection.html", ctx, status=exc.status)
    return render(
        request, "honours/public/objection_filed.html", {"p": p, "n": n, "case": case, "password": password}
    )


def honour_roll(request):
    year = request.GET.get("year", "")
    org = None
    org_id = request.GET.get("org", "")
    if org_id.isdigit() and len(org_id) < 12:
        org = Organisation.objects.filter(pk=org_id, is_active=True).first()
    year_value = int(year) if year.isdigit() and len(year) == 4 else None
    honours = selectors.honour_roll(year=year_value, org=org)[:500]
    years = sorted(
        {y for y in selectors.honour_roll().values_list("year", flat=True).distinct()}, reverse=True
    )
    return render(
        request,
        "honours/public/roll.html",
        {"honours": honours, "year": year_value, "org": org, "years": years},
    )


# Extra context for an honour-roll entry from apps above this one (publicity adds the model's 典型事迹 and, for
# whoever may draft there, the action to register one), each registered in its AppConfig.ready: a function of
# (the signed-in user or AnonymousUser, the Honour) returning a dict merged into the page's context. An
# action is {"url", "url_name", "label"}; the page shows it only when `request|may:url_name`.
HONOUR_EXTRAS: list[Callable[[Any, Any], dict]] = []


def honour(request, certificate_no):
    h = selectors.honour_get(certificate_no)
    context: dict[str, Any] = {"h": h, "honour_actions": []}
    for extra in HONOUR_EXTRAS:
        more = extra(request.user, h)
        context["honour_actions"] += more.pop("honour_actions", [])
        context.update(more)
    return render(request, "honours/public/honour.html", context)
