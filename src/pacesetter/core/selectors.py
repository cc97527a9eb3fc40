"""Reads of the audit log (filtered, scoped by organisation path), the user's own API tokens, and lockouts."""

import datetime

from django.db.models import Q, QuerySet

from .models import ApiToken, AuditEntry


def audit_list_for(
    paths: list[str],
    *,
    actor: str = "",
    object_type: str = "",
    object_id: str = "",
    action: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[AuditEntry]:
    """Entries whose organisation lies in one of `paths` (the caller's audit scope), newest first.

    Entries tied to no organisation (accounts, tokens) are shown to auditors whose scope includes a root.
    """
    scope = Q()
    for p in paths:
        scope |= Q(scope_path__startswith=p)
    if any(len(p) <= 4 for p in paths):
        scope |= Q(scope_path="")
    qs = AuditEntry.objects.filter(scope) if paths else AuditEntry.objects.none()
    if actor:
        qs = qs.filter(actor_id=int(actor)) if actor.isdigit() else qs.filter(actor_name__icontains=actor)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if action:
        qs = qs.filter(action__startswith=action)
    if date_from:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(created_at__date__lte=date_to)
    return qs.order_by("-created_at", "-id")


def token_list_for(user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")
