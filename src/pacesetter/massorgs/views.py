"""Pages for 群团组织: the list with a form to attach one, and each one's own roster."""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacesetter.core.errors import NotFoundError
from pacesetter.core.forms import refusals_on, success_redirect
from pacesetter.core.paging import paginate
from pacesetter.orgs.selectors import org_list_for

from . import services
from .forms import MassMemberForm, MassOrgForm
from .models import MassMember
from .rules import MANAGE_CAP, can_manage_mass_org, can_see_mass_member_phone
from .selectors import mass_member_list, mass_org_get_for, mass_org_list_for

PER_PAGE = 30


def mass_org_list(request):
    party_orgs = org_list_for(request.user, cap=MANAGE_CAP, include_inactive=False).order_by("path")
    form = MassOrgForm(request.POST or None, party_orgs=party_orgs)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            mass_org = services.mass_org_create(actor=request.user, **form.cleaned_data)
            message = _("已新建群团组织“%(n)s”") % {"n": mass_org.name}
            return success_redirect(request, message, "massorgs:detail", mass_org.pk)
    page = paginate(request, mass_org_list_for(request.user), PER_PAGE)
    return render(request, "massorgs/mass_org_list.html", {"page": page, "form": form})


def mass_org_detail(request, pk):
    mass_org = mass_org_get_for(request.user, pk)
    can_manage = can_manage_mass_org(request.user, mass_org.party_org)
    form = MassMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            member = services.mass_member_add(actor=request.user, mass_org=mass_org, **form.cleaned_data)
            message = _("已增加成员“%(n)s”") % {"n": member.name}
            return success_redirect(request, message, "massorgs:detail", mass_org.pk)
    page = paginate(request, mass_member_list(mass_org), PER_PAGE)
    return render(
        request,
        "massorgs/mass_org_detail.html",
        {
            "mass_org": mass_org,
            "page": page,
            "form": form,
            "can_manage": can_manage,
            "show_phone": can_see_mass_member_phone(request.user, mass_org),
        },
    )


@require_POST
def mass_member_remove(request, pk, member_id):
    mass_org = mass_org_get_for(request.user, pk, cap=MANAGE_CAP)
    member = MassMember.objects.filter(mass_org=mass_org, pk=member_id, is_active=True).first()
    if member is None:
        raise NotFoundError()
    member.mass_org = mass_org
    services.mass_member_remove(actor=request.user, member=member)
    message = _("已将“%(n)s”移出名册") % {"n": member.name}
    return success_redirect(request, message, "massorgs:detail", mass_org.pk)
