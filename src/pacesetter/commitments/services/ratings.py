"""评诺: ratings by members and by the public (one per person), and their moderation."""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter import onecount
from pacesetter.core.audit import audit_log
from pacesetter.core.errors import PermissionDeniedError, StateError, ValidationError
from pacesetter.core.locking import lock_or_not_found
from pacesetter.core.pii import mask_phone

from ..enums import (
    RATEABLE_STATES,
    CommitmentStatus,
    Moderation,
    RatingLevel,
    RatingSource,
    RatingVerification,
)
from ..models import Commitment, Rating
from ..rules import can_moderate_ratings
from ._common import _text, public_ratings_per_hour


def _check_rateable(c: Commitment) -> None:
    if c.status not in RATEABLE_STATES:
        raise StateError(_("承诺当前状态为“%(s)s”，不能评价") % {"s": CommitmentStatus(c.status).label})


def _clean_rating(level, comment) -> tuple[str, str]:
    if level not in RatingLevel.values:
        raise ValidationError(_("请选择满意、基本满意或不满意"), field="level")
    return level, _text(comment, "comment", _("意见建议"), required=False, limit=500)


def rating_submit_member(*, actor, commitment: Commitment, level: str, comment: str = "") -> Rating:
    """A signed-in member of the commitment's organisation (or its subtree) rates it once; their comment
    shows at once (they are named members). A second rating is refused by the database constraint."""
    from pacesetter.orgs.selectors import member_for_user

    member = member_for_user(actor)
    if member is None or not member.is_active or not member.organisation.is_within(commitment.organisation):
        raise PermissionDeniedError(
            _("只有“%(org)s”的党员可以作为党员评价该承诺") % {"org": commitment.organisation.name}
        )
    if commitment.member_id == member.pk:
        raise PermissionDeniedError(_("不能评价本人的承诺"))
    _check_rateable(commitment)
    level, comment = _clean_rating(level, comment)
    try:
        with transaction.atomic():
            r = Rating.objects.create(
                commitment=commitment,
                source=RatingSource.MEMBER,
                verification=RatingVerification.MEMBER,
                member=member,
                level=level,
                comment=comment,
                moderation=Moderation.APPROVED if comment else Moderation.NONE,
            )
            audit_log(actor=actor, action="commitment.rate", obj=commitment, extra={"level": level})
    except IntegrityError:
        raise StateError(_("您已经评价过这项承诺")) from None
    return r


def ip_digest(ip: str | None) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}|{ip or '-'}".encode()).hexdigest()


RATE_PURPOSE = "rate"


def rating_subject(commitment: Commitment) -> str:
    """The one-person-one-count subject of rating this commitment (pacesetter.onecount)."""
    return f"commitment-rating:{commitment.pk}"


def rating_phone_code_send(*, commitment: Commitment, phone: str, ip: str | None) -> str:
    """Text a confirmation code to a citizen who wants to rate; returns the phone masked for the page.

    Whether this phone has rated is told only after its code is confirmed (rating_submit_public): told
    here, anyone who knows a number could find out what its owner rated."""
    _check_rateable(commitment)
    phone = onecount.normalise_phone(phone)
    onecount.phone_code_send(phone=phone, client_ip=ip, purpose=RATE_PURPOSE)
    return mask_phone(phone)


def rating_submit_public(
    *,
    commitment: Commitment,
    level: str,
    comment: str = "",
    device: str,
    ip: str | None,
    phone: str = "",
    code: str = "",
    slip: str = "",
    person_key: str = "",
    now=None,
) -> Rating:
    """A member of the public rates a published commitment. It counts once per person (一人一票): with a
    printed slip of the commitment's organisation (`slip`), a phone and the code texted to it (`phone`,
    `code`), or a phone key confirmed earlier in the same session (`person_key`). Without any of them the
    rating is kept as unverified (one per device cookie) and not counted in the satisfaction rate.
    At most COMMITMENT_PUBLIC_RATINGS_PER_HOUR ratings per address per hour (counted from stored rows,
    so every worker sees the same limit). A comment is held for moderation before it shows.

    The returned rating carries `person_key` (the confirmed phone's key, or "") for the session.
    """
    now = now or timezone.now()
    _check_rateable(commitment)
    level, comment = _clean_rating(level, comment)
    device = (device or "").strip()[:64]
    subject = rating_subject(commitment)
    slip, phone, code = (slip or "").strip(), (phone or "").strip(), (code or "").strip()
    if slip:
        key = onecount.slip_redeem(code=slip, subject=subject, org=commitment.organisation)
        verification = RatingVerification.SLIP
    elif phone or code:
        if not phone:
            raise ValidationError(_("请输入手机号码并获取验证码"), field="phone")
        # Outside the transaction below: a wrong try must stay counted against the code.
        key = onecount.phone_code_confirm(phone=phone, code=code, purpose=RATE_PURPOSE)
        verification = RatingVerification.PHONE
    elif person_key:
        key, verification = person_key, RatingVerification.PHONE
    else:
        key, verification = "", RatingVerification.NONE
        if len(device) < 16:
            raise ValidationError(_("请允许浏览器保存 Cookie 后再评价"))
    digest = ip_digest(ip)
    try:
        with transaction.atomic():
            recent = Rating.objects.filter(ip_hash=digest, created_at__gte=now - timedelta(hours=1)).count()
            if recent >= public_ratings_per_hour():
                raise StateError(_("该网络提交的评价过于频繁，请一小时后再试"))
            if key and not onecount.count_once(subject=subject, person_key=key):
                raise StateError(
                    _("这张评价凭条已经评价过这项承诺，每张凭条只能评价一次")
                    if verification == RatingVerification.SLIP
                    else _("该手机号已经评价过这项承诺，每人只能评价一次")
                )
            r = Rating.objects.create(
                commitment=commitment,
                source=RatingSource.PUBLIC,
                verification=verification,
                device=device,
                ip_hash=digest,
                level=level,
                comment=comment,
                moderation=Moderation.PENDING if comment else Moderation.NONE,
                created_at=now,
            )
            audit_log(
                actor=None,
                action="commitment.rate_public",
                obj=commitment,
                extra={"level": level, "verification": verification},
            )
    except IntegrityError:
        raise StateError(_("本设备已经提交过未验证的评价；验证手机号或使用评价凭条后可再评价")) from None
    r.person_key = key if verification == RatingVerification.PHONE else ""
    return r


@transaction.atomic
def rating_moderate(*, actor, rating: Rating, approve: bool) -> Rating:
    """The secretary publishes or rejects one public comment (the rating itself always counts)."""
    r = lock_or_not_found(Rating.objects.select_related("commitment__organisation"), rating.pk)
    if not can_moderate_ratings(actor, r.commitment):
        raise PermissionDeniedError(_("只有本组织书记或活动办公室可以审核评价留言"))
    if r.moderation != Moderation.PENDING:
        raise StateError(_("该留言已处理"))
    r.moderation = Moderation.APPROVED if approve else Moderation.REJECTED
    r.moderated_by, r.moderated_at = actor, timezone.now()
    r.save(update_fields=["moderation", "moderated_by", "moderated_at"])
    audit_log(
        actor=actor,
        action="commitment.moderate",
        obj=r.commitment,
        before={"moderation": Moderation.PENDING},
        after={"moderation": r.moderation},
        extra={"rating": r.pk},
    )
    return r
