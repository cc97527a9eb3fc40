"""Reads of mass organisations, scoped by the caller's grants over their Party organisations."""

from django.db.models import Count, Q, QuerySet

from pacesetter.core.lookup import get_or_not_found
from pacesetter.orgs.selectors import scope_q

from .models import MassMember, MassOrganisation
from .rules import VIEW_CAP


def mass_org_list_for(user, *, cap: str = VIEW_CAP, party_org=None) -> QuerySet[MassOrganisation]:
    qs = (
        MassOrganisation.objects.filter(scope_q(user, cap, field="party_org__path"))
        .select_related("party_org")
        .annotate(member_total=Count("members", filter=Q(members__is_active=True)))
        .order_by("party_org__path", "kind", "name", "id")
    )
    if party_org is not None:
        qs = qs.filter(party_org=party_org)
    return qs


def mass_org_get_for(user, pk, *, cap: str = VIEW_CAP) -> MassOrganisation:
    return get_or_not_found(mass_org_list_for(user, cap=cap), pk)


def mass_member_list(mass_org: MassOrganisation) -> QuerySet[MassMember]:
    return MassMember.objects.filter(mass_org=mass_org, is_active=True).order_by("name", "id")
