"""Writes to cases: filing (public and by other apps), routing, every status change, verification, reply,
rating, publication, accountability notes, rectification orders, status queries and the deadline sweep.

Each service checks permission first, validates, changes inside one transaction and writes an audit entry
and a CaseEvent. `_transition` is the only code that assigns Case.status.

Opening a case from another app (one engine for every kind; each returns (case, query password)):

- `objection_open(actor=None, handler=…, subject_org=…, subject_member=None, text=…, source_type=…,
  source_id=…, name=…, phone=…)` — an objection (公示异议) raised during a commendation's public notice. It
  goes to `handler`, the organisation that published the notice (not the nominee), and is hidden from the
  member it names if that member handles cases there (then it goes one level up). Deadlines KIND_DAYS
  [objection]: acknowledge 1, verify 5, reply 7, close 10 working days. The objector may be anonymous
  (actor None, no phone) or real-name (name + phone); a signed-in actor is recorded as the filer.
- `review_request_open(actor=…, assessed=…, handler=None, text=…, source_type=…, source_id=…)` — a request
  for review of an assessment grade (复核). Filed by someone who holds supervision.respond over the assessed
  organisation (its secretary, the office) or by the member whose grade it is (`member=`); it goes to
  `handler`, the organisation that graded (default: the assessed organisation's parent). Deadlines
  KIND_DAYS[review_request]: 2 / 10 / 15 / 20 working days.
- `case_open(actor=…, kind=…, organisation=…, text=…)` — the general form (the low-satisfaction cases of
  evaluations use it with actor None, a system call). A signed-in actor must hold case.handle, case.triage
  or supervision.manage over the organisation (inspectors open cases in their scope).

All kinds then follow the one transition table (TRANSITIONS in enums.py): acknowledge, verify, reply,
close; the sweep flags overdue deadlines and escalates. `source_type` / `source_id` name the calling app's
row (the index case_source_idx finds a row's case: `Case.objects.filter(source_type=…, source_id=…)`).
"""

import hashlib
import secrets
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.core.audit import audit_log
from pacesetter.core.errors import (
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    StateError,
    ValidationError,
)
from pacesetter.core.text import clean_text
from pacesetter.core.workdays import add_working_days
from pacesetter.notifications.kinds import Kind
from pacesetter.notifications.services import notify
from pacesetter.orgs.enums import ROLE_CAPS, Cap, Role
from pacesetter.orgs.models import SEGMENT, Member, Organisation, RoleGrant
from pacesetter.orgs.services import acting_for, users_with_role_on

from . import stats
from .enums import (
    ACTION_PARTIES,
    FILES_MAX,
    QUERY_LOCK_MINUTES,
    QUERY_TRIES,
    RATING_DAYS,
    REMIND_WORKING_DAYS,
    REOPEN,
    REPORTS_PER_ADDRESS_PER_DAY,
    TEXT_MAX,
    TEXT_MIN,
    TRANSITIONS,
    UNKNOWN_NUMBERS_PER_ADDRESS_PER_DAY,
    CaseAction,
    CaseKind,
    CaseStatus,
    Deadline,
    Finding,
    Outcome,
    Party,
    Satisfaction,
    SubjectType,
)
from .models import (
    AccountabilityNote,
    Case,
    CaseAttachment,
    CaseEvent,
    Category,
    ReportThrottle,
    Verification,
)
from .rules import parties_for

PASSWORD_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
NOTE_MAX = 5_000
# (deadline, the field marking it met, the date field, the flag field)
DEADLINES = (
    (Deadline.ACKNOWLEDGE, "acknowledged_at", "ack_by", "ack_overdue_at"),
    (Deadline.VERIFY, "verified_at", "verify_by", "verify_overdue_at"),
    (Deadline.REPLY, "replied_at", "reply_by", "reply_overdue_at"),
    (Deadline.CLOSE, "closed_at", "close_by", "close_overdue_at"),
)


# ------------------------------------------------------------------ helpers


_text = partial(clean_text, limit=NOTE_MAX)


def _name(actor) -> str:
    if actor is None or not actor.is_authenticated:
        return ""
    return actor.get_full_name() or actor.get_username()


