"""Writes to public commitments (公开承诺): 设岗, 承诺 (create, edit), every status change, 履诺 progress,
述诺 reports, 评诺 ratings and their moderation, and the overdue / reminder sweeps.

Each service checks permission first, validates, changes inside one transaction and writes an audit entry.
`_transition` is the only code that assigns Commitment.status.
"""

import datetime
import hashlib
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter import onecount
from pacesetter.campaigns.enums import CriteriaSubject, StepCapability
from pacesetter.campaigns.models import Campaign, CriteriaItem
from pacesetter.campaigns.windows import require_open
from pacesetter.core.audit import audit_log, snapshot
from pacesetter.core.errors import NotFoundError, PermissionDeniedError, StateError, ValidationError
from pacesetter.core.pii import mask_phone
from pacesetter.core.text import clean_text
from pacesetter.core.uploads import check_upload
from pacesetter.notifications.kinds import Kind
from pacesetter.notifications.services import notification_resolve, notify
from pacesetter.orgs.enums import ROLE_CAPS, Cap, Role
from pacesetter.orgs.models import Member, Organisation
from pacesetter.orgs.selectors import nearest_holders
from pacesetter.orgs.services import users_with_role_on

from .enums import (
    ACTION_PARTIES,
    ATTACHMENT_MAX_BYTES,
    ATTACHMENT_TYPES,
    ATTACHMENTS_PER_UPDATE,
    EDITABLE,
    PROGRESS_STATES,
    RATEABLE_STATES,
    TRANSITIONS,
    CommitmentAction,
    CommitmentKind,
    CommitmentStatus,
    Moderation,
    Party,
    RatingLevel,
    RatingSource,
    RatingVerification,
    ReportOutcome,
)
from .models import (
    Commitment,
    CommitmentEvent,
    FulfilmentReport,
    Post,
    ProgressAttachment,
    ProgressUpdate,
    Rating,
)
from .rules import can_moderate_ratings, can_write_member_commitment, can_write_org_commitment, parties_for

COMMITMENT_FIELDS = [
    "campaign",
    "kind",
    "organisation",
    "member",
    "post",
    "criteria_item",
    "title",
    "content",
    "target",
    "deadline",
    "responsible",
]
EDIT_FIELDS = ["criteria_item", "title", "content", "target", "deadline", "responsible"]
TEXT_LIMIT = 5_000


def remind_days() -> int:
    """Days before the deadline an owner is reminded (setting COMMITMENT_REMIND_DAYS, default 7)."""
    return int(getattr(settings, "COMMITMENT_REMIND_DAYS", 7))


def public_ratings_per_hour() -> int:
    """Public ratings accepted from one address per hour (setting COMMITMENT_PUBLIC_RATINGS_PER_HOUR)."""
    return int(getattr(settings, "COMMITMENT_PUBLIC_RATINGS_PER_HOUR", 20))


# ------------------------------------------------------------------ validation


_text = partial(clean_text, limit=TEXT_LIMIT)


def _clean(campaign: Campaign, kind: str, data: dict) -> dict:
    item = data.get("criteria_item")
    subject = CriteriaSubject.ORGANISATION if kind == CommitmentKind.ORGANISATION else CriteriaSubject.MEMBER
    if not isinstance(item, CriteriaItem):
        item = CriteriaItem.objects.select_related("criteria_set").filter(pk=item).first() if item else None
    if item is None or item.criteria_set.campaign_id != campaign.pk or item.criteria_set.subject != subject:
        raise ValidationError(
            _("请选择本活动的“%(s)s”标准项")
            % {"s": _("五个好") if subject == CriteriaSubject.ORGANISATION else _("五带头")},
            field="criteria_item",
        )
    deadline = data.get("deadline")
    if not isinstance(deadline, datetime.date):
        raise ValidationError(_("请填写完成时限"), field="deadline")
    if deadline < timezone.localdate():
        raise ValidationError(_("完成时限不能早于今天"), field="deadline")
    if deadline > campaign.ends_on:
        raise ValidationError(
            _("完成时限不能晚于活动结束日期 %(d)s") % {"d": campaign.ends_on.isoformat()}, field="deadline"
        )
    return {
        "criteria_item": item,
        "title": _text(data.get("title"), "title", _("承诺事项"), limit=200),
        "content": _text(data.get("content"), "content", _("具体内容"), required=False),
        "target": _text(data.get("target"), "target", _("量化目标"), limit=300),
        "deadline": deadline,
        "responsible": _text(data.get("responsible"), "responsible", _("责任人"), limit=200),
    }


