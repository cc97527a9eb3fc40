"""One person, one count: phone normalisation, salted phone keys and text-message codes.

Minimal version for the complaints branch (phone confirmation only); the `onecount` branch brings the full
module with the same signatures (count_once, slips), which the integrator keeps.
"""

import hashlib
import hmac
import re
import secrets

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from .errors import RateLimitedError, ValidationError

CODE_TTL = 10 * 60
CODE_TRIES = 5
SENDS_PER_PHONE_PER_DAY = 5
SENDS_PER_ADDRESS_PER_DAY = 20
_DAY = 24 * 3600


def normalise_phone(raw: str) -> str:
    digits = re.sub(r"[\s\-()（）]", "", raw or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    if not re.fullmatch(r"1[3-9]\d{9}", digits):
        raise ValidationError(_("请填写11位手机号码"), field="phone")
    return digits


def phone_key(phone: str) -> str:
    phone = normalise_phone(phone)
    return hmac.new(settings.SECRET_KEY.encode(), f"phone|{phone}".encode(), hashlib.sha256).hexdigest()


def _bump(key: str, limit: int, message: str) -> None:
    cache.add(key, 0, _DAY)
    try:
        n = cache.incr(key)
    except ValueError:
        cache.set(key, 1, _DAY)
        n = 1
    if n > limit:
        raise RateLimitedError(message)


def phone_code_send(*, phone: str, client_ip: str | None, purpose: str) -> None:
    from pacesetter.notifications.sms import send_text

    key = phone_key(phone)
    _bump(
        f"onecount:send:phone:{key}", SENDS_PER_PHONE_PER_DAY, _("该手机号今天获取验证码次数过多，请明天再试")
    )
    if client_ip:
        addr = hmac.new(settings.SECRET_KEY.encode(), f"ip|{client_ip}".encode(), hashlib.sha256).hexdigest()
        _bump(
            f"onecount:send:ip:{addr}",
            SENDS_PER_ADDRESS_PER_DAY,
            _("该网络今天获取验证码次数过多，请明天再试"),
        )
    code = f"{secrets.randbelow(1_000_000):06d}"
    cache.set(f"onecount:code:{purpose}:{key}", {"code": code, "tries": 0}, CODE_TTL)
    send_text(phone=normalise_phone(phone), text=_("您的验证码是 %(c)s，10分钟内有效。") % {"c": code})


def phone_code_confirm(*, phone: str, code: str, purpose: str) -> str:
    key = phone_key(phone)
    slot = f"onecount:code:{purpose}:{key}"
    entry = cache.get(slot)
    if entry is None:
        raise ValidationError(_("验证码已过期或未获取，请重新获取"), field="code")
    if entry["tries"] >= CODE_TRIES:
        cache.delete(slot)
        raise ValidationError(_("验证码错误次数过多，请重新获取"), field="code")
    if not hmac.compare_digest(entry["code"], (code or "").strip()):
        entry["tries"] += 1
        cache.set(slot, entry, CODE_TTL)
        raise ValidationError(_("验证码不正确"), field="code")
    cache.delete(slot)
    return key