def address_hash(ip: str | None, *, now=None, purpose: str = "case") -> str:
    """A salted hash of the address that changes every day, so a kept row cannot be joined across days.
    `purpose` salts it too: filing ("case") and unknown-number queries ("query") are counted apart."""
    day = timezone.localdate(now or timezone.now()).isoformat()
    return hashlib.sha256(f"{settings.SECRET_KEY}|{purpose}|{day}|{ip or '-'}".encode()).hexdigest()


def _recent(ip: str | None, purpose: str, now) -> tuple[str, int]:
    """(today's hash, how many rows this address left in the last 24 hours): today's and yesterday's hashes,
    so the window does not restart at midnight."""
    digest = address_hash(ip, now=now, purpose=purpose)
    digests = [digest, address_hash(ip, now=now - timedelta(days=1), purpose=purpose)]
    count = ReportThrottle.objects.filter(address_hash__in=digests, at__gte=now - timedelta(hours=24)).count()
    return digest, count


def deadlines_for(category: Category | None, received_on, kind: str = CaseKind.REPORT) -> dict:
    """The four dates from the day received: the category's working days, else the kind's, else the defaults."""
    from .enums import KIND_DAYS

    defaults = KIND_DAYS.get(kind, _default_days())
    days = {d: (category.days(d) if category else n) for d, n in defaults.items()}
    return {
        "ack_by": add_working_days(received_on, days[Deadline.ACKNOWLEDGE]),
        "verify_by": add_working_days(received_on, days[Deadline.VERIFY]),
        "reply_by": add_working_days(received_on, days[Deadline.REPLY]),
        "close_by": add_working_days(received_on, days[Deadline.CLOSE]),
    }


def _default_days():
    from .enums import DEFAULT_DAYS

    return DEFAULT_DAYS


def _office_over(path: str, *, exclude=None):
    paths = [path[:i] for i in range(SEGMENT, len(path) + 1, SEGMENT)]
    users = users_with_role_on(Organisation.objects.filter(path__in=paths).values("pk"), Role.OFFICE)
    return [u for u in users if exclude is None or u.pk != exclude]


def _parent(org: Organisation) -> Organisation | None:
    return org.parent if org.parent_id else None


def _handler_user_ids(org: Organisation) -> set[int]:
    """Accounts holding case.handle on `org` or one of its ancestors."""
    roles = [r for r, caps in ROLE_CAPS.items() if Cap.CASE_HANDLE in caps]
    return set(
        RoleGrant.objects.filter(
            organisation__path__in=[*org.ancestor_paths, org.path], role__in=roles, revoked_at__isnull=True
        ).values_list("user_id", flat=True)
    )


def route(subject_org: Organisation, hidden_user_id: int | None) -> Organisation:
    """The organisation that owns a case about `subject_org`: itself, unless the person the case names
    handles cases there — then the parent of the highest organisation where they do (they never see it)."""
    owner = subject_org
    while hidden_user_id is not None and hidden_user_id in _handler_user_ids(owner):
        parent = _parent(owner)
        if parent is None:
            break
        owner = parent
    return owner


def _triage_root(org: Organisation | None) -> Organisation:
    if org is not None:
        root_path = org.path[:SEGMENT]
        return Organisation.objects.get(path=root_path)
    root = Organisation.objects.filter(depth=0, is_active=True).order_by("path").first()
    if root is None:
        raise ValidationError(_("系统尚未建立党组织"))
    return root


def _new_number(now) -> str:
    for _i in range(10):
        number = f"{timezone.localdate(now):%y%m%d}{secrets.randbelow(10**6):06d}"
        if not Case.objects.filter(number=number).exists():
            return number
    raise StateError(_("编号生成失败，请重试"))


def _event(case, action, before, *, actor=None, note="", public=False, org=None, at=None):
    CaseEvent.objects.create(
        case=case,
        action=action,
        from_status=before,
        to_status=case.status,
        organisation=org or case.owner,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_name=_name(actor),
        note=note,
        public=public,
        at=at or timezone.now(),
    )


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
    member,
    commitment,
    hidden_user_id,
    category: Category | None,
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
        object_repr=case.number,
        scope_path=path,
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
        member=None,
        commitment=None,
        hidden_user_id=None,
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
        commitment=None,
        hidden_user_id=hidden,
        category=None,
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
        commitment=None,
        hidden_user_id=None,
        category=None,
        text=text,
        real_name=True,
        reporter_name=_name(actor),
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
            checked_by=_name(actor) or "-",
            finding=Finding.TRUE,
            evidence=measures,
            now=now,
        )
    return case_close(actor=actor, case=c, now=now)