def _require_in_campaign(campaign: Campaign, org: Organisation) -> None:
    if not org.is_within(campaign.organisation):
        raise ValidationError(_("“%(org)s”不在活动“%(c)s”的范围内") % {"org": org.name, "c": campaign.name})
    if not org.is_active:
        raise StateError(_("“%(org)s”已撤销") % {"org": org.name})


# ------------------------------------------------------------------ 设岗


@transaction.atomic
def post_set(*, actor, campaign: Campaign, member: Member, title: str, duties: str = "") -> Post:
    """A member sets (or changes) their post (设岗) for the campaign, inside the 公开承诺 window."""
    if not can_write_member_commitment(actor, member):
        raise PermissionDeniedError(_("只能为本人设岗"))
    _require_in_campaign(campaign, member.organisation)
    require_open(campaign=campaign, capability=StepCapability.COMMITMENTS, org=member.organisation)
    title = _text(title, "title", _("岗位名称"), limit=100)
    duties = _text(duties, "duties", _("岗位职责"), required=False)
    post = Post.objects.select_for_update(of=("self",)).filter(campaign=campaign, member=member).first()
    before = snapshot(post, ["title", "duties"]) if post else {}
    if post is None:
        post = Post(campaign=campaign, member=member)
    post.title, post.duties = title, duties
    post.save()
    audit_log(
        actor=actor,
        action="commitment.post_set",
        obj=post,
        before=before,
        after=snapshot(post, ["title", "duties"]),
        scope_path=member.organisation.path,
    )
    return post


# ------------------------------------------------------------------ 承诺


@transaction.atomic
def commitment_create(
    *,
    actor,
    campaign: Campaign,
    organisation: Organisation | None = None,
    member: Member | None = None,
    mass_org=None,
    **fields,
) -> Commitment:
    """Draft a commitment: an organisation's 实事 (`organisation`) or a member's own (`member`, after 设岗).

    `fields`: criteria_item (a CriteriaItem or its id, from the campaign's 五个好 / 五带头 set), title,
    content, target, deadline, responsible.
    """
    post = None
    if mass_org is not None:
        # groups: a 群团组织 commits through its Party organisation's secretary (党建带群建).
        if member is not None or (organisation is not None and organisation.pk != mass_org.party_org_id):
            raise ValidationError(_("群团组织的承诺只能以该群团组织名义作出"), field="mass_org")
        if not mass_org.is_active:
            raise ValidationError(_("“%(n)s”已撤销，不能作出承诺") % {"n": mass_org.name}, field="mass_org")
        organisation = mass_org.party_org
    if member is not None:
        if not can_write_member_commitment(actor, member):
            raise PermissionDeniedError(_("只能为本人作出承诺"))
        organisation, kind = member.organisation, CommitmentKind.MEMBER
    elif organisation is None:
        raise ValidationError(_("请选择党组织"), field="organisation")
    else:
        if not can_write_org_commitment(actor, organisation):
            raise PermissionDeniedError(_("您无权为“%(org)s”作出承诺") % {"org": organisation.name})
        kind = CommitmentKind.ORGANISATION
    _require_in_campaign(campaign, organisation)
    require_open(campaign=campaign, capability=StepCapability.COMMITMENTS, org=organisation)
    if member is not None:
        post = Post.objects.filter(campaign=campaign, member=member).first()
        if post is None:
            raise StateError(_("请先设岗（填写本人岗位），再作出承诺"))
    data = _clean(campaign, kind, fields)
    c = Commitment.objects.create(
        campaign=campaign,
        kind=kind,
        organisation=organisation,
        member=member,
        post=post,
        mass_org=mass_org,
        created_by=actor,
        **data,
    )
    CommitmentEvent.objects.create(
        commitment=c,
        action="create",
        from_status="",
        to_status=c.status,
        actor=actor,
        actor_name=_name(actor),
    )
    audit_log(actor=actor, action="commitment.create", obj=c, after=snapshot(c, COMMITMENT_FIELDS))
    return c


