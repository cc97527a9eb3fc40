"""Writes for public reports and cases (群众举报与案件): filing."""

import secrets

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.core.audit import audit_log
from pacesetter.core.errors import (
    PermissionDeniedError,
    RateLimitedError,
    StateError,
    ValidationError,
)
from pacesetter.core.people import actor_name
from pacesetter.notifications.kinds import Kind
from pacesetter.notifications.services import notify
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.models import SEGMENT, Member, Organisation
from pacesetter.orgs.services import acting_for

from .. import stats
from ..enums import (
    FILES_MAX,
    REPORTS_PER_ADDRESS_PER_DAY,
    TEXT_MAX,
    TEXT_MIN,
    CaseKind,
    CaseStatus,
    Finding,
    SubjectType,
)
from ..models import (
    Case,
    CaseAttachment,
    Category,
    ReportThrottle,
)
from ._common import (
    PASSWORD_ALPHABET,
    _event,
    _new_number,
    _office_over,
    _parent,
    _recent,
    _text,
    _triage_root,
    deadlines_for,
    route,
)
from .machine import _lock, case_acknowledge, case_close, case_verify

# ------------------------------------------------------------------ filing


DEFAULT_CATEGORIES = [
    ("conduct", "作风问题", "党组织或党员的工作作风、纪律问题"),
    ("commitment", "承诺未兑现", "公开承诺未按期、未按量兑现"),
    ("service", "服务态度", "窗口服务、办事过程中的态度问题"),
    ("suggestion", "意见建议", "对党组织工作的意见和建议"),
    ("other", "其他", "以上类别以外的问题"),
]


def categories_ensure() -> None:
    """The default categories (also made by migration 0002), for a database emptied by a test flush."""
    for order, (code, name, description) in enumerate(DEFAULT_CATEGORIES):
        Category.objects.get_or_create(
            code=code, defaults={"name": name, "description": description, "order": order}
        )


def _check_files(files) -> list[tuple]:
    from pacesetter.commitments.services import check_attachment

    files = [f for f in (files or []) if f]
    if len(files) > FILES_MAX:
        raise ValidationError(_("最多上传 %(n)d 个附件") % {"n": FILES_MAX}, field="files")
    return [(f, *check_attachment(f)) for f in files]


def _subject(
    subject_type: str, subject_id, member_name: str = ""
) -> tuple[Organisation | None, Member | None, object, int | None]:
    """(organisation, member, commitment, hidden user id) for what a case is about; ValidationError if unknown.

    A member is named by the organisation (subject_id) and the name the reporter writes."""
    from pacesetter.commitments.models import Commitment

    sid = str(subject_id or "")
    if subject_type == SubjectType.UNKNOWN:
        return None, None, None, None
    if not sid.isdigit():
        raise ValidationError(_("请选择反映的对象"), field="subject")
    if subject_type == SubjectType.ORGANISATION:
        org = Organisation.objects.filter(pk=sid, is_active=True).first()
        if org is None:
            raise ValidationError(_("找不到所选的党组织"), field="subject")
        return org, None, None, None
    if subject_type == SubjectType.MEMBER:
        member_name = _text(member_name, "member_name", _("党员姓名"), limit=50)
        found = list(
            Member.objects.select_related("organisation").filter(
                organisation_id=sid, organisation__is_active=True, name=member_name, is_active=True
            )[:2]
        )
        if len(found) != 1:
            raise ValidationError(
                _("在所选党组织中找不到（或有多名）叫“%(n)s”的党员；可改为反映该党组织，在内容中写明")
                % {"n": member_name},
                field="member_name",
            )
        m = found[0]
        return m.organisation, m, None, m.user_id
    if subject_type == SubjectType.COMMITMENT:
        from pacesetter.commitments.enums import PUBLIC_STATES

        c = (
            Commitment.objects.select_related("organisation", "member")
            .filter(pk=sid, status__in=PUBLIC_STATES)
            .first()
        )
        if c is None:
            raise ValidationError(_("找不到所选的公开承诺"), field="subject")
        return c.organisation, c.member, c, c.member.user_id if c.member_id else None
    raise ValidationError(_("请选择反映的对象"), field="subject")


