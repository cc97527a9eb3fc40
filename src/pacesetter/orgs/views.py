"""Pages for the organisation tree, members, accounts, roles and liaison links (thin: parse, call, render)."""

from functools import partial

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacesetter.core.errors import ApplicationError, NotFoundError
from pacesetter.core.forms import button_redirect, form_error, refusals_on, success_redirect
from pacesetter.core.paging import paginate

from . import services
from .enums import Cap
from .forms import AccountForm, GrantForm, LiaisonForm, MemberForm, OrgForm, OrgMoveForm
from .models import Organisation
from .selectors import (
    annotate_subtree_counts,
    breadcrumbs_for,
    grant_list_for,
    guides_of,
    has_cap,
    liaison_list_for,
    member_for_user,
    member_get_for,
    member_list_for,
    org_children,
    org_get_for,
    org_in_scope,
    org_resolve_for,
    org_roots_for,
    org_search_for,
    scope_for,
)


def org_tree(request):
    query = request.GET.get("q", "")
    if request.GET.get("options"):
        names = org_search_for(request.user, query, limit=20) if query else []
        # "上级组织/名称" is what org_resolve_for accepts, so a picked suggestion is never ambiguous
        html = format_html_join(
            "",
            '<option value="{}">',
            (((f"{o.parent.name}/{o.name}" if o.parent_id else o.name),) for o in names),
        )
        return HttpResponse(html)
    results = org_search_for(request.user, query)
    return render(
        request,
        "orgs/org_tree.html",
        {
            "roots": annotate_subtree_counts(list(org_roots_for(request.user))),
            "query": query,
            "results": results,
            "crumbs": breadcrumbs_for(results),
        },
    )


def _children_in_scope(user, org, show_inactive: bool) -> list:
    """The children the user may open (all of them, unless the user follows a sector line)."""
    scope = scope_for(user, Cap.ORG_VIEW)
    return [c for c in org_children(org, include_inactive=show_inactive) if scope.covers(c)]


def _followed_by_line(user, org) -> bool:
    """The user follows `org` along a sector line (条块结合) and holds no whole subtree over it."""
    scope = scope_for(user, Cap.PROGRESS_VIEW)
    return scope.covers(org) and not any(org.path.startswith(p) for p in scope.roots)


def org_children_view(request, pk):
    org = org_get_for(request.user, pk)
    show_inactive = request.GET.get("inactive") == "1"
    return render(
        request,
        "orgs/_org_children.html",
        {
            "children": _children_in_scope(request.user, org, show_inactive),
        },
    )


def org_detail(request, pk):
    org = org_get_for(request.user, pk)
    show_inactive = request.GET.get("inactive") == "1"
    annotate_subtree_counts([org])
    crumbs = breadcrumbs_for([org])[org.pk]
    return render(
        request,
        "orgs/org_detail.html",
        {
            "org": org,
            "crumbs": [(c, org_in_scope(request.user, c)) for c in crumbs],
            "children": _children_in_scope(request.user, org, show_inactive),
            "show_inactive": show_inactive,
            "guides": guides_of(org),
            # followed along a sector line only (条块结合): its links open the line's dashboard at `org`
            "by_line": _followed_by_line(request.user, org),
            "can_manage": org_in_scope(request.user, org, Cap.ORG_MANAGE),
            "can_people": org_in_scope(request.user, org, Cap.PERSON_VIEW),
            "can_add_member": org_in_scope(request.user, org, Cap.PERSON_MANAGE),
            "grants": list(grant_list_for(request.user, org=org).filter(organisation=org)),
            "liaisons": list(liaison_list_for(request.user).filter(organisation=org)),
        },
    )


def org_create(request, pk):
    parent = org_get_for(request.user, pk, cap=Cap.ORG_MANAGE)
    form = OrgForm(request.POST or None, initial={"sector": parent.sector})
    if request.method == "POST" and form.is_valid():
        with refusals_on(form, permission_too=True):
            org = services.org_create(actor=request.user, parent=parent, **form.cleaned_data)
            message = _("已新建组织“%(name)s”") % {"name": org.name}
            return success_redirect(request, message, "orgs:org-detail", org.pk)
    return render(request, "orgs/org_form.html", {"form": form, "parent": parent, "title": _("新建下级组织")})


def org_edit(request, pk):
    org = org_get_for(request.user, pk, cap=Cap.ORG_MANAGE)
    form = OrgForm(
        request.POST or None, initial={"name": org.name, "org_type": org.org_type, "sector": org.sector}
    )
    if request.method == "POST" and form.is_valid():
        with refusals_on(form, permission_too=True):
            org = services.org_update(actor=request.user, org=org, **form.cleaned_data)
            return success_redirect(request, _("已保存"), "orgs:org-detail", org.pk)
    return render(request, "orgs/org_form.html", {"form": form, "org": org, "title": _("修改组织")})


