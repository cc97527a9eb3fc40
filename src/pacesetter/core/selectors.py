"""Reads of the audit log (filtered, scoped by organisation path), the user's own API tokens, and lockouts."""

import datetime

from django.db.models import Q, QuerySet

from .lockouts import Lock, lock_list
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


def lockout_list_for(user) -> list[Lock]:
    """Sign-in locks in force that `user` may lift: accounts of members in their role-management scope;
    accounts with no member record and blocked addresses only for an office whose scope includes a root
    (as for audit entries tied to no organisation)."""
    from pacesetter.orgs.enums import Cap
    from pacesetter.orgs.models import SEGMENT, Member
    from pacesetter.orgs.selectors import scope_paths

    paths = scope_paths(user, Cap.ROLE_MANAGE)
    if not paths:
        return []
    locks = lock_list()
    root = any(len(p) <= SEGMENT for p in paths)
    names = {lock.username for lock in locks if lock.username}
    member_paths = dict(
        Member.objects.filter(user__username__in=names).values_list("user__username", "organisation__path")
    )

    def visible(lock: Lock) -> bool:
        path = member_paths.get(lock.username)
        return root if path is None else any(path.startswith(p) for p in paths)

    return [lock for lock in locks if visible(lock)]
