"""The one compare-and-set status change of a lifecycle table (an app's ``enums.py``: action → {from: to})."""

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from .errors import StateError


def status_cas(
    model,
    obj,
    table: dict,
    action: str,
    label: str | Promise,
    *,
    not_now: str = "",
    changed: str = "",
    **fields,
) -> str:
    """Move ``obj.status`` along ``table[action]`` with one ``UPDATE … WHERE status = <before>`` that also writes
    ``fields``, and mirror it on ``obj``; returns the status before. ``label`` names the action in the refusal.

    StateError when the action does not apply to the current status (``not_now``, the app's own words with
    ``%(s)s`` the status and ``%(a)s`` the action), or when someone changed the row first (``changed``); the
    generic words by default.
    """
    before = obj.status
    target = table[action].get(before)
    if target is None:
        refusal = not_now or _("当前状态为“%(s)s”，不能%(a)s")
        raise StateError(refusal % {"s": obj.get_status_display(), "a": label})
    fields = {"status": target, **fields}
    compare_and_set(model, obj, before, fields, changed or _("刚被其他人修改过，请刷新页面后重试"))
    return before


def compare_and_set(
    model,
    obj,
    before,
    fields: dict,
    refusal: str,
    *,
    field: str = "status",
    error: type[StateError] = StateError,
) -> None:
    """Write ``fields`` with one ``UPDATE … WHERE pk = obj.pk AND <field> = before`` and mirror them on ``obj``.

    ``refusal`` (the app's own words) is the ``error`` (an app's StateError) raised when the row no longer has
    ``before`` — someone changed it first. The transition tables differ by app; this is the write they all end with.
    """
    if not model.objects.filter(pk=obj.pk, **{field: before}).update(**fields):
        raise error(refusal)
    for name, value in fields.items():
        setattr(obj, name, value)
