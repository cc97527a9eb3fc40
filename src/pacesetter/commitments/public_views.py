"""The public commitment wall (示诺, 公开上墙): browsable on a phone without signing in; 评诺 by the public."""

import secrets

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacesetter.core.errors import ApplicationError, NotFoundError
from pacesetter.core.middleware import client_ip
from pacesetter.core.paging import paginate
from pacesetter.orgs.models import Organisation

from . import documents, selectors, services
from .enums import RATEABLE_STATES
from .forms import RatingForm, WallFilterForm
from .models import ProgressAttachment, Rating
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


def commitment(request, pk):
    c = selectors.public_commitment_get(pk)
    url = request.build_absolute_uri(reverse("wall:commitment", args=[c.pk]))
    device = _device(request)
    already = bool(device) and Rating.objects.filter(commitment=c, device=device).exists()
    response = render(
        request,
        "commitments/public/commitment.html",
        {
            "c": c,
            "updates": list(c.updates.prefetch_related("attachments")),
            "report": getattr(c, "report", None),
            "summary": selectors.rating_summary(c),
            "comments": selectors.visible_comments(c),
            "rating_form": RatingForm() if c.status in RATEABLE_STATES and not already else None,
            "already_rated": already,
            "qr_svg": mark_safe(documents.qr_svg(url)),  # noqa: S308
            "url": url,
            "overdue": selectors.is_overdue_now(c),
        },
    )
    return _remember_device(request, response)


@require_POST
def rate(request, pk):
    c = selectors.public_commitment_get(pk)
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择满意、基本满意或不满意"))
    else:
        try:
            r = services.rating_submit_public(
                commitment=c, device=_device(request), ip=client_ip(request), **form.cleaned_data
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("感谢您的评价！您的留言经审核后公开。") if r.comment else _("感谢您的评价！"),
            )
    return _remember_device(request, redirect("wall:commitment", c.pk))


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
    response = FileResponse(a.file.open("rb"), content_type=a.content_type)
    response["Content-Disposition"] = "inline" if a.is_image else "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    return response