# ------------------------------------------------------------------ the state machine


def _lock(case: Case) -> Case:
    locked = (
        Case.objects.select_for_update(of=("self",))
        .select_related("owner", "owner__parent", "category")
        .filter(pk=case.pk)
        .first()
    )
    if locked is None:
        raise NotFoundError()
    return locked


def _flag_late(case: Case, done_field: str, fields: dict, now) -> None:
    """Taking a step after its deadline sets that deadline's overdue flag, if the sweep has not yet."""
    today = timezone.localdate(now)
    for _d, met, by, flag in DEADLINES:
        if met == done_field and getattr(case, flag) is None and today > getattr(case, by):
            fields[flag] = now


def _transition(
    actor, case: Case, action: str, *, as_party: str | None = None, note="", public=False, now=None, **fields
) -> Case:
    """The only place a case's status changes.

    Checks: the actor is a party allowed to take the action at all (403); the table has a row for
    (current status, action) (409); the actor is a party allowed in this row (403). Then compare-and-set
    on the status, one CaseEvent and one audit entry. `as_party` is for the reporter and the sweep, who
    hold no account.
    """
    now = now or timezone.now()
    label = CaseAction(action).label
    c = _lock(case)
    parties = {as_party} if as_party else parties_for(actor, c)
    if not parties & ACTION_PARTIES[action]:
        raise PermissionDeniedError(_("您无权对该件进行“%(a)s”") % {"a": label})
    t = TRANSITIONS.get((c.status, action))
    if action == CaseAction.RATE and fields.get("status") == CaseStatus.REVIEW:
        t = REOPEN if c.status == CaseStatus.REPLIED else None
    if t is None:
        raise StateError(
            _("该件当前状态为“%(s)s”，不能%(a)s") % {"s": CaseStatus(c.status).label, "a": label}
        )
    if not parties & t.parties:
        raise PermissionDeniedError(_("您无权对该件进行“%(a)s”") % {"a": label})
    fields.pop("status", None)
    before = c.status
    figures = stats.snapshot(c)
    fields = {"status": t.target, "updated_at": now, **fields}
    if t.target == CaseStatus.CLOSED:
        fields["closed_at"] = now
        _flag_late(c, "closed_at", fields, now)
    for met in ("acknowledged_at", "verified_at", "replied_at"):
        if met in fields:
            _flag_late(c, met, fields, now)
    if not Case.objects.filter(pk=c.pk, status=before).update(**fields):
        raise StateError(_("该件状态已被他人改变，请刷新后重试"))
    for k, v in fields.items():
        setattr(c, k, v)
    stats.move(figures, c)
    if "owner_id" in fields:
        c.owner = Organisation.objects.get(pk=fields["owner_id"])
    _event(c, action, before, actor=actor, note=note, public=public, at=now)
    audit_log(
        actor=actor,
        action=f"case.{action}",
        obj=c,
        object_repr=c.number,
        scope_path=c.path,
        before={"status": before},
        after={"status": t.target},
        extra={"note": note[:500]} if note else None,
    )
    return c


def allowed_actions(user, case: Case) -> list[str]:
    """Actions `user` may take on `case` now (what pages offer), from the transition table."""
    parties = parties_for(user, case)
    actions = [a for (s, a), t in TRANSITIONS.items() if s == case.status and parties & t.parties]
    if case.status == CaseStatus.VERIFIED and case.real_name and CaseAction.CLOSE in actions:
        actions.remove(CaseAction.CLOSE)
    return actions


@transaction.atomic
def case_assign(*, actor, case: Case, organisation: Organisation) -> Case:
    """The office routes a case from its triage queue to the organisation that must answer."""
    if not organisation.is_active:
        raise ValidationError(_("“%(o)s”已撤销") % {"o": organisation.name}, field="organisation")
    owner = route(organisation, case.hidden_from_id)
    c = _transition(
        actor,
        case,
        CaseAction.ASSIGN,
        note=_("分办至%(o)s") % {"o": owner.name},
        public=True,
        owner_id=owner.pk,
        first_owner_id=owner.pk,
        path=owner.path,
        subject_org_id=case.subject_org_id or organisation.pk,
    )
    notify(
        kind=Kind.CASE,
        recipients=acting_for(owner, exclude=c.hidden_from_id),
        title=_("分办件：%(n)s") % {"n": c.number},
        url=reverse("complaints:case-detail", args=[c.pk]),
        email=False,
    )
    return c


