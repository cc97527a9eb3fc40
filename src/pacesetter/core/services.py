"""Writes owned by core: API tokens for machine clients, lifting sign-in lockouts, second-factor devices."""

from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

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


def otp_device_confirm(*, actor, token: str) -> TOTPDevice:
    """Confirm the actor's new authenticator app with a code it shows; from now on sign-in asks for one.

    The code is checked outside the transaction: django-otp counts a wrong code (throttling), and a
    rollback must not undo that count."""
    device = TOTPDevice.objects.filter(user=actor, confirmed=False).order_by("-pk").first()
    if device is None:
        raise NotFoundError(_("请重新打开设置页面扫描二维码"))
    if not device.verify_token((token or "").strip()):
        raise ValidationError(_("验证码不正确或已过期，请输入手机上当前显示的 6 位数字"), field="token")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=actor).exclude(pk=device.pk).delete()
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
        device.confirmed = True
        audit_log(
            actor=actor,
            action="auth.otp-setup",
            object_type="auth.otp",
            object_id=actor.pk,
            object_repr=str(actor),
        )
    return device


def otp_device_verify(*, actor, token: str) -> TOTPDevice:
    """Check a code against the actor's confirmed device (django-otp throttles repeated wrong codes)."""
    device = TOTPDevice.objects.filter(user=actor, confirmed=True).order_by("pk").first()
    if device is None:
        raise NotFoundError(_("您还没有设置动态验证码"))
    allowed, _data = device.verify_is_allowed()
    if not allowed:
        raise ValidationError(_("验证码输错次数过多，请稍等片刻再输入"), field="token")
    if not device.verify_token((token or "").strip()):
        raise ValidationError(_("验证码不正确或已过期，请输入手机上当前显示的 6 位数字"), field="token")
    return device
