"""The one check of free text a service receives (titles, notes, deeds, replies): trimmed, no NUL byte (which
PostgreSQL cannot store), present when required, at least `minimum` and at most `limit` characters. Every
refusal names the field, in the words the person filling the form sees."""

from django.utils.translation import gettext as _

from .errors import ValidationError


def clean_text(value, field: str, label: str, *, limit: int, required: bool = True, minimum: int = 0) -> str:
    text = ("" if value is None else str(value)).strip()
    if "\x00" in text:
        raise ValidationError(
            _("%(f)s含有无法保存的控制字符（NUL），请删除后重试") % {"f": label}, field=field
        )
    if required and not text:
        raise ValidationError(_("请填写%(f)s") % {"f": label}, field=field)
    if text and len(text) < minimum:
        raise ValidationError(_("%(f)s至少需要%(n)d个字") % {"f": label, "n": minimum}, field=field)
    if len(text) > limit:
        raise ValidationError(_("%(f)s不能超过%(n)d个字") % {"f": label, "n": limit}, field=field)
    return text