@transaction.atomic
def case_acknowledge(*, actor, case: Case, now=None) -> Case:
    now = now or timezone.now()
    return _transition(actor, case, CaseAction.ACKNOWLEDGE, public=True, acknowledged_at=now, now=now)


@transaction.atomic
def case_transfer(*, actor, case: Case, organisation: Organisation, reason: str) -> Case:
    """首问责任: the owner keeps a case until it hands it to another organisation formally, with a reason the
    reporter sees. Deadlines still count from the day the case was first received."""
    reason = _text(reason, "reason", _("转办理由"), limit=1000)
    if not organisation.is_active:
        raise ValidationError(_("“%(o)s”已撤销") % {"o": organisation.name}, field="organisation")
    if organisation.pk == case.owner_id:
        raise ValidationError(_("不能转给本组织"), field="organisation")
    if organisation.path[:SEGMENT] != case.path[:SEGMENT]:
        raise ValidationError(_("只能转给本系统内的党组织"), field="organisation")
    owner = route(organisation, case.hidden_from_id)
    c = _transition(
        actor,
        case,
        CaseAction.TRANSFER,
        note=_("转办至%(o)s：%(r)s") % {"o": owner.name, "r": reason},
        public=True,
        owner_id=owner.pk,
        path=owner.path,
    )
    notify(
        kind=Kind.CASE,
        recipients=acting_for(owner, exclude=c.hidden_from_id),
        title=_("转办件：%(n)s") % {"n": c.number},
        body=reason,
        url=reverse("complaints:case-detail", args=[c.pk]),
        email=False,
    )
    return c


@transaction.atomic
def case_verify(
    *, actor, case: Case, checked: str, checked_by: str, finding: str, evidence: str, now=None
) -> Case:
    """有件必核: the verification record (what, by whom, 属实/部分属实/不属实, evidence)."""
    now = now or timezone.now()
    checked = _text(checked, "checked", _("核查内容"))
    checked_by = _text(checked_by, "checked_by", _("核查人"), limit=100)
    evidence = _text(evidence, "evidence", _("证据材料"))
    if finding not in Finding.values:
        raise ValidationError(_("请选择核查结论"), field="finding")
    c = _transition(actor, case, CaseAction.VERIFY, public=True, verified_at=now, finding=finding, now=now)
    Verification.objects.create(
        case=c,
        checked=checked,
        checked_by=checked_by,
        finding=finding,
        evidence=evidence,
        actor=actor,
        at=now,
    )
    return c


@transaction.atomic
def case_reply(*, actor, case: Case, reply: str, now=None) -> Case:
    """实名必复: the written reply, shown to the reporter (and sent by text to a real-name reporter)."""
    now = now or timezone.now()
    reply = _text(reply, "reply", _("答复意见"), minimum=10)
    c = _transition(actor, case, CaseAction.REPLY, public=True, replied_at=now, reply=reply, now=now)
    if c.real_name and c.reporter_phone:
        from pacesetter.notifications.sms import queue_text

        # queued (after commit) and retried by the worker; not urgent, so it waits out the quiet hours
        queue_text(
            phone=c.reporter_phone,
            text=_("您反映的问题（编号 %(n)s）已答复，请凭查询密码查看并评价。") % {"n": c.number},
            kind="case.replied",
        )
    return c


@transaction.atomic
def case_close(*, actor, case: Case, now=None) -> Case:
    """Close a verified anonymous case without a reply; a real-name case must be answered first."""
    if case.real_name:
        raise StateError(_("实名反映必须先书面答复反映人，才能办结"))
    return _transition(actor, case, CaseAction.CLOSE, public=True, outcome=Outcome.CLOSED, now=now)


@transaction.atomic
def case_decline(*, actor, case: Case, reason: str) -> Case:
    """Not accepted (不予受理): 一次性告知 — one message with why and where to go instead, never without."""
    reason = _text(reason, "reason", _("不予受理的理由和应向何处反映"), minimum=15, limit=2000)
    return _transition(actor, case, CaseAction.DECLINE, note=reason, public=True, outcome=Outcome.DECLINED)


