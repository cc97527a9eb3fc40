"""Writing audit entries: called inside every service, in the service's transaction."""

import datetime
from decimal import Decimal

from .context import current_ip
from .models import AuditEntry
from .people import acting_user, actor_name
from .pii import PII_FIELDS, mask_value


def _plain(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "pk"):
        return value.pk
    return value


def snapshot(obj, fields) -> dict:
    """The values of `fields` on `obj`, ready for an audit diff (foreign keys as ids)."""
    data = {}
    for name in fields:
        field = obj._meta.get_field(name)
        data[name] = _plain(getattr(obj, field.attname))
    return data


def diff(before: dict | None, after: dict | None) -> dict:
    """{field: [old, new]} for changed fields, with personal data masked on both sides."""
    before, after = before or {}, after or {}
    result = {}
    for key in sorted(set(before) | set(after)):
        old, new = _plain(before.get(key)), _plain(after.get(key))
        if old != new:
            result[key] = [mask_value(key, old), mask_value(key, new)]
    return result


def audit_log(
    *,
    actor,
    action: str,
    obj=None,
    object_type: str = "",
    object_id="",
    object_repr: str = "",
    before: dict | None = None,
    after: dict | None = None,
    extra: dict | None = None,
    scope_path: str = "",
) -> AuditEntry:
    if obj is not None:
        scope_path = scope_path or _scope_path_of(obj)
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        object_repr = object_repr or str(obj)
    changes = diff(before, after)
    if extra:
        changes["_"] = {k: mask_value(k, v) if k in PII_FIELDS else _plain(v) for k, v in extra.items()}
    return AuditEntry.objects.create(
        actor=acting_user(actor),
        actor_name=actor_name(actor),
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        object_repr=object_repr[:255],
        changes=changes,
        ip_address=current_ip.get(),
        scope_path=scope_path,
    )


def _scope_path_of(obj) -> str:
    if isinstance(getattr(obj, "path", None), str):
        return obj.path
    org = getattr(obj, "organisation", None)
    return getattr(org, "path", "") if org is not None else ""


def audit_status(
    actor, action: str, obj, before, *, field: str = "status", also: dict | None = None, **kwargs
) -> AuditEntry:
    """The audit entry of a state change already made on ``obj``: ``{field: before}`` → ``{field: <now>}``.

    ``also`` adds further after-values (``{"version": 3}``); ``extra``, ``scope_path``, ``object_repr`` pass
    through to `audit_log`. ``audit_status(actor, "plan.submit", plan, "draft", extra={"late": False})`` writes
    the same entry as ``audit_log(..., before={"status": "draft"}, after={"status": plan.status}, ...)``.
    """
    after = {field: getattr(obj, field), **(also or {})}
    return audit_log(actor=actor, action=action, obj=obj, before={field: before}, after=after, **kwargs)


def audit_create(actor, action: str, obj, fields, **kwargs) -> AuditEntry:
    """The audit entry of a new ``obj``: its ``fields`` as the after-values (``scope_path``, ``extra`` pass on)."""
    return audit_log(actor=actor, action=action, obj=obj, after=snapshot(obj, fields), **kwargs)


def audit_update(actor, action: str, obj, before: dict, fields, **kwargs) -> AuditEntry:
    """The audit entry of an edit: ``before`` (a `snapshot` taken first) against ``obj``'s ``fields`` now.

    ``scope_path``, ``extra`` pass through to `audit_log`.
    """
    return audit_log(
        actor=actor, action=action, obj=obj, before=before, after=snapshot(obj, fields), **kwargs
    )
