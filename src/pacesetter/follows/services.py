"""Following (关注) from a public page: a citizen follows an organisation or a commitment with a phone
confirmed by a texted code (the one-person service, onecount) or an e-mail address confirmed by a signed
link; they get at most one message a day about what is new, and leave with one click on a signed link.

    >>> follow_phone_code_send(subject_type="commitment", subject_id=42, phone="13812341234", ip="10.0.0.1")
    >>> follow_by_phone(subject_type="commitment", subject_id=42, phone="13812341234", code="123456")
    <Follow: commitment:42 sms active>
    >>> follow_unsubscribe(token=unsubscribe_token(follow))      # the link in every message
"""

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from pacesetter import onecount
from pacesetter.commitments.models import Commitment
from pacesetter.commitments.selectors import public_commitment_get, public_org_get
from pacesetter.core.audit import audit_log, audit_status
from pacesetter.core.errors import NotFoundError, StateError, ValidationError
from pacesetter.core.tasks import enqueue
from pacesetter.core.transitions import compare_and_set
from pacesetter.notifications import tasks as notification_tasks
from pacesetter.orgs.models import Organisation

from .enums import TRANSITIONS, FollowAction, FollowStatus, Subject, Via
from .models import Follow

PURPOSE = "follow"
SALT = "pacesetter.follows"
CONFIRM_DAYS = 7


def subject_get(subject_type: str, subject_id) -> Organisation | Commitment:
    """The public organisation or commitment being followed, or a refusal naming the field."""
    if subject_type not in Subject.values:
        raise ValidationError(_("只能关注组织或承诺"), field="subject_type")
    if subject_type == Subject.ORG:
        return public_org_get(subject_id)
    return public_commitment_get(subject_id)


def subject_title(subject_type: str, subject: Organisation | Commitment) -> str:
    return subject.name if isinstance(subject, Organisation) else subject.title


def _address_key(via: str, address: str) -> str:
    return salted_hmac(SALT + ".address", f"{via}:{address}", algorithm="sha256").hexdigest()


def _transition(follow: Follow, action: str, **fields) -> str:
    """The one place a follow's status changes: compare-and-set along TRANSITIONS, with an audit row."""
    before = follow.status
    target = TRANSITIONS[action].get(before)
    if target is None:
        raise StateError(_("当前状态下不能%(a)s") % {"a": FollowAction(action).label})
    compare_and_set(Follow, follow, before, {"status": target, **fields}, _("关注状态已变化，请刷新后重试"))
    subject = f"{follow.subject_type}:{follow.subject_id}"
    audit_status(None, f"follow.{action}", follow, before, extra={"subject": subject, "via": follow.via})
    return before


def _get_or_create(subject_type: str, subject_id: int, via: str, address: str) -> tuple[Follow, bool]:
    key = _address_key(via, address)
    row = (
        Follow.objects.select_for_update()
        .filter(subject_type=subject_type, subject_id=subject_id, address_key=key)
        .first()
    )
    if row is not None:
        return row, False
    try:
        with transaction.atomic():
            row = Follow.objects.create(
                subject_type=subject_type,
                subject_id=subject_id,
                via=via,
                address=address,
                address_key=key,
                status=FollowStatus.PENDING,
            )
    except IntegrityError:  # the same person at the same moment in another request
        row = Follow.objects.select_for_update().get(
            subject_type=subject_type, subject_id=subject_id, address_key=key
        )
        return row, False
    audit_log(actor=None, action="follow.create", obj=row, extra={"subject": f"{subject_type}:{subject_id}"})
    return row, True


def follow_phone_code_send(*, subject_type: str, subject_id, phone: str, ip: str | None) -> str:
    """Text the code that confirms the phone; returns the masked phone to show."""
    subject_get(subject_type, subject_id)
    onecount.phone_code_send(phone=phone, client_ip=ip, purpose=PURPOSE)
    from pacesetter.core.pii import mask_phone

    return mask_phone(onecount.normalise_phone(phone))