@transaction.atomic
def case_review_conclude(*, actor, case: Case, conclusion: str, now=None) -> Case:
    """The parent's review of an answer the reporter was not satisfied with; final, with where to go next."""
    conclusion = _text(conclusion, "conclusion", _("复查结论"), minimum=10)
    return _transition(
        actor,
        case,
        CaseAction.REVIEW_CONCLUDE,
        note=conclusion,
        public=True,
        review_conclusion=conclusion,
        outcome=Outcome.FINAL,
        now=now,
    )


@transaction.atomic
def case_rate(*, case: Case, level: str, reason: str = "", now=None) -> Case:
    """The reporter rates the reply: 满意/基本满意 close it; 不满意 (with a reason) reopens it once for review
    by the parent organisation of the one that answered."""
    if level not in Satisfaction.values:
        raise ValidationError(_("请选择满意、基本满意或不满意"), field="level")
    reason = _text(
        reason, "reason", _("不满意的理由"), required=level == Satisfaction.UNSATISFIED, limit=1000
    )
    c = _lock(case)
    if level != Satisfaction.UNSATISFIED:
        return _transition(
            None,
            c,
            CaseAction.RATE,
            as_party=Party.REPORTER,
            public=True,
            now=now,
            satisfaction=level,
            satisfaction_reason=reason,
            outcome=level,
        )
    reviewer = _parent(c.owner) or c.owner
    c = _transition(
        None,
        c,
        CaseAction.RATE,
        as_party=Party.REPORTER,
        public=True,
        now=now,
        note=_("反映人不满意，由%(o)s复查：%(r)s") % {"o": reviewer.name, "r": reason},
        status=CaseStatus.REVIEW,
        satisfaction=level,
        satisfaction_reason=reason,
        reopened=True,
        owner_id=reviewer.pk,
        path=reviewer.path,
    )
    notify(
        kind=Kind.CASE,
        recipients=acting_for(reviewer, exclude=c.hidden_from_id),
        title=_("反映人不满意，请复查：%(n)s") % {"n": c.number},
        url=reverse("complaints:case-detail", args=[c.pk]),
        email=False,
    )
    return c


# ------------------------------------------------------------------ office: category, publication, notes


def _require_office(actor, case: Case) -> None:
    if Party.OFFICE not in parties_for(actor, case):
        raise PermissionDeniedError(_("只有活动办公室可以进行此操作"))


@transaction.atomic
def case_recategorise(*, actor, case: Case, category: Category) -> Case:
    """The office corrects the category; deadlines are recomputed from the day received, overdue flags stay."""
    c = _lock(case)
    _require_office(actor, c)
    if not c.is_open:
        raise StateError(_("已办结的件不能调整类别"))
    before = c.category_id
    fields = {
        "category": category,
        **deadlines_for(category, c.received_on, c.kind),
        "updated_at": timezone.now(),
    }
    for k, v in fields.items():
        setattr(c, k, v)
    c.save(update_fields=list(fields))
    _event(c, "recategorise", c.status, actor=actor, note=category.name)
    audit_log(
        actor=actor,
        action="case.recategorise",
        obj=c,
        object_repr=c.number,
        scope_path=c.path,
        before={"category": before},
        after={"category": category.pk},
    )
    return c


@transaction.atomic
def case_publish(*, actor, case: Case, summary: str, reply: str, publish: bool = True) -> Case:
    """The office marks a closed case public with a redacted summary and reply; the originals stay as filed."""
    c = _lock(case)
    _require_office(actor, c)
    if c.is_open:
        raise StateError(_("办结后才能公开"))
    if publish:
        c.public_summary = _text(summary, "summary", _("公开摘要"), limit=1000)
        c.public_reply = _text(reply, "reply", _("公开答复"), limit=3000)
    c.is_public = publish
    c.save(update_fields=["public_summary", "public_reply", "is_public"])
    audit_log(
        actor=actor,
        action="case.publish" if publish else "case.unpublish",
        obj=c,
        object_repr=c.number,
        scope_path=c.path,
    )
    return c


@transaction.atomic
def accountability_note_add(*, actor, case: Case, deadline: str, note: str) -> AccountabilityNote:
    """责任追究: the office records a note against a deadline that was missed (its flag is set)."""
    c = _lock(case)
    _require_office(actor, c)
    flags = {d: flag for d, _m, _b, flag in DEADLINES}
    if deadline not in flags:
        raise ValidationError(_("请选择逾期环节"), field="deadline")
    if getattr(c, flags[deadline]) is None:
        raise StateError(_("该环节未逾期，不能追究责任"))
    note = _text(note, "note", _("责任追究意见"))
    n = AccountabilityNote.objects.create(case=c, deadline=deadline, note=note, actor=actor)
    _event(c, "accountability", c.status, actor=actor, note=note)
    audit_log(
        actor=actor,
        action="case.accountability",
        obj=c,
        object_repr=c.number,
        scope_path=c.path,
        extra={"deadline": deadline},
    )
    return n