def _lock(commitment: Commitment) -> Commitment:
    locked = (
        Commitment.objects.select_for_update(of=("self",))
        .select_related("organisation", "member", "campaign", "member__organisation")
        .filter(pk=commitment.pk)
        .first()
    )
    if locked is None:
        raise NotFoundError()
    return locked


@transaction.atomic
def commitment_update(*, actor, commitment: Commitment, **fields) -> Commitment:
    """Change a draft or returned commitment's text, item, target, deadline or responsible people."""
    c = _lock(commitment)
    if Party.OWNER not in parties_for(actor, c):
        raise PermissionDeniedError(_("只有承诺人可以修改该承诺"))
    if c.status not in EDITABLE:
        raise StateError(_("承诺当前状态为“%(s)s”，不能修改") % {"s": CommitmentStatus(c.status).label})
    require_open(campaign=c.campaign, capability=StepCapability.COMMITMENTS, org=c.organisation)
    before = snapshot(c, EDIT_FIELDS)
    merged = {f: fields.get(f, getattr(c, f)) for f in EDIT_FIELDS}
    for name, value in _clean(c.campaign, c.kind, merged).items():
        setattr(c, name, value)
    c.save(update_fields=[*EDIT_FIELDS, "updated_at"])
    audit_log(actor=actor, action="commitment.update", obj=c, before=before, after=snapshot(c, EDIT_FIELDS))
    return c


def _name(actor) -> str:
    if actor is None or not actor.is_authenticated:
        return "系统"
    return actor.get_full_name() or actor.get_username()


def _party_labels(parties) -> str:
    return _("或").join(str(Party(p).label) for p in sorted(parties))


def _transition(actor, commitment: Commitment, action: str, *, comment: str = "", now=None) -> Commitment:
    """The only place a commitment's status changes.

    Checks, in order: the action exists; the actor is a party allowed to take it at all (403); the table
    has a row for (current status, action) (409); the actor is a party allowed in *this* row (403); the
    step window the row names is open for the organisation, extensions included (409, saying when).
    Then compare-and-set on the status, one CommitmentEvent and one audit entry.
    """
    now = now or timezone.now()
    if action not in CommitmentAction.values:
        raise ValidationError(_("未知操作：%(a)s") % {"a": action}, field="action")
    label = CommitmentAction(action).label
    c = _lock(commitment)
    parties = parties_for(actor, c)
    if not parties & ACTION_PARTIES[action]:
        raise PermissionDeniedError(
            _("只有%(who)s可以%(a)s这项承诺") % {"who": _party_labels(ACTION_PARTIES[action]), "a": label}
        )
    t = TRANSITIONS.get((c.status, action))
    if t is None:
        raise StateError(
            _("承诺当前状态为“%(s)s”，不能%(a)s") % {"s": CommitmentStatus(c.status).label, "a": label}
        )
    if not parties & t.parties:
        raise PermissionDeniedError(
            _("只有%(who)s可以%(a)s这项承诺") % {"who": _party_labels(t.parties), "a": label}
        )
    if t.window is not None:
        require_open(campaign=c.campaign, capability=t.window, org=c.organisation, at=now)
    comment = _text(comment, "comment", _("意见"), required=t.needs_comment, limit=TEXT_LIMIT)
    before = c.status
    fields = {"status": t.target, "updated_at": now}
    if t.target == CommitmentStatus.PUBLISHED:
        fields["published_at"] = now
    if not Commitment.objects.filter(pk=c.pk, status=before).update(**fields):
        raise StateError(_("承诺状态已被他人改变，请刷新后重试"))
    for k, v in fields.items():
        setattr(c, k, v)
    CommitmentEvent.objects.create(
        commitment=c,
        action=action,
        from_status=before,
        to_status=t.target,
        actor=actor,
        actor_name=_name(actor),
        comment=comment,
        at=now,
    )
    audit_log(
        actor=actor,
        action=f"commitment.{action}",
        obj=c,
        before={"status": before},
        after={"status": t.target},
        extra={"comment": comment} if comment else None,
    )
    return c


def _owner_users(c: Commitment):
    if c.kind == CommitmentKind.MEMBER:
        return [c.member.user] if c.member.user_id else []
    return list(users_with_role_on([c.organisation_id], Role.SECRETARY))


