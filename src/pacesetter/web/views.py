"""Landing page, the signed-in user's work overview, health check, error pages."""

from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from pacesetter.core.downloads import docx_download, xlsx_download
from pacesetter.documents.qr import qr_svg
from pacesetter.evaluations.selectors import member_round_progress_for
from pacesetter.notifications.selectors import notification_list_for
from pacesetter.orgs.enums import Role
from pacesetter.orgs.models import Organisation
from pacesetter.orgs.selectors import (
    annotate_subtree_counts,
    breadcrumbs_for,
    member_for_user,
    org_get_for,
    org_roots_for,
    roles_for,
)

from .public import poster_docx, public_org_profile


def home(request):
    if request.user.is_authenticated:
        return redirect("web:dashboard")
    return render(request, "web/home.html")


def dashboard(request):
    roots = annotate_subtree_counts(list(org_roots_for(request.user)))
    member = member_for_user(request.user)
    rounds = member_round_progress_for(request.user, member=member) if member else []
    return render(
        request,
        "web/dashboard.html",
        {
            "roots": roots,
            "member": member,
            "roles": roles_for(request.user),
            # an ordinary member is responsible for nothing: their card is the organisation they belong to
            "responsible": bool(roles_for(request.user) - {Role.MEMBER}),
            "notifications": list(notification_list_for(request.user)[:5]),
            "rounds_to_take": [m for m in rounds if m.left],
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


def public_org(request, pk):
    """公开上墙: an organisation's public page, for anyone (reached from the QR code on its notice board)."""
    org = Organisation.objects.filter(pk=pk, is_active=True).select_related("parent").first()
    if org is None:
        raise Http404
    profile = public_org_profile(org)
    url = request.build_absolute_uri(reverse("web:public-org", args=[org.pk]))
    return render(request, "web/public_org.html", {"p": profile, "qr": qr_svg(url, scale=4), "url": url})


def public_org_poster(request, pk):
    org = org_get_for(request.user, pk)
    url = request.build_absolute_uri(reverse("web:public-org", args=[org.pk]))
    return docx_download(poster_docx(public_org_profile(org), url), f"{org.name}-公开栏海报.docx")


def _progress_context(request):
    from pacesetter.progress import selectors as p

    campaigns, campaign, org, line = p.progress_line_scope(
        request.user, request.GET.get("campaign"), request.GET.get("org"), request.GET.get("sector")
    )
    return {"campaigns": campaigns, "campaign": campaign, "org": org, "line": line, **_line_choices(request)}


def _line_choices(request) -> dict:
    """The sector lines (条块结合) the user may drill the dashboard by: every sector for a whole subtree, else
    the sectors of the user's sector-guidance grants."""
    from pacesetter.orgs.enums import Cap, Sector
    from pacesetter.orgs.selectors import scope_for

    scope = scope_for(request.user, Cap.PROGRESS_VIEW)
    held = {s for _p, s in scope.lines}
    return {
        "line_choices": [(v, label) for v, label in Sector.choices if scope.roots or v in held],
        "line_only": not scope.roots,
    }


def progress(request):
    from pacesetter.progress import selectors as p

    ctx = _progress_context(request)
    if ctx["campaign"] is None:
        return render(request, "web/progress.html", ctx)
    campaign, org, line = ctx["campaign"], ctx["org"], ctx["line"]
    rows, sectors = p.progress_data(campaign=campaign, org=org, sector=line)
    # Crumbs only to what the user may open: inside the campaign and inside one of their subtrees (a branch
    # secretary has no link up to the district; a sector line's crumbs are narrowed below).
    from pacesetter.orgs.enums import Cap
    from pacesetter.orgs.selectors import scope_for

    roots = scope_for(request.user, Cap.PROGRESS_VIEW).roots
    crumbs = [
        c
        for c in breadcrumbs_for([org])[org.pk]
        if c.path.startswith(campaign.organisation.path)
        and (line or any(c.path.startswith(r) for r in roots))
    ]
    if line:  # a sector line: only the figures of its sector, and no crumbs above the line's top
        scope = scope_for(request.user, Cap.PROGRESS_VIEW)
        tops = [*scope.roots, *(path for path, s in scope.lines if s == line)]
        crumbs = [c for c in crumbs if any(c.path.startswith(t) for t in tops)]
        return render(
            request,
            "web/progress.html",
            {**ctx, "rows": rows, "totals": p.totals(rows), "steps": p.STEPS, "crumbs": crumbs, "chart": {}},
        )
    chart = {
        "sectors": [s.label for s in sectors],
        "plans_done": [s.cells["plans"].done for s in sectors],
        "plans_in_progress": [s.cells["plans"].in_progress for s in sectors],
        "plans_overdue": [s.cells["plans"].overdue for s in sectors],
        "plans_not_started": [s.cells["plans"].not_started for s in sectors],
        "records_done": [s.cells["records"].done for s in sectors],
        **p.timeline(campaign=campaign, org=org),
    }
    return render(
        request,
        "web/progress.html",
        {
            **ctx,
            "rows": rows,
            "totals": p.totals(rows),
            "steps": p.STEPS,
            "crumbs": crumbs,
            "chart": chart,
            "supervision": p.supervision_totals(rows),
            "step_plans": p.step_plan_cells(campaign=campaign, org=org),
            "missing_actions": p.missing_actions(campaign=campaign, org=org),
            "assessment": assessment_panel(request.user, campaign=campaign, org=org),
            **_case_card(request, org),
            **members_card(org),
        },
    )


def members_card(org) -> dict:
    """members (#19): the half-yearly 集中点评 check and mentoring counts of the subtree."""
    from pacesetter.members.selectors import mentoring_counts
    from pacesetter.supervision.member_reviews import coverage_counts_for_subtree

    return {"sessions": coverage_counts_for_subtree(org), "mentoring": mentoring_counts(org)}


def assessment_panel(user, *, campaign, org) -> dict:
    from pacesetter.assessment.selectors import dashboard_panel

    return dashboard_panel(user, campaign=campaign, org=org)


def _case_card(request, org) -> dict:
    """This month's public-report figures for the subtree (群众反映: an input of the assessment scorecard)."""
    from django.utils import timezone

    from pacesetter.complaints.selectors import month_total
    from pacesetter.orgs.enums import Cap
    from pacesetter.orgs.selectors import has_cap

    return {
        "case_month": month_total(org, timezone.localdate()),
        "case_stats_link": has_cap(request.user, Cap.CASE_VIEW),
    }


def progress_xlsx(request):
    from openpyxl import Workbook

    from pacesetter.progress import selectors as p

    ctx = _progress_context(request)
    if ctx["campaign"] is None:
        raise Http404
    campaign, org = ctx["campaign"], ctx["org"]
    wb = Workbook(write_only=True)
    children, sectors = p.progress_data(campaign=campaign, org=org, sector=ctx["line"])
    for title, group, rows in ((_("下级组织"), "child", children), (_("按行业"), "sector", sectors)):
        ws = wb.create_sheet(str(title))
        ws.append([f"{campaign.name} · {org.name} · {_('活动进度')}"])
        header = [str(_("组织")) if group == "child" else str(_("行业"))]
        for _key, label, _legend in p.STEPS:
            header += [
                f"{label}·{_('完成')}",
                f"{label}·{_('进行中')}",
                f"{label}·{_('逾期')}",
                f"{label}·{_('未开始')}",
                f"{label}·{_('完成率%')}",
            ]
        ws.append(header)
        for row in rows:
            line = [row.label]
            for key, _label, _legend in p.STEPS:
                c = row.cells.get(key)
                line += [c.done, c.in_progress, c.overdue, c.not_started, c.percent] if c else [None] * 5
            ws.append(line)
    import io

    buffer = io.BytesIO()
    wb.save(buffer)
    return xlsx_download(buffer.getvalue(), f"{org.name}-活动进度.xlsx")