def case_rectify(*, actor, case: Case, problem: str, measures_required: str, working_days: int):
    """A verified finding (属实/部分属实) becomes a supervision rectification order (限期整改)."""
    from pacesetter.supervision.services import rectification_issue

    if case.finding not in (Finding.TRUE, Finding.PARTLY):
        raise StateError(_("只有核查属实或部分属实的件才能下达整改通知"))
    with transaction.atomic():
        order = rectification_issue(
            actor=actor,
            case=case,
            problem=problem,
            measures_required=measures_required,
            working_days=working_days,
        )
        _event(case, "rectify", case.status, actor=actor, note=_("已下达整改通知"))
    return order


# ------------------------------------------------------------------ the reporter's status query


def case_query(*, number: str, password: str, ip: str | None = None, now=None) -> Case:
    """The case for number + password. Wrong passwords are counted on the case; after QUERY_TRIES it is
    locked for QUERY_LOCK_MINUTES (the count is committed even though the query is refused). Numbers that do
    not exist are counted per address (a salted hash kept 24 hours, as for filing): after
    UNKNOWN_NUMBERS_PER_ADDRESS_PER_DAY the address may not query for 24 hours, so numbers cannot be guessed
    in bulk."""
    now = now or timezone.now()
    number = (number or "").strip()
    if not number.isdigit() or len(number) > 20:
        raise ValidationError(_("请填写正确的编号（数字）"), field="number")
    digest, misses = _recent(ip, "query", now)
    if misses >= UNKNOWN_NUMBERS_PER_ADDRESS_PER_DAY:
        raise RateLimitedError(
            _(
                "同一网络 24 小时内查询不存在的编号已达 %(n)d 次，请明天再试。"
                "如编号或密码遗失，实名反映可凭手机号向承办党组织查询；匿名反映请重新提交。"
            )
            % {"n": UNKNOWN_NUMBERS_PER_ADDRESS_PER_DAY}
        )
    case = Case.objects.select_related("owner", "category").filter(number=number).first()
    if case is None:
        ReportThrottle.objects.create(address_hash=digest, at=now)  # kept though the query is refused
        left = UNKNOWN_NUMBERS_PER_ADDRESS_PER_DAY - misses - 1
        raise NotFoundError(
            _("查无此编号，请核对后重新输入（还可以查询 %(n)d 次）") % {"n": left}
            if left < 3
            else _("查无此编号，请核对后重新输入")
        )
    if case.query_locked_until and case.query_locked_until > now:
        raise RateLimitedError(
            _("查询密码错误次数过多，请于 %(t)s 后再试")
            % {"t": timezone.localtime(case.query_locked_until).strftime("%H:%M")}
        )
    if not check_password((password or "").strip(), case.password_hash):
        failures = case.query_failures + 1
        locked = now + timedelta(minutes=QUERY_LOCK_MINUTES) if failures >= QUERY_TRIES else None
        Case.objects.filter(pk=case.pk).update(
            query_failures=0 if locked else failures, query_locked_until=locked
        )
        if locked:
            raise RateLimitedError(_("查询密码错误次数过多，请 %(m)d 分钟后再试") % {"m": QUERY_LOCK_MINUTES})
        raise ValidationError(
            _("查询密码不正确，还可以尝试 %(n)d 次") % {"n": QUERY_TRIES - failures}, field="password"
        )
    if case.query_failures:
        Case.objects.filter(pk=case.pk).update(query_failures=0)
    return case


# ------------------------------------------------------------------ sweep


def _flag_overdue(qs, deadline: str, flag: str, now) -> int:
    """Set one overdue flag on the cases of `qs` (met is still empty there, so only `<d>_late` grows) and
    add them to the monthly figures, a thousand at a time."""
    from collections import Counter

    prefix = {"ack": "ack", "verify": "verify", "reply": "reply", "close": "close"}[deadline]
    flagged = 0
    while True:
        with transaction.atomic():
            rows = list(qs.select_for_update().values_list("pk", "received_on", "path")[:1000])
            if not rows:
                return flagged
            Case.objects.filter(pk__in=[r[0] for r in rows]).update(**{flag: now})
            groups = Counter((stats.month_of(day), path) for _pk, day, path in rows)
            for (month, path), n in groups.items():
                stats.add(month, path, {f"{prefix}_late": n})
        flagged += len(rows)


