"""The public commitment wall (示诺, 公开上墙): browsable on a phone without signing in; 评诺 by the public."""

import secrets
from functools import partial

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacesetter import onecount
from pacesetter.core.downloads import stored_file
from pacesetter.core.errors import ApplicationError, NotFoundError
from pacesetter.core.forms import phone_code_sent, refusals_flashed, success_redirect
from pacesetter.core.middleware import client_ip
from pacesetter.core.paging import paginate
from pacesetter.core.pii import mask_phone
from pacesetter.orgs.models import Organisation

from . import documents, selectors, services
from .enums import RATEABLE_STATES
from .forms import RatingForm, WallFilterForm
from .models import ProgressAttachment
from .problems import public_problems_for_org
from .rules import can_view_commitment

PER_PAGE = 20
DEVICE_COOKIE = "ps_device"
DEVICE_MAX_AGE = 5 * 365 * 24 * 3600


def _device(request) -> str:
    return request.COOKIES.get(DEVICE_COOKIE, "")


def _remember_device(request, response):
    if not _device(request):
        response.set_cookie(
            DEVICE_COOKIE, secrets.token_hex(16), max_age=DEVICE_MAX_AGE, httponly=True, samesite="Lax"
        )
    return response


def wall(request):
    """Published commitments, newest first; ?org= narrows to a subtree, ?sector= to a sector."""
    org = selectors.public_org_get(request.GET["org"]) if request.GET.get("org") else None
    form = WallFilterForm(request.GET or None)
    sector = form.cleaned_data["sector"] if form.is_valid() else ""
    page = paginate(request, selectors.public_commitment_list(org=org, sector=sector or None), PER_PAGE)
    children = list(
        (
            org.children.filter(is_active=True)
            if org
            else Organisation.objects.filter(depth__lte=1, is_active=True)
        ).order_by("path")[:200]
    )
    return render(
        request,
        "commitments/public/wall.html",
        {"org": org, "form": form, "sector": sector, "page": page, "children": children},
    )


RATE_SESSION = "onecount_rate"  # {"key": phone key, "masked": "138****5678"} of the phone confirmed here
SLIP_SESSION = "onecount_slip"  # the slip code scanned from a printed slip, to pre-fill the rating form


def _confirmed(request) -> dict:
    value = request.session.get(RATE_SESSION)
    return value if isinstance(value, dict) and value.get("key") else {}


def _commitment_page(request, c, *, values=None, code_sent_to="", status=200):
    """The commitment's page; `values` keeps what the citizen typed when the page answers a POST."""
    url = request.build_absolute_uri(reverse("wall:commitment", args=[c.pk]))
    confirmed = _confirmed(request)
    subject = services.rating_subject(c)
    already = bool(confirmed) and onecount.has_counted(subject=subject, person_key=confirmed["key"])
    values = dict(values or {})
    values.setdefault("slip", request.session.get(SLIP_SESSION, ""))
    rateable = c.status in RATEABLE_STATES and not already
    response = render(
        request,
        "commitments/public/commitment.html",
        {
            "c": c,
            "updates": list(c.updates.prefetch_related("attachments")),
            "report": getattr(c, "report", None),
            "summary": selectors.rating_summary(c),
            "comments": selectors.visible_comments(c),
            "rating_form": RatingForm() if rateable else None,
            "already_rated": already,
            "confirmed": confirmed.get("masked", ""),
            "values": values,
            "code_sent_to": code_sent_to,
            "qr_svg": mark_safe(documents.qr_svg(url)),  # noqa: S308
            "url": url,
            "overdue": selectors.is_overdue_now(c),
        },
        status=status,
    )
    return _remember_device(request, response)


def _typed(request) -> dict:
    """What the citizen typed, to show again (never the texted code)."""
    return {k: request.POST.get(k, "")[:500] for k in ("level", "comment", "phone", "slip")}


def commitment(request, pk):
    return _commitment_page(request, selectors.public_commitment_get(pk))


@require_POST
def rate_code(request, pk):
    """获取验证码: text a code to the phone typed in the rating form, then show the form again."""
    c = selectors.public_commitment_get(pk)
    values = _typed(request)
    return phone_code_sent(
        request,
        lambda: services.rating_phone_code_send(commitment=c, phone=values["phone"], ip=client_ip(request)),
        partial(_commitment_page, request, c, values=values),
    )


@require_POST
def rate(request, pk):
    c = selectors.public_commitment_get(pk)
    form = RatingForm(request.POST)
    values = _typed(request)
    if not form.is_valid():
        messages.error(request, _("请选择满意、基本满意或不满意"))
        return _commitment_page(request, c, values=values, status=422)
    confirmed = _confirmed(request)
    try:
        r = services.rating_submit_public(
            commitment=c,
            device=_device(request),
            ip=client_ip(request),
            phone=request.POST.get("phone", ""),
            code=request.POST.get("code", ""),
            slip=request.POST.get("slip", ""),
            person_key=confirmed.get("key", ""),
            **form.cleaned_data,
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return _commitment_page(request, c, values=values, status=exc.status)
    if r.person_key:
        request.session[RATE_SESSION] = {
            "key": r.person_key,
            "masked": mask_phone(onecount.normalise_phone(request.POST["phone"]))
            if request.POST.get("phone")
            else confirmed.get("masked", ""),
        }
    if r.counted:
        text = _("感谢您的评价！")
    else:
        text = _("感谢您的评价！未经手机或评价凭条验证的评价单独列出，不计入满意率。")
    if r.comment:
        text += _("您的留言经审核后公开。")
    messages.success(request, text)
    return _remember_device(request, redirect("wall:commitment", c.pk))


def slip(request):
    """The address printed on a slip (评价凭条): remembers the slip's code in this browser and opens the
    organisation's commitments; the code is checked when it is used."""
    code = request.GET.get("code", "")
    if code:
        with refusals_flashed(request):
            org_pk = onecount.slip_organisation_id(code)
            request.session[SLIP_SESSION] = onecount.slip_display(code)
            return success_redirect(request, _("已记下您的评价凭条，请选择要评价的承诺"), "wall:org", org_pk)
    return render(request, "commitments/public/slip.html", {"code": code[:40]})


def org(request, pk):
    """An organisation's public commitments (公开上墙) with its rolled-up progress and the rule beside it."""
    o = selectors.public_org_get(pk)
    return render(
        request,
        "commitments/public/org.html",
        {
            "org": o,
            "commitments": selectors.published_commitments_for_org(o),
            "rollup": selectors.org_progress(o),
            "problems": public_problems_for_org(o),
        },
    )


def attachment(request, pk):
    """A progress photo or document: public once its commitment is public, else only to who may see it."""
    a = (
        ProgressAttachment.objects.select_related(
            "update__commitment__member", "update__commitment__organisation"
        )
        .filter(pk=pk)
        .first()
    )
    if a is None or not (
        a.update.commitment.is_public or can_view_commitment(request.user, a.update.commitment)
    ):
        raise NotFoundError()
    return stored_file(a.file, a.content_type, disposition="inline" if a.is_image else "attachment")
