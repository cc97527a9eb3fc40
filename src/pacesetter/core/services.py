"""Writes owned by core: API tokens for machine clients, lifting sign-in lockouts."""

from django.db import transaction
from django.utils.translation import gettext as _

from .audit import audit_log
from .errors import NotFoundError, ValidationError
from .lockouts import lock_clear, scope_path_of
from .models import ApiToken
from .selectors import lockout_list_for


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


@transaction.atomic
def lockout_lift(*, actor, kind: str, username: str = "", ip_address: str = "") -> None:
    """Lift one sign-in lock the actor may see before it ends by itself (the office's page)."""
    lock = next(
        (
            lock
            for lock in lockout_list_for(actor)
            if (lock.kind, lock.username, lock.ip_address) == (kind, username, ip_address)
        ),
        None,
    )
    if lock is None:
        raise NotFoundError(_("该锁定已解除或已到期"))
    lock_clear(lock)
    audit_log(
        actor=actor,
        action="auth.lockout-lift",
        object_type="auth.lockout",
        object_id=lock.username or lock.ip_address,
        object_repr=lock.username or lock.ip_address,
        extra={"kind": lock.kind, "ip": lock.ip_address, "failures": lock.failures, "until": lock.until},
        scope_path=scope_path_of(lock.username),
    )
