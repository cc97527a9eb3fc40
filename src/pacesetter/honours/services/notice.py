"""公示 and objections: the notice period, objections filed on the case engine, and 取消拟表彰资格."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter import onecount
from pacesetter.core.audit import audit_log
from pacesetter.core.errors import RateLimitedError, StateError, ValidationError

from ..enums import (
    OBJECTION_MAX,
    OBJECTION_MIN,
    OBJECTIONS_PER_ADDRESS_PER_DAY,
    NominationAction,
    NominationStatus,
    ProgrammeAction,
    ProgrammeStatus,
)
from ..models import Nomination, Programme
from ._common import OBJECTION_SOURCE, _programme_transition, _require_office, _text, _transition


def notice_is_running(programme: Programme, *, now=None) -> bool:
    today = timezone.localdate(now or timezone.now())
    return (
        programme.status == ProgrammeStatus.NOTICE
        and programme.notice_starts_on is not None
        and programme.notice_ends_on is not None
        and programme.notice_starts_on <= today <= programme.notice_ends_on
    )


@transaction.atomic
def notice_start(*, actor, programme: Programme, now=None) -> Programme:
    """发布公示: the final list goes public for `notice_days` calendar days, ending at 24:00 Beijing time on
    the last day; reviewing stops and nominations still under review are returned as not shortlisted."""
    _require_office(actor, programme)
    today = timezone.localdate(now or timezone.now())
    shortlisted = Nomination.objects.filter(programme=programme, status=NominationStatus.SHORTLISTED)
    if not shortlisted.exists():
        raise ValidationError(_("还没有确定拟表彰对象，不能发布公示"), field="nominations")
    ends = today + datetime.timedelta(days=programme.notice_days - 1)
    p = _programme_transition(
        actor, programme, ProgrammeAction.START_NOTICE, notice_starts_on=today, notice_ends_on=ends
    )
    for n in shortlisted:
        _transition(actor, n, NominationAction.ANNOUNCE)
    return p


def objections_for(nomination_ids) -> dict[int, list]:
    """The objection cases (公示异议) of each nomination, oldest first."""
    from pacesetter.complaints.enums import CaseKind
    from pacesetter.complaints.models import Case

    out: dict[int, list] = {}
    cases = Case.objects.filter(
        kind=CaseKind.OBJECTION, source_type=OBJECTION_SOURCE, source_id__in=[str(i) for i in nomination_ids]
    ).order_by("received_at")
    for c in cases:
        out.setdefault(int(c.source_id), []).append(c)
    return out


def objection_state(cases) -> str:
    """'' (none), 'open' (pauses the nominee), 'upheld' (属实/部分属实: the nominee must be removed) or
    'cleared' (declined or found untrue)."""
    from pacesetter.complaints.enums import CaseStatus, Finding

    if not cases:
        return ""
    if any(c.status != CaseStatus.CLOSED for c in cases):
        return "open"
    if any(c.finding in (Finding.TRUE, Finding.PARTLY) for c in cases):
        return "upheld"
    return "cleared"


def objection_public_notes(cases) -> list[dict]:
    """What the notice page says of each closed objection that did not remove the nominee: declined
    (不予受理) or found untrue, with the public reason — the case's 公开答复 (已去除个人信息), once the office has
    published it. Never the objection's text, the objector or the internal reply."""
    from pacesetter.complaints.enums import CaseStatus, Finding, Outcome

    return [
        {
            "declined": c.outcome == Outcome.DECLINED,
            "reason": c.public_reply if c.is_public else "",
        }
        for c in cases
        if c.status == CaseStatus.CLOSED and c.finding not in (Finding.TRUE, Finding.PARTLY)
    ]


@transaction.atomic
def objection_file(
    *,
    nomination: Nomination,
    text: str,
    real_name: bool = False,
    name: str = "",
    phone: str = "",
    code: str = "",
    ip: str | None = None,
    now=None,
):
    """提出异议 during 公示 (real-name or anonymous): a case on the reports engine, answered by the commending
    organisation in working days; the nominee is paused while it is open. Returns (case, query password)."""
    from pacesetter.complaints.models import ReportThrottle
    from pacesetter.complaints.services import address_hash, objection_open

    now = now or timezone.now()
    programme = nomination.programme
    if not notice_is_running(programme, now=now) or nomination.status != NominationStatus.IN_NOTICE:
        raise StateError(_("公示期已结束（或该对象不在公示中），不再受理异议；如有问题可向纪检监察机关反映"))
    text = _text(text, "text", _("异议内容"), limit=OBJECTION_MAX, minimum=OBJECTION_MIN)
    if real_name:
        name = _text(name, "name", _("姓名"), limit=50)
        phone = onecount.normalise_phone(phone)
    else:
        name, phone = "", ""
    digest = address_hash(ip, now=now)
    recent = ReportThrottle.objects.filter(
        address_hash=digest, at__gte=now - datetime.timedelta(hours=24)
    ).count()
    if recent >= OBJECTIONS_PER_ADDRESS_PER_DAY:
        raise RateLimitedError(
            _("同一网络 24 小时内最多提交 %(n)d 件，请明天再试") % {"n": OBJECTIONS_PER_ADDRESS_PER_DAY}
        )
    if real_name:
        onecount.phone_code_confirm(phone=phone, code=code, purpose="objection")
    ReportThrottle.objects.create(address_hash=digest, at=now)
    body = _("对“%(t)s”公示对象“%(n)s”（%(c)s，%(o)s）的异议：\n%(x)s") % {
        "t": programme.title,
        "n": nomination.display_name,
        "c": nomination.category.name,
        "o": nomination.org_label,
        "x": text,
    }
    member = nomination.subject_member
    subject_org = member.organisation if member is not None else nomination.subject_org
    if subject_org is None:  # the check constraint makes one of the two present
        raise StateError(_("该推荐对象没有所在组织"))
    case, password = objection_open(
        handler=programme.organisation,
        subject_org=subject_org,
        subject_member=member,  # the member named never sees the case
        text=body,
        source_type=OBJECTION_SOURCE,
        source_id=nomination.pk,
        name=name,
        phone=phone,
        now=now,
    )
    audit_log(
        actor=None,
        action="honours.nomination.objection",
        obj=nomination,
        extra={"case": case.number},
    )
    if real_name:
        from pacesetter.notifications.sms import send_text

        transaction.on_commit(
            lambda: send_text(
                phone=phone,
                text=_("您对公示对象的异议已收到，编号 %(n)s，查询密码 %(p)s。")
                % {"n": case.number, "p": password},
            )
        )
    return case, password


@transaction.atomic
def nomination_remove(*, actor, nomination: Nomination, note: str) -> Nomination:
    """取消拟表彰资格 with a public note (an upheld objection, or withdrawn)."""
    _require_office(actor, nomination.programme)
    note = _text(note, "comment", _("取消说明"), limit=300)
    return _transition(actor, nomination, NominationAction.REMOVE, comment=note, removal_note=note)
