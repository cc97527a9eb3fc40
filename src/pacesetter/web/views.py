"""Landing page, the signed-in user's work overview, health check, error pages."""

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from pacesetter.notifications.selectors import notification_list_for
from pacesetter.orgs.selectors import annotate_subtree_counts, member_for_user, org_roots_for, roles_for


def home(request):
    if request.user.is_authenticated:
        return redirect("web:dashboard")
    return render(request, "web/home.html")


def dashboard(request):
    roots = annotate_subtree_counts(list(org_roots_for(request.user)))
    return render(
        request,
        "web/dashboard.html",
        {
            "roots": roots,
            "member": member_for_user(request.user),
            "roles": roles_for(request.user),
            "notifications": list(notification_list_for(request.user)[:5]),
        },
    )


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})


def forbidden(request, exception=None):
    html = render(request, "web/error.html", {"status": 403, "message": _("您没有权限访问此页面")})
    return HttpResponse(html.content, status=403)


def not_found(request, exception=None):
    html = render(request, "web/error.html", {"status": 404, "message": _("找不到该页面，或您无权查看")})
    return HttpResponse(html.content, status=404)
