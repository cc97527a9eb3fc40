"""One person, one count (一人一票): a citizen's action on a subject — a rating, a recommendation, a comment,
a follow — counts once per person, the person being a phone confirmed by a texted code or a printed slip.

A subject is any short string the caller owns, e.g. "commitment-rating:42". A person is a key:
`phone_key(phone)` (a salted HMAC; the phone itself is never stored) or "slip:<id>". `count_once` is the
one place a count is recorded, under a database unique constraint, so two requests at the same moment
cannot both count:

    >>> phone_code_send(phone="138 1234 5678", client_ip="10.0.0.1", purpose="rate")   # texts 6 digits
    >>> key = phone_code_confirm(phone="13812345678", code="123456", purpose="rate")
    >>> count_once(subject="commitment-rating:42", person_key=key)
    True
    >>> count_once(subject="commitment-rating:42", person_key=key)
    False

Slips: `slip_sheet_create` makes a sheet of one-time codes an organisation prints (only their hashes are
kept; the clear codes are on the returned sheet's `.codes`, once). `slip_redeem` checks a code for a
subject and returns its person key; the caller then records it with `count_once`.
"""

import hashlib
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from pacesetter.core import codes as codebook
from pacesetter.core.audit import audit_log
from pacesetter.core.errors import PermissionDeniedError, RateLimitedError, StateError, ValidationError
from pacesetter.core.models import OneCount, PhoneCode, Slip, SlipSheet, TextQuota
from pacesetter.notifications.sms import send_text
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.selectors import org_in_scope

PHONE_RE = re.compile(r"1[3-9]\d{9}")
CODE_RE = re.compile(r"\d{6}")
MAX_SLIPS_PER_SHEET = 500
SLIP_PREFIX = "slip:"


# ---------------------------------------------------------------- phones


def normalise_phone(raw: str) -> str:
    """A mainland mobile number as 11 digits; spaces, dashes and a +86 / 0086 prefix are dropped."""
    text = re.sub(r"[\s\-()]", "", str(raw or ""))
    for prefix in ("+86", "0086"):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    if len(text) == 13 and text.startswith("86"):
        text = text[2:]
    if not PHONE_RE.fullmatch(text):
        raise ValidationError(_("请输入 11 位手机号码"), field="phone")
    return text


def phone_key(phone: str) -> str:
    """The only form a phone is kept in for counting: an HMAC under the site's secret key."""
    return salted_hmac("pacesetter.onecount.phone", normalise_phone(phone), algorithm="sha256").hexdigest()


def _address_key(client_ip: str | None) -> str:
    # Keyed like the phone: a bare hash of an IPv4 address is reversed by trying all of them.
    digest = salted_hmac("pacesetter.onecount.address", client_ip or "-", algorithm="sha256").hexdigest()
    return "addr:" + digest


def _code_hash(key: str, purpose: str, code: str) -> str:
    return salted_hmac("pacesetter.onecount.code", f"{key}:{purpose}:{code}", algorithm="sha256").hexdigest()


def _take_quota(key: str, day, limit: int) -> bool:
    """Count one text against `key` for `day`; False (and nothing counted) when the limit is reached."""
    if not TextQuota.objects.filter(key=key, day=day).exists():
        try:
            with transaction.atomic():
                TextQuota.objects.create(key=key, day=day, sent=0)
        except IntegrityError:
            pass  # another request created it first
    return bool(TextQuota.objects.filter(key=key, day=day, sent__lt=limit).update(sent=F("sent") + 1))


def phone_code_send(*, phone: str, client_ip: str | None, purpose: str) -> None:
    """Text a 6-digit code to `phone`. At most ONECOUNT_TEXTS_PER_PHONE_PER_DAY texts per phone and
    ONECOUNT_TEXTS_PER_ADDRESS_PER_DAY per client address a day, and one per ONECOUNT_RESEND_SECONDS
    per phone."""
    phone = normalise_phone(phone)
    key = phone_key(phone)
    now = timezone.now()
    latest = (
        PhoneCode.objects.filter(phone_key=key, purpose=purpose)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:1]
    )
    resend = settings.ONECOUNT_RESEND_SECONDS
    if latest and (now - latest[0]).total_seconds() < resend:
        wait = resend - int((now - latest[0]).total_seconds())
        raise RateLimitedError(_("验证码已发送，请 %(s)d 秒后再重新获取") % {"s": max(wait, 1)})
    day = timezone.localdate(now)
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        if not _take_quota(key, day, settings.ONECOUNT_TEXTS_PER_PHONE_PER_DAY):
            raise RateLimitedError(_("该手机号今天获取验证码的次数已达上限，请明天再试"))
        if not _take_quota(_address_key(client_ip), day, settings.ONECOUNT_TEXTS_PER_ADDRESS_PER_DAY):
            raise RateLimitedError(_("您所在的网络今天获取验证码的次数已达上限，请明天再试"))
        PhoneCode.objects.create(
            phone_key=key,
            purpose=purpose,
            code_hash=_code_hash(key, purpose, code),
            created_at=now,
            expires_at=now + timedelta(minutes=settings.ONECOUNT_CODE_MINUTES),
        )
    try:
        send_text(
            phone=phone,
            text=_("【创先争优】您的验证码是 %(code)s，%(m)d 分钟内有效。如非本人操作，请忽略本短信。")
            % {"code": code, "m": settings.ONECOUNT_CODE_MINUTES},
            urgent=True,
            kind="onecount." + purpose,
        )
    except Exception:
        raise StateError(_("短信发送失败，请稍后再试")) from None


