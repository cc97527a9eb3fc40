"""征求意见 on a draft plan: "制定方案向群众问计". An organisation opens its draft implementation plan for
comment for a period; members (signed in) and the public (a confirmed phone or a printed slip) comment,
each person once (pacesetter.onecount); the drafter moderates without editing the text, answers each
comment (采纳 / 部分采纳 / 未采纳 with a reason) and, once the period has ended, publishes the 采纳情况.
Approval of the plan waits for that (plans.services.plan_decide asks `consultation_blocks_approval`).
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from pacesetter import onecount
from pacesetter.core.audit import audit_log
from pacesetter.core.errors import PermissionDeniedError, StateError, ValidationError
from pacesetter.core.locking import lock_or_not_found
from pacesetter.core.lookup import get_or_not_found
from pacesetter.core.pii import mask_phone
from pacesetter.core.text import clean_text
from pacesetter.core.transitions import compare_and_set

from .enums import (
    CONSULTATION_TRANSITIONS,
    EDITABLE,
    HANDLING_NEEDING_REASON,
    MODERATION_TRANSITIONS,
    CommentHandling,
    CommentModeration,
    CommentSource,
    CommentVerification,
    ConsultationAction,
    ConsultationStatus,
    PlanStatus,
)
from .html import body_text
from .models import Consultation, ConsultationComment, Plan
from .rules import can_write_plan

COMMENT_MAX = 1000
SUMMARY_MAX = 5000
REASON_MAX = 500
MAX_DAYS = 60
CONSULT_PURPOSE = "consult"


def comments_per_hour() -> int:
    """Comments accepted from one address per hour (setting PLAN_CONSULT_COMMENTS_PER_HOUR)."""
    return int(getattr(settings, "PLAN_CONSULT_COMMENTS_PER_HOUR", 10))


def _ip_hash(ip: str | None) -> str:
    return salted_hmac("pacesetter.plans.consult.ip", ip or "-", algorithm="sha256").hexdigest()


def comment_subject(consultation: Consultation) -> str:
    """The one-person-one-count subject of commenting on this draft (pacesetter.onecount)."""
    return f"plan-consultation:{consultation.pk}"


def _require_writer(actor, plan: Plan) -> None:
    if not can_write_plan(actor, plan.organisation):
        raise PermissionDeniedError(
            _("只有“%(org)s”的方案起草人可以管理征求意见") % {"org": plan.organisation.name}
        )


# ---------------------------------------------------------------- reads


def consultation_for(plan: Plan) -> Consultation | None:
    return Consultation.objects.filter(plan=plan).first()


def public_consultation_get(pk) -> Consultation:
    """Any consultation is public (its page is what the notice-board QR code opens)."""
    qs = Consultation.objects.select_related("plan__organisation", "plan__campaign", "plan__current_version")
    return get_or_not_found(qs.filter(plan__organisation__is_active=True), pk)


def public_comments(consultation: Consultation) -> list[ConsultationComment]:
    """The comments the drafter made public, oldest first (never the author)."""
    return list(consultation.comments.filter(moderation=CommentModeration.APPROVED))


def comment_list(consultation: Consultation) -> list[ConsultationComment]:
    return list(consultation.comments.select_related("author"))


def consultation_counts(consultation: Consultation) -> dict[str, int]:
    """How many comments came in, by source, moderation and handling — one query."""
    keys = {
        "total": Q(),
        "member": Q(source=CommentSource.MEMBER),
        "public": Q(source=CommentSource.PUBLIC),
        "pending": Q(moderation=CommentModeration.PENDING),
        "approved": Q(moderation=CommentModeration.APPROVED),
        "unanswered": Q(moderation=CommentModeration.APPROVED, handling=""),
        **{h.value: Q(moderation=CommentModeration.APPROVED, handling=h.value) for h in CommentHandling},
    }
    return consultation.comments.aggregate(**{k: Count("id", filter=q) for k, q in keys.items()})


def consultation_blocks_approval(plan: Plan, today: datetime.date | None = None) -> str:
    """Why the plan may not be approved yet because of its consultation ("" when it may)."""
    c = consultation_for(plan)
    if c is None or c.status == ConsultationStatus.ANSWERED:
        return ""
    today = today or timezone.localdate()
    if today <= c.closes_on:
        return _("方案正在征求意见（至 %(d)s），征求意见结束并公布采纳情况后才能审核通过") % {
            "d": c.closes_on.isoformat()
        }
    return _("方案征求意见已结束，起草单位公布采纳情况后才能审核通过")


# ---------------------------------------------------------------- writes


@transaction.atomic
def consultation_open(*, actor, plan: Plan, closes_on, now=None) -> Consultation:
    """征求意见: open the draft (as it reads now) for comment until `closes_on` (inclusive)."""
    now = now or timezone.now()
    plan = Plan.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=plan.pk)
    _require_writer(actor, plan)
    if plan.status not in EDITABLE:
        raise StateError(
            _("方案已%(s)s，不能再征求意见；征求意见应在报送前进行") % {"s": PlanStatus(plan.status).label}
        )
    if Consultation.objects.filter(plan=plan).exists():
        raise StateError(_("这份方案已经征求过意见"))
    if not body_text(plan.body):
        raise ValidationError(_("方案正文为空，请先起草再征求意见"), field="body")
    today = timezone.localdate(now)
    if not isinstance(closes_on, datetime.date):
        try:
            closes_on = datetime.date.fromisoformat(str(closes_on or "").strip())
        except ValueError:
            raise ValidationError(_("请填写征求意见截止日期（年-月-日）"), field="closes_on") from None
    if not today < closes_on <= today + datetime.timedelta(days=MAX_DAYS):
        raise ValidationError(
            _("征求意见截止日期应在明天到 %(n)d 天之内") % {"n": MAX_DAYS}, field="closes_on"
        )
    c = Consultation.objects.create(
        plan=plan, title=plan.title, body=plan.body, opened_at=now, closes_on=closes_on, created_by=actor
    )
    audit_log(
        actor=actor,
        action="plan.consultation_open",
        obj=plan,
        after={"status": c.status, "closes_on": closes_on.isoformat()},
        extra={"consultation": c.pk},
    )
    return c


def comment_phone_code_send(*, consultation: Consultation, phone: str, ip: str | None) -> str:
    """Text a confirmation code to a citizen who wants to comment; returns the phone masked."""
    _require_open(consultation, timezone.localdate())
    phone = onecount.normalise_phone(phone)
    onecount.phone_code_send(phone=phone, client_ip=ip, purpose=CONSULT_PURPOSE)
    return mask_phone(phone)


def _require_open(c: Consultation, today: datetime.date) -> None:
    if not c.is_open_on(today):
        raise StateError(_("征求意见已于 %(d)s 结束，不再接收意见") % {"d": c.closes_on.isoformat()})


def comment_submit(
    *,
    consultation: Consultation,
    body: str,
    ip: str | None,
    user=None,
    phone: str = "",
    code: str = "",
    slip: str = "",
    person_key: str = "",
    now=None,
) -> ConsultationComment:
    """One person's comment on the draft: a signed-in member (their account), or a member of the public
    with a confirmed phone (`phone` + `code`, or a key confirmed earlier this session) or a printed slip
    of the organisation. Each person comments once; at most PLAN_CONSULT_COMMENTS_PER_HOUR comments per
    address per hour. Held for moderation before it shows.

    The returned comment carries `person_key` (a confirmed phone's key, else "") for the session."""
    now = now or timezone.now()
    c = consultation
    _require_open(c, timezone.localdate(now))
    text = clean_text(body, field="body", label=_("意见内容"), limit=COMMENT_MAX)
    subject = comment_subject(c)
    slip, phone, code = str(slip or "").strip(), str(phone or "").strip(), str(code or "").strip()
    author = None
    if user is not None and user.is_authenticated:
        key, source, verification, author = (
            f"user:{user.pk}",
            CommentSource.MEMBER,
            CommentVerification.ACCOUNT,
            user,
        )
    elif slip:
        key = onecount.slip_redeem(code=slip, subject=subject, org=c.plan.organisation)
        source, verification = CommentSource.PUBLIC, CommentVerification.SLIP
    elif phone or code:
        if not phone:
            raise ValidationError(_("请输入手机号码并获取验证码"), field="phone")
        # Outside the transaction below: a wrong try must stay counted against the code.
        key = onecount.phone_code_confirm(phone=phone, code=code, purpose=CONSULT_PURPOSE)
        source, verification = CommentSource.PUBLIC, CommentVerification.PHONE
    elif person_key:
        key, source, verification = person_key, CommentSource.PUBLIC, CommentVerification.PHONE
    else:
        raise ValidationError(_("请验证手机号或输入评价凭条码后提交意见（每人一条）"), field="phone")
    digest = _ip_hash(ip)
    with transaction.atomic():
        recent = ConsultationComment.objects.filter(
            ip_hash=digest, created_at__gte=now - datetime.timedelta(hours=1)
        ).count()
        if recent >= comments_per_hour():
            raise StateError(_("该网络提交的意见过于频繁，请一小时后再试"))
        if not onecount.count_once(subject=subject, person_key=key):
            raise StateError(_("您已经对这份征求意见稿提过意见，每人只能提交一条"))
        comment = ConsultationComment.objects.create(
            consultation=c,
            source=source,
            verification=verification,
            author=author,
            body=text,
            ip_hash=digest,
            created_at=now,
        )
        audit_log(
            actor=author,
            action="plan.consultation_comment",
            obj=c.plan,
            extra={
                "consultation": c.pk,
                "comment": comment.pk,
                "source": source,
                "verification": verification,
            },
        )
    comment.person_key = key if verification == CommentVerification.PHONE else ""
    return comment


def _locked_comment(comment: ConsultationComment) -> ConsultationComment:
    return lock_or_not_found(
        ConsultationComment.objects.select_related("consultation__plan__organisation"), comment.pk
    )


@transaction.atomic
def comment_moderate(*, actor, comment: ConsultationComment, approve: bool) -> ConsultationComment:
    """公开 or 不予公开 one comment; its text is never edited."""
    row = _locked_comment(comment)
    _require_writer(actor, row.consultation.plan)
    if row.consultation.status != ConsultationStatus.OPEN:
        raise StateError(_("采纳情况已公布，留言不能再改动"))
    action = "approve" if approve else "reject"
    target = MODERATION_TRANSITIONS[action].get(row.moderation)
    if target is None:
        raise StateError(_("该留言已处理"))
    before = row.moderation
    now = timezone.now()
    compare_and_set(
        ConsultationComment,
        row,
        before,
        {"moderation": target, "moderated_by": actor, "moderated_at": now},
        _("该留言刚被其他人处理过，请刷新页面"),
        field="moderation",
    )
    audit_log(
        actor=actor,
        action="plan.consultation_moderate",
        obj=row.consultation.plan,
        before={"moderation": before},
        after={"moderation": target},
        extra={"comment": row.pk},
    )
    return row


@transaction.atomic
def comment_answer(
    *, actor, comment: ConsultationComment, handling: str, reason: str = ""
) -> ConsultationComment:
    """The drafter says how a public comment was handled: 采纳, or 部分采纳 / 未采纳 with a reason."""
    row = _locked_comment(comment)
    _require_writer(actor, row.consultation.plan)
    if row.consultation.status != ConsultationStatus.OPEN:
        raise StateError(_("采纳情况已公布，不能再修改"))
    if row.moderation != CommentModeration.APPROVED:
        raise StateError(_("只有已公开的留言需要答复采纳情况"))
    if handling not in CommentHandling.values:
        raise ValidationError(_("请选择采纳、部分采纳或未采纳"), field="handling")
    reason = clean_text(
        reason,
        field="reason",
        label=_("理由"),
        limit=REASON_MAX,
        required=handling in HANDLING_NEEDING_REASON,
    )
    before = {"handling": row.handling, "reason": row.reason}
    row.handling, row.reason, row.handled_at = handling, reason, timezone.now()
    row.save(update_fields=["handling", "reason", "handled_at"])
    audit_log(
        actor=actor,
        action="plan.consultation_handle",
        obj=row.consultation.plan,
        before=before,
        after={"handling": handling, "reason": reason},
        extra={"comment": row.pk},
    )
    return row


@transaction.atomic
def consultation_answer(*, actor, consultation: Consultation, summary: str, now=None) -> Consultation:
    """公布采纳情况: after the period has ended, with every comment moderated and every public one answered."""
    now = now or timezone.now()
    c = lock_or_not_found(Consultation.objects.select_related("plan__organisation"), consultation.pk)
    _require_writer(actor, c.plan)
    target = CONSULTATION_TRANSITIONS[ConsultationAction.ANSWER].get(c.status)
    if target is None:
        raise StateError(_("采纳情况已经公布"))
    if timezone.localdate(now) <= c.closes_on:
        raise StateError(_("征求意见至 %(d)s 结束，结束后才能公布采纳情况") % {"d": c.closes_on.isoformat()})
    summary = clean_text(summary, field="summary", label=_("采纳情况说明"), limit=SUMMARY_MAX)
    counts = consultation_counts(c)
    if counts["pending"]:
        raise StateError(_("还有 %(n)d 条留言未审核，请先处理") % {"n": counts["pending"]})
    if counts["unanswered"]:
        raise StateError(_("还有 %(n)d 条公开留言未答复采纳情况") % {"n": counts["unanswered"]})
    before = c.status
    compare_and_set(
        Consultation,
        c,
        before,
        {"status": target, "summary": summary, "answered_at": now, "answered_by": actor},
        _("征求意见刚被其他人修改过，请刷新页面后重试"),
    )
    audit_log(
        actor=actor,
        action="plan.consultation_answer",
        obj=c.plan,
        before={"status": before},
        after={"status": target},
        extra={
            "consultation": c.pk,
            **{h.value: counts[h.value] for h in CommentHandling},
            "comments": counts["total"],
        },
    )
    return c