def _create(
    *,
    kind: str,
    subject_type: str,
    org: Organisation | None,
    member=None,
    commitment=None,
    hidden_user_id=None,
    category: Category | None = None,
    text: str,
    real_name: bool,
    reporter_name: str = "",
    reporter_phone: str = "",
    reporter_key: str = "",
    source_type: str = "",
    source_id: str = "",
    actor=None,
    now,
    quiet: bool = False,
    handler: Organisation | None = None,
) -> tuple[Case, str]:
    password = "".join(secrets.choice(PASSWORD_ALPHABET) for _i in range(8))
    received_on = timezone.localdate(now)
    if org is None and handler is None:
        owner, status, path = None, CaseStatus.TRIAGE, _triage_root(None).path
    else:
        owner = route(handler or org, hidden_user_id)
        status, path = CaseStatus.RECEIVED, owner.path
    case = Case.objects.create(
        number=_new_number(now),
        kind=kind,
        category=category,
        subject_type=subject_type,
        subject_org=org,
        subject_member=member,
        subject_commitment=commitment,
        hidden_from_id=hidden_user_id,
        first_owner=owner,
        owner=owner,
        path=path,
        status=status,
        source_type=source_type,
        source_id=str(source_id or ""),
        text=text,
        real_name=real_name,
        reporter_name=reporter_name,
        reporter_phone=reporter_phone,
        reporter_key=reporter_key,
        password_hash=make_password(password),
        received_at=now,
        received_on=received_on,
        updated_at=now,
        **deadlines_for(category, received_on, kind),
    )
    stats.add(stats.month_of(received_on), path, stats.vector(case))
    _event(case, "file", "", actor=actor, public=True, at=now)
    audit_log(
        actor=actor,
        action="case.file",
        obj=case,
        extra={"kind": kind, "status": status, "real_name": real_name},
    )
    if quiet:  # the calling app sends its own notice
        return case, password
    recipients = acting_for(owner, exclude=hidden_user_id) if owner else _office_over(path)
    url = reverse("complaints:case-detail", args=[case.pk])
    transaction.on_commit(
        lambda: notify(
            kind=Kind.CASE,
            recipients=recipients,
            title=_("新的群众反映件：%(n)s") % {"n": case.number},
            url=url,
            email=False,
        )
    )
    return case, password


def case_file_public(
    *,
    subject_type: str,
    subject_id=None,
    member_name: str = "",
    category: str,
    text: str,
    files=(),
    real_name: bool = False,
    name: str = "",
    phone: str = "",
    code: str = "",
    ip: str | None = None,
    now=None,
) -> tuple[Case, str]:
    """A member of the public files a report (举报) or suggestion (意见建议). Returns (case, query password).

    Everything is checked before anything is stored. Real-name: a phone confirmed by a text code. An
    anonymous reporter's address and device are never stored on the case; the per-address limit keeps a
    salted address hash for 24 hours only (purged by the sweep).
    """
    from pacesetter.onecount import normalise_phone, phone_code_confirm

    now = now or timezone.now()
    if subject_type not in SubjectType.values:
        raise ValidationError(_("请选择反映的对象"), field="subject")
    org, member, commitment, hidden = _subject(subject_type, subject_id, member_name)
    cat = Category.objects.filter(code=category, is_active=True).first()
    if cat is None:
        raise ValidationError(_("请选择问题类别"), field="category")
    text = _text(text, "text", _("反映内容"), limit=TEXT_MAX, minimum=TEXT_MIN)
    checked_files = _check_files(files)
    key = ""
    if real_name:
        name = _text(name, "name", _("姓名"), limit=50)
        phone = normalise_phone(phone)
    else:
        name, phone = "", ""
    with transaction.atomic():
        digest, recent = _recent(ip, "case", now)
        if recent >= REPORTS_PER_ADDRESS_PER_DAY:
            raise RateLimitedError(
                _("同一网络 24 小时内最多提交 %(n)d 件反映，请明天再试；紧急情况请直接拨打当地组织部门电话。")
                % {"n": REPORTS_PER_ADDRESS_PER_DAY}
            )
        if real_name:
            key = phone_code_confirm(phone=phone, code=code, purpose="case")
        ReportThrottle.objects.create(address_hash=digest, at=now)
        case, password = _create(
            kind=CaseKind.REPORT,
            subject_type=subject_type,
            org=org,
            member=member,
            commitment=commitment,
            hidden_user_id=hidden,
            category=cat,
            text=text,
            real_name=real_name,
            reporter_name=name,
            reporter_phone=phone,
            reporter_key=key,
            now=now,
        )
        stored = []
        try:
            for f, ext, content_type in checked_files:
                a = CaseAttachment(
                    case=case, name=(f.name or "")[:200], content_type=content_type, size=f.size
                )
                a.file.save(f"file.{ext}", f, save=False)
                stored.append((a.file.storage, a.file.name))
                a.save()
        except Exception:
            for storage, stored_name in stored:
                storage.delete(stored_name)
            raise
    if real_name:
        from pacesetter.notifications.sms import send_text

        send_text(
            phone=phone,
            text=_("您反映的问题已收到，编号 %(n)s，查询密码 %(p)s，请妥善保管。")
            % {"n": case.number, "p": password},
        )
    return case, password


