"""Writes owned by core: API tokens for machine clients."""

from django.db import transaction
from django.utils.translation import gettext as _

from .audit import audit_log
from .errors import NotFoundError, ValidationError
from .models import ApiToken


@transaction.atomic
def token_create(*, actor, name: str) -> tuple[ApiToken, str]:
    """A new token for `actor`; the clear key is returned once and never stored."""
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("请为令牌起个名字，例如“统计报表脚本”"), field="name")
    key = ApiToken.new_key()
    token = ApiToken.objects.create(
        user=actor, name=name[:100], prefix=key[3:8], key_hash=ApiToken.hash_key(key)
    )
    audit_log(actor=actor, action="token.create", obj=token)
    return token, key


@transaction.atomic
def token_revoke(*, actor, token_id: int) -> None:
    token = ApiToken.objects.filter(pk=token_id, user=actor).first()
    if token is None:
        raise NotFoundError()
    audit_log(actor=actor, action="token.revoke", obj=token)
    token.delete()
