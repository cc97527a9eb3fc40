"""Writes for leader reviews (领导点评) and supervision (督促检查): common."""

from functools import partial

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from pacesetter.core.errors import StateError
from pacesetter.core.text import clean_text

User = get_user_model()
TEXT_MAX = 5000
MAX_WORKING_DAYS = 120


_text = partial(clean_text, limit=TEXT_MAX)


def _cas(model, obj, table: dict, action: str, label: str, **fields) -> str:
    """Compare-and-set `obj.status` along `table[action]`; returns the status before."""
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