def phone_code_confirm(*, phone: str, code: str, purpose: str) -> str:
    """The phone's key when `code` is the latest unexpired code texted to it for `purpose`. Every try
    counts against the code (ONECOUNT_CODE_TRIES); a used code cannot be used again."""
    key = phone_key(phone)
    code = re.sub(r"\s", "", str(code or ""))
    if not CODE_RE.fullmatch(code):
        raise ValidationError(_("请输入短信中的 6 位验证码"), field="code")
    now = timezone.now()
    row = (
        PhoneCode.objects.filter(phone_key=key, purpose=purpose, used_at__isnull=True)
        .order_by("-created_at", "-id")
        .first()
    )
    if row is None or row.expires_at <= now:
        raise ValidationError(_("验证码已失效，请重新获取"), field="code")
    counted = PhoneCode.objects.filter(
        pk=row.pk, used_at__isnull=True, tries__lt=settings.ONECOUNT_CODE_TRIES
    ).update(tries=F("tries") + 1)
    if not counted:
        raise ValidationError(_("验证码输错次数过多，请重新获取"), field="code")
    if not constant_time_compare(row.code_hash, _code_hash(key, purpose, code)):
        raise ValidationError(_("验证码不正确，请核对短信后重新输入"), field="code")
    if not PhoneCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=now):
        raise ValidationError(_("验证码已失效，请重新获取"), field="code")
    return key


# ---------------------------------------------------------------- counting


def count_once(*, subject: str, person_key: str) -> bool:
    """Record that `person_key` counted on `subject`; False if they already had. Safe inside the caller's
    transaction (a savepoint), so the caller can roll back its own row with the count."""
    if not subject or not person_key:
        raise ValueError("count_once needs a subject and a person key")
    try:
        with transaction.atomic():
            OneCount.objects.create(subject=subject, person_key=person_key)
    except IntegrityError:
        return False
    return True


def has_counted(*, subject: str, person_key: str) -> bool:
    return OneCount.objects.filter(subject=subject, person_key=person_key).exists()


# ---------------------------------------------------------------- slips


def _slip_hash(code: str) -> str:
    return hashlib.sha256(b"pacesetter-slip-code:" + code.encode()).hexdigest()


def can_create_slips(user, org) -> bool:
    return bool(user.is_authenticated) and org_in_scope(user, org, Cap.COMMITMENT_REVIEW)


def slip_sheet_create(*, actor, org, count: int) -> SlipSheet:
    """A sheet of `count` one-time slips for `org` (its secretary or the office). The clear codes are on
    the returned sheet's `.codes` and nowhere else: print them now."""
    if not can_create_slips(actor, org):
        raise PermissionDeniedError(_("只有本组织书记或活动办公室可以制作评价凭条"))
    try:
        count = int(count)
    except (TypeError, ValueError):
        count = 0
    if not 1 <= count <= MAX_SLIPS_PER_SHEET:
        raise ValidationError(_("凭条数量应在 1 到 %(n)d 之间") % {"n": MAX_SLIPS_PER_SHEET}, field="count")
    clear: set[str] = set()
    while len(clear) < count:
        clear.add(codebook.code_generate())
    codes = sorted(clear)
    with transaction.atomic():
        sheet = SlipSheet.objects.create(organisation=org, created_by=actor, count=count)
        Slip.objects.bulk_create([Slip(sheet=sheet, code_hash=_slip_hash(c)) for c in codes])
        audit_log(
            actor=actor,
            action="onecount.slips.create",
            obj=sheet,
            object_repr=f"{org.name} × {count}",
            scope_path=org.path,
            extra={"count": count},
        )
    sheet.codes = codes
    return sheet


def slip_redeem(*, code: str, subject: str, org=None) -> str:
    """The person key ("slip:<id>") of a slip not yet counted on `subject`. With `org`, the slip must have
    been handed out by that organisation or one above it. Record the count with `count_once`."""
    clear = codebook.code_normalise(code)
    slip = (
        Slip.objects.select_related("sheet__organisation").filter(code_hash=_slip_hash(clear)).first()
        if codebook.code_is_well_formed(clear)
        else None
    )
    if slip is None:
        raise ValidationError(_("评价凭条码无效，请核对后重新输入"), field="slip")
    if org is not None and not org.path.startswith(slip.sheet.organisation.path):
        raise ValidationError(_("这张评价凭条不是本组织发放的，不能用于这项评价"), field="slip")
    key = f"{SLIP_PREFIX}{slip.pk}"
    if has_counted(subject=subject, person_key=key):
        raise StateError(_("这张评价凭条已经评价过这一项，每张凭条对每一项只能用一次"))
    return key


def slip_organisation_id(code: str) -> int:
    """The organisation a slip was handed out by (for the address printed on it); unknown -> ValidationError."""
    clear = codebook.code_normalise(code)
    org_id = (
        Slip.objects.filter(code_hash=_slip_hash(clear))
        .values_list("sheet__organisation_id", flat=True)
        .first()
        if codebook.code_is_well_formed(clear)
        else None
    )
    if org_id is None:
        raise ValidationError(_("评价凭条码无效，请核对后重新输入"), field="slip")
    return org_id


def slip_display(code: str) -> str:
    """A slip code as printed, in groups of four (any spacing, dashes or case accepted)."""
    return codebook.code_display(codebook.code_normalise(code))