def _reviewer_users(c: Commitment):
    """Who must review (审核) a submitted commitment: the holders of a reviewing role on the nearest
    organisation that has any — at or above the member's own organisation for a member's commitment (never
    the member), at or above the parent for an organisation's. Was: the secretaries of exactly that
    organisation, so a 支部 without a secretary account, or a 党委 under the city office, told nobody."""
    roles = [role for role, caps in ROLE_CAPS.items() if Cap.COMMITMENT_REVIEW in caps]
    if c.kind == CommitmentKind.MEMBER:
        return nearest_holders(c.organisation, roles, exclude=c.member.user_id)
    parent = c.organisation.parent
    return nearest_holders(parent, roles) if parent is not None else []


@transaction.atomic
def commitment_transition(*, actor, commitment: Commitment, action: str, comment: str = "") -> Commitment:
    """Submit, withdraw, revise, approve, return (with a comment), publish (示诺) or close a commitment.

    述诺 goes through commitment_report, which also stores the report text.
    """
    if action == CommitmentAction.REPORT:
        return commitment_report(actor=actor, commitment=commitment, text=comment)
    c = _transition(actor, commitment, action, comment=comment)
    url = reverse("commitments:commitment-detail", args=[c.pk])
    if action == CommitmentAction.SUBMIT:
        notify(
            kind=Kind.COMMITMENT_REVIEW,
            recipients=_reviewer_users(c),
            title=_("待审核承诺：%(t)s") % {"t": c.title},
            url=url,
            email=False,
        )
    else:
        # whoever was asked to review it has nothing left to do once it left 待审核
        notification_resolve(url=url, recipients=_reviewer_users(c))
    if action in (CommitmentAction.APPROVE, CommitmentAction.RETURN):
        notify(
            kind=Kind.COMMITMENT_RESULT,
            recipients=_owner_users(c),
            title=_("承诺“%(t)s”%(a)s") % {"t": c.title, "a": CommitmentAction(action).label},
            body=comment,
            url=url,
            email=False,
        )
    return c


@transaction.atomic
def commitment_report(
    *, actor, commitment: Commitment, text: str, outcome: str = "", confirm_below_target: bool = False
) -> Commitment:
    """The owner files the fulfilment report (述诺): published → reported, inside the 践诺 window.

    `outcome` says whether the commitment was kept (ReportOutcome). Claiming 承诺已兑现 while the
    recorded progress is below 100 % needs `confirm_below_target`; the progress at the time is kept
    beside the report for the reviewer either way.
    """
    text = _text(text, "text", _("述诺内容"), limit=20_000)
    if outcome and outcome not in ReportOutcome.values:
        raise ValidationError(_("兑现情况无效：%(v)s") % {"v": outcome}, field="outcome")
    progress = commitment.progress
    if outcome == ReportOutcome.FULFILLED and progress < 100 and not confirm_below_target:
        raise ValidationError(
            _("填报的进度只有 %(p)d%%，却选择了“承诺已兑现”：请先填报最新进度，或勾选确认后再提交")
            % {"p": progress},
            field="confirm_below_target",
        )
    c = _transition(actor, commitment, CommitmentAction.REPORT, comment="")
    FulfilmentReport.objects.create(
        commitment=c, text=text, outcome=outcome, progress=c.progress, filed_by=actor
    )
    return c


# ------------------------------------------------------------------ 履诺


def check_attachment(file) -> tuple[str, str]:
    """(extension, content type) of an acceptable attachment, or ValidationError saying what is wrong."""
    checked = check_upload(file, allowed=ATTACHMENT_TYPES, max_bytes=ATTACHMENT_MAX_BYTES, field="files")
    return checked.ext, checked.content_type