@transaction.atomic
def case_open(
    *,
    actor,
    kind: str,
    organisation: Organisation,
    text: str,
    source_type: str = "",
    source_id="",
    category: Category | None = None,
    reporter_name: str = "",
    reporter_phone: str = "",
    quiet: bool = False,
    now=None,
) -> tuple[Case, str]:
    """Open a case from another app on the same engine (a low-satisfaction case; objections and review requests
    have their own entries below). The organisation is the one that must answer; returns (case, query
    password). actor None is a system call; a signed-in actor must cover the organisation with case.handle,
    case.triage or supervision.manage (an inspector opens a case in their scope)."""
    if kind not in CaseKind.values:
        raise ValidationError(_("未知的件类型"), field="kind")
    if actor is not None and not _covers_any(
        actor, organisation.path, (Cap.CASE_HANDLE, Cap.CASE_TRIAGE, Cap.SUPERVISION_MANAGE)
    ):
        raise PermissionDeniedError(_("您无权对该党组织立案"))
    now = now or timezone.now()
    text = _text(text, "text", _("内容"), limit=20_000)
    return _create(
        kind=kind,
        subject_type=SubjectType.ORGANISATION,
        org=organisation,
        category=category,
        text=text,
        real_name=bool(reporter_phone),
        reporter_name=reporter_name,
        reporter_phone=reporter_phone,
        source_type=source_type,
        source_id=source_id,
        actor=actor,
        now=now,
        quiet=quiet,
    )


def _covers_any(user, path: str, caps) -> bool:
    from pacesetter.orgs.selectors import scope_for

    if user is None or not user.is_authenticated:
        return False
    return any(path.startswith(p) for cap in caps for p in scope_for(user, cap).roots)


def _source(source_type: str, source_id) -> tuple[str, str]:
    source_type, source_id = str(source_type or "").strip(), str(source_id or "").strip()
    if not source_type or len(source_type) > 40:
        raise ValidationError(_("缺少来源（公示或考核）"), field="source_type")
    if not source_id or len(source_id) > 40:
        raise ValidationError(_("缺少来源编号"), field="source_id")
    return source_type, source_id


def _reporter(name: str, phone: str) -> tuple[str, str]:
    """Name + phone for a real-name filer, ("", "") for an anonymous one; a half-filled pair is refused."""
    from pacesetter.onecount import normalise_phone

    name, phone = (name or "").strip(), (phone or "").strip()
    if not name and not phone:
        return "", ""
    name = _text(name, "name", _("姓名"), limit=50)
    if not phone:
        raise ValidationError(_("实名反映请填写手机号码"), field="phone")
    return name, normalise_phone(phone)


