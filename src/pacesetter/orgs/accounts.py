"""Sign-in accounts in the organisation tree: lockouts filed, listed and lifted within role scope, and who must
give a second factor. The counting rules are core.lockouts (django-axes); the devices are core.otp (django-otp)."""

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from pacesetter.core import lockouts
from pacesetter.core.audit import audit_log
from pacesetter.core.errors import NotFoundError, ValidationError
from pacesetter.core.lockouts import Lock, audit_lock, lock_clear, lock_list

from .enums import Cap
from .models import SEGMENT, Member
from .selectors import roles_for, scope_for


def scope_path_of(username: str) -> str:
    if not username:
        return ""
    path = Member.objects.filter(user__username=username).values_list("organisation__path", flat=True).first()
    return path or ""


class LockoutHandler(lockouts.LockoutHandler):
    """core's handler, filing each new lock's audit entry under the account's organisation."""

    def audit_scope_path(self, username: str) -> str:
        return scope_path_of(username)


def lockout_list_for(user) -> list[Lock]:
    """Sign-in locks in force that `user` may lift: accounts of members in their role-management scope;
    accounts with no member record and blocked addresses only for an office whose scope includes a root
    (as for audit entries tied to no organisation)."""
    paths = scope_for(user, Cap.ROLE_MANAGE).roots
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


def otp_required(user) -> bool:
    if not settings.OTP_ROLES or not user.is_authenticated:
        return False
    return bool(roles_for(user) & settings.OTP_ROLES)


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
    audit_lock(lock, scope_path_of(lock.username), actor=actor, action="auth.lockout-lift")


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


def is_site_office(user) -> bool:
    """An office whose role-management scope includes a top-level organisation (core.rules.is_site_admin)."""
    return any(len(p) <= SEGMENT for p in scope_for(user, Cap.ROLE_MANAGE).roots)