@transaction.atomic
def progress_add(*, actor, commitment: Commitment, percent, text: str, files=()) -> ProgressUpdate:
    """The owner posts progress (履诺): 0–100 %, what was done, photos or documents; inside the 践诺 window."""
    c = _lock(commitment)
    if Party.OWNER not in parties_for(actor, c):
        raise PermissionDeniedError(_("只有承诺人可以填报践诺进度"))
    if c.status not in PROGRESS_STATES:
        raise StateError(
            _("承诺当前状态为“%(s)s”，不能填报进度（公开后、述诺前可以填报）")
            % {"s": CommitmentStatus(c.status).label}
        )
    require_open(campaign=c.campaign, capability=StepCapability.FULFILMENT, org=c.organisation)
    try:
        percent = int(percent)
    except (TypeError, ValueError):
        raise ValidationError(_("进度必须是 0 到 100 之间的整数"), field="percent") from None
    if not 0 <= percent <= 100:
        raise ValidationError(_("进度必须是 0 到 100 之间的整数"), field="percent")
    text = _text(text, "text", _("进展情况"))
    files = list(files or [])
    if len(files) > ATTACHMENTS_PER_UPDATE:
        raise ValidationError(_("每次最多上传 %(n)d 个附件") % {"n": ATTACHMENTS_PER_UPDATE}, field="files")
    kinds = [check_attachment(f) for f in files]  # all checked before anything is stored
    now = timezone.now()
    update = ProgressUpdate.objects.create(
        commitment=c, percent=percent, text=text, author=actor, author_name=_name(actor), created_at=now
    )
    stored = []
    try:
        for f, (ext, content_type) in zip(files, kinds, strict=True):
            a = ProgressAttachment(
                update=update, name=(f.name or "")[:200], content_type=content_type, size=f.size
            )
            a.file.save(f"file.{ext}", f, save=False)
            stored.append((a.file.storage, a.file.name))
            a.save()
        before = c.progress
        Commitment.objects.filter(pk=c.pk).update(progress=percent, progress_updated_at=now)
        c.progress, c.progress_updated_at = percent, now
        audit_log(
            actor=actor,
            action="commitment.progress",
            obj=c,
            before={"progress": before},
            after={"progress": percent},
            extra={"update": update.pk, "attachments": len(files)},
        )
    except Exception:
        for storage, name in stored:
            storage.delete(name)
        raise
    return update


# ------------------------------------------------------------------ 评诺


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
    r = (
        Rating.objects.select_for_update(of=("self",))
        .select_related("commitment__organisation")
        .filter(pk=rating.pk)
        .first()
    )
    if r is None:
        raise NotFoundError()
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


# ------------------------------------------------------------------ sweeps


def _not_done():
    return {"status": CommitmentStatus.PUBLISHED, "progress__lt": 100}


@transaction.atomic
def commitments_flag_overdue(*, now=None) -> int:
    """Flag public commitments past their deadline and not done. The flag is set once and frozen: a later
    update, report or deadline change never clears or moves it, so overdue statistics stay as they were."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    qs = Commitment.objects.filter(overdue_at__isnull=True, deadline__lt=today, **_not_done())
    ids = list(qs.values_list("pk", flat=True)[:10_000])
    if not ids:
        return 0
    n = Commitment.objects.filter(pk__in=ids, overdue_at__isnull=True).update(overdue_at=now)
    audit_log(
        actor=None,
        action="commitment.overdue",
        object_type="commitments.commitment",
        object_repr=_("%(n)d 项承诺逾期") % {"n": n},
        extra={"ids": ids[:200], "count": n},
    )
    return n


def commitments_send_reminders(*, now=None) -> int:
    """Remind owners REMIND_DAYS before the deadline, at most once per commitment (compare-and-set on
    reminded_at, so two workers never both send)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = list(
        Commitment.objects.select_related("member", "organisation")
        .filter(
            reminded_at__isnull=True,
            deadline__gte=today,
            deadline__lte=today + timedelta(days=remind_days()),
            **_not_done(),
        )
        .order_by("deadline", "id")[:2_000]
    )
    sent = 0
    for c in due:
        with transaction.atomic():
            if not Commitment.objects.filter(pk=c.pk, reminded_at__isnull=True).update(reminded_at=now):
                continue
            days = (c.deadline - today).days
            notify(
                kind=Kind.COMMITMENT_REMINDER,
                recipients=_owner_users(c),
                title=_("承诺“%(t)s”将于 %(d)s 到期（还有 %(n)d 天），当前进度 %(p)d%%")
                % {"t": c.title, "d": c.deadline.isoformat(), "n": days, "p": c.progress},
                url=reverse("commitments:commitment-detail", args=[c.pk]),
            )
            audit_log(actor=None, action="commitment.remind", obj=c, extra={"deadline": c.deadline})
            sent += 1
    return sent