@transaction.atomic
def objection_open(
    *,
    actor=None,
    handler: Organisation,
    subject_org: Organisation,
    subject_member: Member | None = None,
    text: str,
    source_type: str,
    source_id,
    name: str = "",
    phone: str = "",
    now=None,
) -> tuple[Case, str]:
    """公示异议: an objection to a nominee during a commendation's public notice, answered by `handler` (the
    organisation that published the notice). Anonymous unless name + phone are given. Returns (case,
    query password); the objector follows it on the public status page like any report."""
    now = now or timezone.now()
    if not handler.is_active:
        raise ValidationError(_("“%(o)s”已撤销") % {"o": handler.name}, field="handler")
    if subject_member is not None and subject_member.organisation_id != subject_org.pk:
        raise ValidationError(_("所选党员不属于该党组织"), field="subject_member")
    if not subject_org.path.startswith(handler.path[:SEGMENT]):
        raise ValidationError(_("受理组织与公示对象不在同一系统"), field="handler")
    source_type, source_id = _source(source_type, source_id)
    text = _text(text, "text", _("异议内容"), limit=TEXT_MAX, minimum=TEXT_MIN)
    name, phone = _reporter(name, phone)
    hidden = subject_member.user_id if subject_member is not None else None
    return _create(
        kind=CaseKind.OBJECTION,
        subject_type=SubjectType.MEMBER if subject_member else SubjectType.ORGANISATION,
        org=subject_org,
        member=subject_member,
        hidden_user_id=hidden,
        text=text,
        real_name=bool(phone),
        reporter_name=name,
        reporter_phone=phone,
        source_type=source_type,
        source_id=source_id,
        actor=actor,
        now=now,
        handler=handler,
    )


@transaction.atomic
def review_request_open(
    *,
    actor,
    assessed: Organisation,
    text: str,
    source_type: str,
    source_id,
    handler: Organisation | None = None,
    member: Member | None = None,
    now=None,
) -> tuple[Case, str]:
    """复核申请: a request to review an assessment grade, by the assessed organisation (supervision.respond
    over it: its secretary, the office) or by the member whose grade it is; answered by `handler`, the
    organisation that graded (default the assessed organisation's parent)."""
    now = now or timezone.now()
    own = (
        member is not None and member.user_id is not None and actor is not None and member.user_id == actor.pk
    )
    if member is not None and member.organisation_id != assessed.pk:
        raise ValidationError(_("所选党员不属于该党组织"), field="member")
    if not own and not _covers_any(actor, assessed.path, (Cap.SUPERVISION_RESPOND,)):
        raise PermissionDeniedError(_("只有被考核的党组织或党员本人可以申请复核"))
    handler = handler or _parent(assessed) or assessed
    if not handler.is_active:
        raise ValidationError(_("“%(o)s”已撤销") % {"o": handler.name}, field="handler")
    if not assessed.path.startswith(handler.path):
        raise ValidationError(_("复核应由作出考核的上级党组织办理"), field="handler")
    source_type, source_id = _source(source_type, source_id)
    text = _text(text, "text", _("复核理由"), limit=TEXT_MAX, minimum=TEXT_MIN)
    dup = Case.objects.filter(
        kind=CaseKind.REVIEW_REQUEST,
        source_type=source_type,
        source_id=source_id,
        subject_org=assessed,
        subject_member=member,
    ).exclude(status=CaseStatus.CLOSED)
    if dup.exists():
        raise StateError(_("该考核结果已有一件复核申请在办理中"))
    return _create(
        kind=CaseKind.REVIEW_REQUEST,
        subject_type=SubjectType.MEMBER if member else SubjectType.ORGANISATION,
        org=assessed,
        member=member,
        text=text,
        real_name=True,
        reporter_name=actor_name(actor, nobody=""),
        source_type=source_type,
        source_id=source_id,
        actor=actor,
        now=now,
        handler=handler,
    )


LOW_SATISFACTION_SOURCE = "evaluations.lowsatisfactioncase"


@transaction.atomic
def low_satisfaction_answer(*, actor, case: Case, analysis: str, measures: str, now=None) -> Case:
    """满意度过低整改 on the engine: the organisation's cause analysis and measures are the verification
    record (the low figure is the finding, 属实) and the case closes; late steps set the overdue flags."""
    now = now or timezone.now()
    c = _lock(case)
    if c.status == CaseStatus.CLOSED:  # a revised answer: the evaluations row keeps the new text
        return c
    if c.status == CaseStatus.RECEIVED:
        c = case_acknowledge(actor=actor, case=c, now=now)
    if c.status == CaseStatus.PROCESSING:
        c = case_verify(
            actor=actor,
            case=c,
            checked=analysis,
            checked_by=actor_name(actor, nobody="") or "-",
            finding=Finding.TRUE,
            evidence=measures,
            now=now,
        )
    return case_close(actor=actor, case=c, now=now)
