"""The one compare-and-set status change of a lifecycle table (an app's ``enums.py``: action → {from: to})."""

from django.utils.translation import gettext as _

from .errors import StateError


def status_cas(model, obj, table: dict, action: str, label: str, **fields) -> str:
    """Move ``obj.status`` along ``table[action]`` with one ``UPDATE … WHERE status = <before>`` that also writes
    ``fields``, and mirror it on ``obj``; returns the status before. ``label`` names the action in the refusal.

    StateError when the action does not apply to the current status, or when someone changed the row first.
    """
    before = obj.status
    target = table[action].get(before)
    if target is None:
        raise StateError(_("当前状态为“%(s)s”，不能%(a)s") % {"s": obj.get_status_display(), "a": label})
    if not model.objects.filter(pk=obj.pk, status=before).update(status=target, **fields):
        raise StateError(_("刚被其他人修改过，请刷新页面后重试"))
    obj.status = target
    for name, value in fields.items():
        setattr(obj, name, value)
    return before