def org_move(request, pk):
    org = org_get_for(request.user, pk, cap=Cap.ORG_MANAGE)
    form = OrgMoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new_parent = org_resolve_for(request.user, form.cleaned_data["new_parent"], cap=Cap.ORG_MANAGE)
            org = services.org_move(actor=request.user, org=org, new_parent=new_parent)
        except ApplicationError as exc:
            exc.field = "new_parent" if exc.field in ("organisation", "parent") else exc.field
            exc.details = []
            form_error(form, exc)
        else:
            message = _("已将“%(org)s”移至“%(parent)s”之下") % {"org": org.name, "parent": new_parent.name}
            return success_redirect(request, message, "orgs:org-detail", org.pk)
    return render(request, "orgs/org_form.html", {"form": form, "org": org, "title": _("移动组织")})


@require_POST
def org_set_active(request, pk, active: bool):
    org = org_get_for(request.user, pk, cap=Cap.ORG_MANAGE)
    set_active = partial(services.org_set_active, actor=request.user, org=org, active=active)
    return button_redirect(
        request, set_active, _("已恢复") if active else _("已撤销（停用）该组织"), "orgs:org-detail", org.pk
    )


def me(request):
    member = member_for_user(request.user)
    if member is None:
        return render(request, "orgs/me.html", {"member": None})
    return redirect("orgs:member-detail", member.pk)


def member_list(request):
    org = (
        org_get_for(request.user, request.GET["org"], cap=Cap.PERSON_VIEW) if request.GET.get("org") else None
    )
    query = request.GET.get("q", "")
    show_inactive = request.GET.get("inactive") == "1"
    page = paginate(
        request, member_list_for(request.user, org=org, query=query, include_inactive=show_inactive)
    )
    if org is not None:
        annotate_subtree_counts([org])
    return render(
        request,
        "orgs/member_list.html",
        {
            "org": org,
            "query": query,
            "page": page,
            "show_inactive": show_inactive,
            "show_pii": has_cap(request.user, Cap.PERSON_PII),
            "pii_scope": [
                o for o in {m.organisation for m in page} if org_in_scope(request.user, o, Cap.PERSON_PII)
            ],
        },
    )


def member_detail(request, pk, revealed=None):
    member = member_get_for(request.user, pk)
    return render(
        request,
        "orgs/member_detail.html",
        {
            "member": member,
            "show_pii": member.user_id == request.user.pk
            or org_in_scope(request.user, member.organisation, Cap.PERSON_PII),
            "can_manage": org_in_scope(request.user, member.organisation, Cap.PERSON_MANAGE),
            "can_reveal": org_in_scope(request.user, member.organisation, Cap.PERSON_PII),
            "revealed": revealed or {},
        },
    )


@require_POST
def member_reveal(request, pk, field):
    """显示完整身份证号: one field of one member, audited; htmx swaps the value in, else the record page."""
    member = member_get_for(request.user, pk)
    value = services.member_reveal_pii(actor=request.user, member=member, field=field)
    if request.headers.get("HX-Request"):
        return HttpResponse(format_html('<span data-testid="{}-clear">{}</span>', field, value))
    return member_detail(request, pk, revealed={field: value})


def _member_data(request, form):
    data = dict(form.cleaned_data)
    data["organisation"] = org_resolve_for(request.user, data.pop("organisation"), cap=Cap.PERSON_MANAGE)
    return data


def member_create(request, pk):
    org = org_get_for(request.user, pk, cap=Cap.PERSON_MANAGE)
    form = MemberForm(request.POST or None, initial={"organisation": org.name})
    if request.method == "POST" and form.is_valid():
        with refusals_on(form, permission_too=True):
            data = _member_data(request, form)
            member = services.member_create(actor=request.user, **data)
            message = _("已登记党员“%(name)s”") % {"name": member.name}
            return success_redirect(request, message, "orgs:member-detail", member.pk)
    return render(request, "orgs/member_form.html", {"form": form, "title": _("登记党员"), "org": org})


def member_edit(request, pk):
    member = member_get_for(request.user, pk, cap=Cap.PERSON_MANAGE)
    # Each of the form's fields as the member has it; the organisation by its name, as it is typed.
    initial = {f: getattr(member, f) for f in MemberForm.base_fields if f != "organisation"}
    initial["organisation"] = member.organisation.name
    form = MemberForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form, permission_too=True):
            data = _member_data(request, form)
            member = services.member_update(actor=request.user, member=member, **data)
            return success_redirect(request, _("已保存"), "orgs:member-detail", member.pk)
    return render(
        request, "orgs/member_form.html", {"form": form, "title": _("修改党员信息"), "member": member}
    )