def cases_sweep(*, now=None) -> dict:
    """Idempotent: flag overdue deadlines (once, frozen), remind handlers a working day before a deadline,
    escalate an overdue case to the parent organisation (once), close unrated answers after RATING_DAYS,
    and purge address hashes older than 24 hours."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    counts = {"flagged": 0, "reminded": 0, "escalated": 0, "expired": 0, "purged": 0}
    for d, met, by, flag in DEADLINES:
        qs = Case.objects.filter(
            **{f"{flag}__isnull": True, f"{met}__isnull": True, f"{by}__lt": today, "closed_at__isnull": True}
        )
        if met == "closed_at":
            qs = qs.exclude(status=CaseStatus.REPLIED)  # waiting for the reporter, not the organisation
        counts["flagged"] += _flag_overdue(qs, d, flag, now)
    soon = add_working_days(today, REMIND_WORKING_DAYS)
    due = (
        Case.objects.select_related("owner")
        .filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=today), owner__isnull=False)
        .filter(
            Q(acknowledged_at__isnull=True, ack_by__range=(today, soon))
            | Q(verified_at__isnull=True, verify_by__range=(today, soon))
            | Q(replied_at__isnull=True, reply_by__range=(today, soon))
        )
        .exclude(status__in=[CaseStatus.CLOSED, CaseStatus.REPLIED, CaseStatus.TRIAGE])[:2000]
    )
    for c in due:
        with transaction.atomic():
            if not Case.objects.filter(
                Q(reminded_on__isnull=True) | Q(reminded_on__lt=today), pk=c.pk
            ).update(reminded_on=today):
                continue
            notify(
                kind=Kind.CASE_REMINDER,
                recipients=acting_for(c.owner, exclude=c.hidden_from_id),
                title=_("群众反映件 %(n)s 即将到期，请按时办理") % {"n": c.number},
                url=reverse("complaints:case-detail", args=[c.pk]),
                email=False,
            )
            counts["reminded"] += 1
    overdue = (
        Case.objects.select_related("owner__parent")
        .filter(escalated_at__isnull=True, closed_at__isnull=True, owner__isnull=False)
        .filter(
            Q(ack_overdue_at__isnull=False)
            | Q(verify_overdue_at__isnull=False)
            | Q(reply_overdue_at__isnull=False)
            | Q(close_overdue_at__isnull=False)
        )[:2000]
    )
    for c in overdue:
        with transaction.atomic():
            if not Case.objects.filter(pk=c.pk, escalated_at__isnull=True).update(escalated_at=now):
                continue
            parent = _parent(c.owner) or c.owner
            _event(
                c,
                "escalate",
                c.status,
                note=_("逾期，已报告%(o)s督办") % {"o": parent.name},
                org=parent,
                at=now,
            )
            audit_log(
                actor=None,
                action="case.escalate",
                obj=c,
                object_repr=c.number,
                scope_path=c.path,
                extra={"to": parent.pk},
            )
            notify(
                kind=Kind.CASE_REMINDER,
                recipients=acting_for(parent, exclude=c.hidden_from_id),
                title=_("下级逾期未办结群众反映件 %(n)s，请督办") % {"n": c.number},
                url=reverse("complaints:case-detail", args=[c.pk]),
                email=False,
            )
            counts["escalated"] += 1
    expired = list(
        Case.objects.filter(
            status=CaseStatus.REPLIED, replied_at__lt=now - timedelta(days=RATING_DAYS)
        ).values_list("pk", flat=True)[:2000]
    )
    for pk in expired:
        with transaction.atomic():
            try:
                _transition(
                    None,
                    Case(pk=pk),
                    CaseAction.EXPIRE,
                    as_party=Party.SYSTEM,
                    public=True,
                    now=now,
                    outcome=Outcome.UNRATED,
                )
            except StateError:
                continue
            counts["expired"] += 1
    counts["purged"] = ReportThrottle.objects.filter(at__lt=now - timedelta(hours=24)).delete()[0]
    return counts