def follow_by_phone(*, subject_type: str, subject_id, phone: str, code: str) -> Follow:
    """Follow with a phone confirmed by the texted code: active at once."""
    subject = subject_get(subject_type, subject_id)
    phone = onecount.normalise_phone(phone)
    if not str(code or "").strip():
        raise ValidationError(_("请输入短信验证码"), field="code")
    onecount.phone_code_confirm(phone=phone, code=code, purpose=PURPOSE)
    with transaction.atomic():
        row, _created = _get_or_create(subject_type, subject.pk, Via.SMS, phone)
        if row.status != FollowStatus.ACTIVE:
            now = timezone.now()
            _transition(row, FollowAction.CONFIRM, confirmed_at=now, news_since=now)
    return row


def follow_by_email(*, subject_type: str, subject_id, email: str) -> Follow:
    """Follow with an e-mail address: pending until the signed link mailed to it is opened. A pending
    follow is mailed again at most once a day, so the form cannot be used to flood an inbox."""
    subject = subject_get(subject_type, subject_id)
    email = str(email or "").strip().lower()
    if not email:
        raise ValidationError(_("请输入电子邮件地址"), field="email")
    try:
        if len(email) > 254:
            raise DjangoValidationError("too long")
        validate_email(email)
    except DjangoValidationError:
        raise ValidationError(_("电子邮件地址格式不正确"), field="email") from None
    with transaction.atomic():
        row, created = _get_or_create(subject_type, subject.pk, Via.EMAIL, email)
        if row.status == FollowStatus.ACTIVE:
            return row
        today = timezone.localdate()
        if not created and row.status == FollowStatus.PENDING and row.last_sent_on == today:
            return row
        if row.status == FollowStatus.UNSUBSCRIBED:
            _transition(row, FollowAction.REQUEST)
        Follow.objects.filter(pk=row.pk).update(last_sent_on=today)
        link = absolute(reverse("follows:confirm") + "?t=" + confirm_token(row))
        enqueue(
            notification_tasks.send_email,
            to=[email],
            subject=_("请确认关注：%(t)s") % {"t": subject_title(subject_type, subject)},
            body=_(
                "您在创先争优公开页面申请关注“%(t)s”。请在 %(d)d 天内打开以下链接确认：\n%(u)s\n如非本人操作，请忽略本邮件。"
            )
            % {"t": subject_title(subject_type, subject), "d": CONFIRM_DAYS, "u": link},
        )
    return row


def confirm_token(follow: Follow) -> str:
    return signing.dumps({"f": follow.pk, "a": "confirm"}, salt=SALT, compress=True)


def unsubscribe_token(follow: Follow) -> str:
    return signing.dumps({"f": follow.pk, "a": "unsubscribe"}, salt=SALT, compress=True)


def _follow_from(token: str, action: str, max_age=None) -> Follow:
    try:
        data = signing.loads(str(token or "")[:500], salt=SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise ValidationError(_("链接已过期，请重新申请关注"), field="token") from None
    except signing.BadSignature:
        raise ValidationError(_("链接无效，请检查是否完整复制"), field="token") from None
    if not isinstance(data, dict) or data.get("a") != action or not isinstance(data.get("f"), int):
        raise ValidationError(_("链接无效，请检查是否完整复制"), field="token")
    row = Follow.objects.select_for_update().filter(pk=data["f"]).first()
    if row is None:
        raise NotFoundError()
    return row


def follow_confirm(*, token: str) -> Follow:
    with transaction.atomic():
        row = _follow_from(token, "confirm", max_age=CONFIRM_DAYS * 86400)
        if row.status != FollowStatus.ACTIVE:
            now = timezone.now()
            _transition(row, FollowAction.CONFIRM, confirmed_at=now, news_since=now)
    return row


def follow_unsubscribe(*, token: str) -> Follow:
    """One click: the signed link in every message. Opening it again changes nothing."""
    with transaction.atomic():
        row = _follow_from(token, "unsubscribe")
        if row.status != FollowStatus.UNSUBSCRIBED:
            _transition(row, FollowAction.UNSUBSCRIBE)
    return row


def absolute(path: str) -> str:
    return (getattr(settings, "SITE_URL", "") or "").rstrip("/") + path