@require_POST
def member_set_active(request, pk, active: bool):
    member = member_get_for(request.user, pk, cap=Cap.PERSON_MANAGE)
    services.member_set_active(actor=request.user, member=member, active=active)
    message = _("已恢复在册") if active else _("已设为不在册")
    return success_redirect(request, message, "orgs:member-detail", member.pk)


def member_account(request, pk):
    member = member_get_for(request.user, pk, cap=Cap.PERSON_MANAGE)
    form = AccountForm(
        request.POST or None, initial={"username": member.phone or "", "full_name": member.name}
    )
    if request.method == "POST" and form.is_valid():
        with refusals_on(form, permission_too=True):
            services.account_create(actor=request.user, member=member, **form.cleaned_data)
            message = _("已为“%(name)s”开通登录账号") % {"name": member.name}
            return success_redirect(request, message, "orgs:member-detail", member.pk)
    return render(request, "orgs/account_form.html", {"form": form, "member": member})


def account_create(request):
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        scope = Organisation.objects.filter(path__in=scope_for(request.user, Cap.ROLE_MANAGE).roots).first()
        with refusals_on(form, permission_too=True):
            user = services.account_create(actor=request.user, scope=scope, **form.cleaned_data)
            message = _("已创建账号“%(u)s”，请为其授予角色") % {"u": user.username}
            return success_redirect(request, message, f"/roles/new/?username={user.username}")
    return render(request, "orgs/account_form.html", {"form": form, "member": None})


def grant_list(request):
    org = (
        org_get_for(request.user, request.GET["org"], cap=Cap.ROLE_MANAGE) if request.GET.get("org") else None
    )
    page = paginate(request, grant_list_for(request.user, org=org))
    return render(
        request,
        "orgs/grant_list.html",
        {
            "page": page,
            "org": org,
            "liaisons": list(
                liaison_list_for(request.user).filter(organisation__in=[g.organisation for g in page])[:200]
            ),
        },
    )


def grant_create(request):
    form = GrantForm(request.POST or None, initial={"username": request.GET.get("username", "")})
    liaison_form = LiaisonForm(prefix="l")
    if request.method == "POST" and form.is_valid():
        with refusals_on(form, permission_too=True):
            org = org_resolve_for(request.user, form.cleaned_data["organisation"], cap=Cap.ROLE_MANAGE)
            guide_name = form.cleaned_data.get("guide") or ""
            services.role_grant(
                actor=request.user,
                user=form.cleaned_data["user"],
                role=form.cleaned_data["role"],
                organisation=org,
                sector=form.cleaned_data.get("sector") or "",
                guide=org_resolve_for(request.user, guide_name, cap=Cap.ROLE_MANAGE) if guide_name else None,
            )
            return success_redirect(request, _("已授予角色"), "orgs:grant-list")
    return render(request, "orgs/grant_form.html", {"form": form, "liaison_form": liaison_form})


@require_POST
def grant_revoke(request, pk):
    grant = grant_list_for(request.user).filter(pk=pk).first()
    if grant is None:
        raise NotFoundError()
    revoke = partial(services.role_revoke, actor=request.user, grant=grant)
    return button_redirect(request, revoke, _("已撤销授权"), "orgs:grant-list")


def liaison_create(request):
    form = GrantForm(prefix="g")
    liaison_form = LiaisonForm(request.POST or None, prefix="l")
    if request.method == "POST" and liaison_form.is_valid():
        with refusals_on(liaison_form, permission_too=True):
            org = org_resolve_for(
                request.user, liaison_form.cleaned_data["organisation"], cap=Cap.ROLE_MANAGE
            )
            services.liaison_add(
                actor=request.user, leader=liaison_form.cleaned_data["user"], organisation=org
            )
            return success_redirect(request, _("已设置联系点"), "orgs:grant-list")
    return render(request, "orgs/grant_form.html", {"form": form, "liaison_form": liaison_form})


@require_POST
def liaison_remove(request, pk):
    link = liaison_list_for(request.user).filter(pk=pk).first()
    if link is None or not org_in_scope(request.user, link.organisation, Cap.ROLE_MANAGE):
        raise NotFoundError()
    services.liaison_remove(actor=request.user, link=link)
    return success_redirect(request, _("已取消联系点"), "orgs:grant-list")
