"""Writes to activity records (记实登记): log, edit, soft-delete, photos, meeting sign-in and attendance.

Each service checks permission first, validates, changes inside one transaction and writes an audit entry.
"""

import datetime
from datetime import timedelta
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.campaigns import tallies
from pacesetter.campaigns.enums import StepCapability
from pacesetter.campaigns.windows import campaigns_covering, step_window_for
from pacesetter.core.audit import audit_create, audit_log, audit_status, snapshot
from pacesetter.core.errors import NotFoundError, PermissionDeniedError, StateError, ValidationError
from pacesetter.core.locking import lock_or_not_found
from pacesetter.core.text import clean_text
from pacesetter.core.transitions import compare_and_set
from pacesetter.core.uploads import IMAGES, check_upload
from pacesetter.orgs.models import Member, Organisation
from pacesetter.orgs.selectors import member_for_user

from .enums import (
    CHECK_TRANSITIONS,
    CHECKER,
    MEETING_KINDS,
    AbsenceReason,
    AttendanceStatus,
    CheckAction,
    CheckStatus,
    RecordKind,
    SignInMethod,
)
from .models import ActivityRecord, Attendance, MeetingDetail, RecordPhoto
from .rules import (
    can_check_record,
    can_edit_record,
    can_log_org_record,
    can_log_personal_record,
    can_manage_meeting,
)

EDITABLE_FIELDS = [
    "kind",
    "title",
    "occurred_on",
    "place",
    "participants",
    "content",
    "contribution",
    "effect",
]
RECORD_FIELDS = ["organisation", "member", "campaign", *EDITABLE_FIELDS]
ATTENDANCE_FIELDS = ["status", "reason_kind", "reason", "method"]
MEETING_FIELDS = ["host", "recorder", "expected_count", "actual_count", "minutes"]
TEXT_LIMIT = 10_000
MAX_PHOTO_BYTES = 8 * 1024 * 1024
MAX_PHOTOS_PER_RECORD = 30
DEFAULT_SIGN_IN_MINUTES = 120


# --- the 记实登记 window -------------------------------------------------------------------------


def records_campaign_for(org: Organisation, *, at=None):
    """The campaign a record logged now for `org` belongs to, after checking the 记实登记 window.

    Rule: records are useful all year round. If no active campaign covers the organisation, or none of
    the covering campaigns has a step that opens "records" (StepCapability.RECORDS), logging is allowed;
    the record is attributed to the nearest covering campaign, or to none. If a covering campaign does
    have a records step, logging is allowed only while that step is open for the organisation
    (extensions included); otherwise StateError (409) says when it opens, or that it closed.
    """
    campaigns = list(campaigns_covering(org))
    gated = []
    for campaign in campaigns:
        window = step_window_for(campaign=campaign, capability=StepCapability.RECORDS, org=org, at=at)
        if window.is_open:
            return campaign
        if window.step is not None:
            gated.append(window)
    if gated:
        raise StateError(gated[0].message)
    return campaigns[0] if campaigns else None


# --- validation ----------------------------------------------------------------------------------


_text = partial(clean_text, required=False, limit=TEXT_LIMIT)


def _clean_record(data: dict, *, personal: bool) -> dict:
    kind = data.get("kind")
    if kind not in RecordKind.values:
        raise ValidationError(_("类别无效：%(v)s") % {"v": kind}, field="kind")
    if personal and kind in MEETING_KINDS:
        raise ValidationError(
            _("会议由党组织登记；个人记实请选择学习、为民服务、志愿服务或其他"), field="kind"
        )
    occurred_on = data.get("occurred_on")
    if not isinstance(occurred_on, datetime.date):
        raise ValidationError(_("请填写日期"), field="occurred_on")
    if occurred_on > timezone.localdate():
        raise ValidationError(_("日期不能晚于今天"), field="occurred_on")
    return {
        "kind": kind,
        "occurred_on": occurred_on,
        "title": _text(data.get("title"), "title", _("标题"), required=True, limit=200),
        "place": _text(data.get("place"), "place", _("地点"), limit=200),
        "participants": _text(data.get("participants"), "participants", _("参加人员")),
        "content": _text(data.get("content"), "content", _("主要内容"), required=True),
        "contribution": _text(data.get("contribution"), "contribution", _("贡献")),
        "effect": _text(data.get("effect"), "effect", _("成效")),
    }


def _count(value, field: str, label: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise ValidationError(_("%(f)s必须是整数") % {"f": label}, field=field) from None
    if n < 0 or n > 100_000:
        raise ValidationError(_("%(f)s必须在 0 到 100000 之间") % {"f": label}, field=field)
    return n


def _clean_meeting(data: dict | None) -> dict:
    data = data or {}
    cleaned = {
        "host": _text(data.get("host"), "host", _("主持人"), limit=50),
        "recorder": _text(data.get("recorder"), "recorder", _("记录人"), limit=50),
        "minutes": _text(data.get("minutes"), "minutes", _("会议记录"), limit=50_000),
        "expected_count": _count(data.get("expected_count"), "expected_count", _("应到人数")),
        "actual_count": _count(data.get("actual_count"), "actual_count", _("实到人数")),
    }
    return cleaned


# --- records -------------------------------------------------------------------------------------


@transaction.atomic
def record_create(
    *,
    actor,
    organisation: Organisation | None = None,
    member: Member | None = None,
    meeting: dict | None = None,
    **fields,
) -> ActivityRecord:
    """Log a record: a member's personal record (`member` is the actor's own Member) or an organisation's.

    `fields`: kind, title, occurred_on, place, participants, content, contribution, effect.
    `meeting` (meeting kinds only): host, recorder, expected_count (default: the organisation's active
    member count), actual_count, minutes.
    """
    if member is not None:
        if not can_log_personal_record(actor, member):
            raise PermissionDeniedError(_("只能为本人登记个人记实"))
        organisation = member.organisation
    elif organisation is None:
        raise ValidationError(_("请选择党组织"), field="organisation")
    elif not can_log_org_record(actor, organisation):
        raise PermissionDeniedError(_("您无权为“%(org)s”登记记实") % {"org": organisation.name})
    if not organisation.is_active:
        raise StateError(_("“%(org)s”已撤销，不能登记记实") % {"org": organisation.name})
    data = _clean_record(fields, personal=member is not None)
    meeting_data = _clean_meeting(meeting) if data["kind"] in MEETING_KINDS else None
    campaign = records_campaign_for(organisation)
    record = ActivityRecord.objects.create(
        organisation=organisation, member=member, campaign=campaign, logged_by=actor, **data
    )
    if meeting_data is not None:
        _meeting_create(record, meeting_data)
    _tally_has_records(record, +1)
    _tally_month(record, record.occurred_on, +1)
    audit_create(actor, "record.create", record, RECORD_FIELDS)
    return record


def _tally_has_records(record: ActivityRecord, sign: int) -> None:
    """After a record of `record`'s organisation and campaign appeared (+1) or went (-1): the dashboard's
    "has a record" (campaigns.tallies) changes only if it is now the only one, or there is none left."""
    org = record.organisation
    if record.campaign_id is None or not org.is_active:
        return
    # Serialise the check per organisation: two records written at once must not both see "no other".
    Organisation.objects.select_for_update().filter(pk=org.pk).values_list("pk").first()
    others = ActivityRecord.objects.filter(
        is_deleted=False, campaign_id=record.campaign_id, organisation_id=org.pk
    ).exclude(pk=record.pk)
    if not others.exists():
        tallies.bump(record.campaign_id, org, with_records=sign)


def _tally_month(record: ActivityRecord, day: datetime.date, sign: int) -> None:
    """The dashboard's timeline (campaigns.tallies) counts the campaign's records by the month they occurred."""
    if record.campaign_id is not None:
        tallies.bump_month(record.campaign_id, record.organisation, day, records=sign)


def _meeting_create(record: ActivityRecord, data: dict) -> MeetingDetail:
    if data["expected_count"] is None:
        # Counted, not read from Organisation.member_count, so a stale in-memory org cannot skew it.
        data["expected_count"] = Member.objects.filter(
            organisation=record.organisation, is_active=True
        ).count()
    if data["actual_count"] is None:
        data["actual_count"] = 0
    return MeetingDetail.objects.create(record=record, **data)


def _lock(record: ActivityRecord) -> ActivityRecord:
    return lock_or_not_found(ActivityRecord.objects.select_related("organisation", "member"), record.pk)


def _require_edit(actor, record: ActivityRecord) -> None:
    if record.is_deleted:
        raise StateError(_("该记实已删除"))
    if not can_edit_record(actor, record):
        raise PermissionDeniedError(_("只有登记人所在范围的书记或本人可以修改该记实"))
    records_campaign_for(record.organisation)


@transaction.atomic
def record_update(*, actor, record: ActivityRecord, meeting: dict | None = None, **fields) -> ActivityRecord:
    """Change a record's fields (organisation, member and campaign stay); meeting fields for meetings."""
    record = _lock(record)
    _require_edit(actor, record)
    before = snapshot(record, RECORD_FIELDS)
    merged = {f: fields.get(f, getattr(record, f)) for f in EDITABLE_FIELDS}
    data = _clean_record(merged, personal=record.member_id is not None)
    if data["occurred_on"].replace(day=1) != record.occurred_on.replace(day=1):
        _tally_month(record, record.occurred_on, -1)
        _tally_month(record, data["occurred_on"], +1)
    for name, value in data.items():
        setattr(record, name, value)
    record.save(update_fields=[*EDITABLE_FIELDS, "updated_at"])
    after = snapshot(record, RECORD_FIELDS)
    if record.kind in MEETING_KINDS and (meeting is not None or not _has_meeting(record)):
        detail_before, detail_after = _meeting_update(record, _clean_meeting(meeting))
        before.update(detail_before)
        after.update(detail_after)
    audit_log(actor=actor, action="record.update", obj=record, before=before, after=after)
    _uncheck_on_edit(actor, record)
    return record


def _has_meeting(record) -> bool:
    return MeetingDetail.objects.filter(record=record).exists()


def _meeting_update(record: ActivityRecord, data: dict) -> tuple[dict, dict]:
    detail = MeetingDetail.objects.select_for_update(of=("self",)).filter(record=record).first()
    if detail is None:
        detail = _meeting_create(record, data)
        return {}, {f"meeting.{f}": getattr(detail, f) for f in MEETING_FIELDS}
    before = {f"meeting.{f}": getattr(detail, f) for f in MEETING_FIELDS}
    for name in ("host", "recorder", "minutes"):
        setattr(detail, name, data[name])
    if data["expected_count"] is not None:
        detail.expected_count = data["expected_count"]
    # With attendance registered, 实到 is derived from it; otherwise the typed number stands.
    if data["actual_count"] is not None and not detail.attendances.exists():
        detail.actual_count = data["actual_count"]
    detail.save()
    return before, {f"meeting.{f}": getattr(detail, f) for f in MEETING_FIELDS}


@transaction.atomic
def record_delete(*, actor, record: ActivityRecord) -> ActivityRecord:
    """Soft delete: the record disappears from lists and counts but stays in the database, audited."""
    record = _lock(record)
    _require_edit(actor, record)
    record.is_deleted = True
    record.deleted_by = actor
    record.deleted_at = timezone.now()
    record.save(update_fields=["is_deleted", "deleted_by", "deleted_at", "updated_at"])
    _tally_has_records(record, -1)
    _tally_month(record, record.occurred_on, -1)
    audit_status(actor, "record.delete", record, False, field="is_deleted")
    return record


# --- checking (检查) -------------------------------------------------------------------------------


def _check_transition(actor, record: ActivityRecord, action: str, *, comment: str = "") -> ActivityRecord:
    """The only place a record's check_status changes: the table row, compare-and-set, one audit entry.

    The caller holds the row lock (`_lock`) and has checked who may act.
    """
    t = CHECK_TRANSITIONS.get((record.check_status, action))
    if t is None:
        raise StateError(
            _("该记实当前为“%(s)s”，不能%(a)s")
            % {"s": CheckStatus(record.check_status).label, "a": CheckAction(action).label}
        )
    comment = _text(comment, "comment", _("检查意见"), required=t.needs_comment, limit=2000)
    before = record.check_status
    now = timezone.now()
    fields: dict = {"check_status": t.target}
    if CHECKER in t.parties:
        fields.update(checked_by=actor, checked_at=now, check_comment=comment)
    else:
        fields.update(checked_by=None, checked_at=None)
    refusal = _("该记实的检查状态已被他人改变，请刷新后重试")
    compare_and_set(ActivityRecord, record, before, fields, refusal, field="check_status")
    audit_status(
        actor,
        f"record.check.{action}",
        record,
        before,
        field="check_status",
        also={"check_comment": record.check_comment},
    )
    return record


def _uncheck_on_edit(actor, record: ActivityRecord) -> None:
    """Editing a checked (or returned) record puts it back in the checker's queue."""
    if (record.check_status, CheckAction.EDIT) in CHECK_TRANSITIONS:
        _check_transition(actor, record, CheckAction.EDIT)


@transaction.atomic
def record_check(*, actor, record: ActivityRecord, action: str, comment: str = "") -> ActivityRecord:
    """检查: the checking organisation marks a record checked, or returns it with a comment (required)."""
    if action not in (CheckAction.CHECK, CheckAction.RETURN):
        raise ValidationError(_("未知操作：%(a)s") % {"a": action}, field="action")
    record = _lock(record)
    if record.is_deleted:
        raise StateError(_("该记实已删除"))
    if not can_check_record(actor, record):
        raise PermissionDeniedError(_("组织记实由上级党组织检查，个人记实由所在党支部检查；您无权检查该记实"))
    return _check_transition(actor, record, action, comment=comment)


# --- photos --------------------------------------------------------------------------------------


def photo_check(file) -> tuple[str, str]:
    """(extension, content type) of an acceptable photo, else ValidationError; pages check all files first."""
    checked = check_upload(
        file, allowed=IMAGES, max_bytes=MAX_PHOTO_BYTES, field="photos", images_by_content=True
    )
    return checked.ext, checked.content_type


@transaction.atomic
def photo_add(*, actor, record: ActivityRecord, file, caption: str = "") -> RecordPhoto:
    """Attach a photo; the file's first bytes must be JPEG, PNG or WebP (the extension alone is not trusted)."""
    record = _lock(record)
    _require_edit(actor, record)
    ext, content_type = photo_check(file)
    if record.photos.count() >= MAX_PHOTOS_PER_RECORD:
        raise ValidationError(_("每条记实最多 %(n)d 张照片") % {"n": MAX_PHOTOS_PER_RECORD}, field="photos")
    photo = RecordPhoto(
        record=record,
        content_type=content_type,
        size=file.size,
        caption=_text(caption, "caption", _("照片说明"), limit=200),
        uploaded_by=actor,
    )
    photo.image.save(f"photo.{ext}", file, save=False)
    stored = photo.image.name
    try:
        photo.save()
        audit_log(
            actor=actor,
            action="record.photo_add",
            obj=record,
            extra={"photo": photo.pk, "size": photo.size, "type": content_type},
        )
        _uncheck_on_edit(actor, record)
    except Exception:
        photo.image.storage.delete(stored)
        raise
    return photo


@transaction.atomic
def photo_delete(*, actor, photo: RecordPhoto) -> None:
    record = _lock(photo.record)
    _require_edit(actor, record)
    stored, storage, pk = photo.image.name, photo.image.storage, photo.pk
    photo.delete()
    audit_log(actor=actor, action="record.photo_delete", obj=record, extra={"photo": pk})
    _uncheck_on_edit(actor, record)
    # The file goes only once the row is gone for good.
    transaction.on_commit(lambda: storage.delete(stored))


# --- meetings: QR sign-in and attendance ----------------------------------------------------------


def _require_meeting_manager(actor, record: ActivityRecord) -> MeetingDetail:
    if record.is_deleted:
        raise StateError(_("该记实已删除"))
    if not record.is_meeting or record.member_id is not None:
        raise StateError(_("只有会议类记实才有签到和出勤登记"))
    if not can_manage_meeting(actor, record):
        raise PermissionDeniedError(_("只有本组织书记可以管理会议签到和出勤"))
    detail = MeetingDetail.objects.select_for_update(of=("self",)).filter(record=record).first()
    if detail is None:
        detail = _meeting_create(record, _clean_meeting(None))
    return detail


@transaction.atomic
def sign_in_open(*, actor, record: ActivityRecord, minutes: int = DEFAULT_SIGN_IN_MINUTES) -> MeetingDetail:
    """Open QR sign-in for `minutes` (1 min – 24 h); the meeting page then shows the QR code."""
    detail = _require_meeting_manager(actor, record)
    records_campaign_for(record.organisation)
    if not 1 <= minutes <= 24 * 60:
        raise ValidationError(_("签到时长必须在 1 分钟到 24 小时之间"), field="minutes")
    detail.sign_in_open = True
    detail.sign_in_closes_at = timezone.now() + timedelta(minutes=minutes)
    detail.save(update_fields=["sign_in_open", "sign_in_closes_at"])
    audit_log(
        actor=actor,
        action="meeting.sign_in_open",
        obj=record,
        after={"sign_in_open": True, "sign_in_closes_at": detail.sign_in_closes_at},
    )
    return detail


@transaction.atomic
def sign_in_close(*, actor, record: ActivityRecord) -> MeetingDetail:
    detail = _require_meeting_manager(actor, record)
    detail.sign_in_open = False
    detail.sign_in_closes_at = min(detail.sign_in_closes_at or timezone.now(), timezone.now())
    detail.save(update_fields=["sign_in_open", "sign_in_closes_at"])
    audit_log(actor=actor, action="meeting.sign_in_close", obj=record, after={"sign_in_open": False})
    return detail


def _refresh_actual_count(detail: MeetingDetail) -> None:
    counts = detail.attendances.aggregate(present=Count("id", filter=Q(status=AttendanceStatus.PRESENT)))
    MeetingDetail.objects.filter(pk=detail.pk).update(actual_count=counts["present"])
    detail.actual_count = counts["present"]


def _save_attendance(attendance: Attendance, detail: MeetingDetail, *, by) -> None:
    """Save one member's attendance as changed ``by`` someone; the meeting's present count follows."""
    attendance.updated_by = by
    attendance.save()
    _refresh_actual_count(detail)


def sign_in_by_token(*, user, token: str) -> tuple[Attendance, bool]:
    """A member scans the meeting's QR code: recorded as 出席 (method qr) once. Returns (attendance, created).

    `created` is False when the member had already signed in (the page says "您已签到"). Refused when the
    token is unknown (404), sign-in is closed (409) or the user is not a member of the meeting's
    organisation or its subtree (403).
    """
    detail = (
        MeetingDetail.objects.select_related("record", "record__organisation")
        .filter(sign_in_token=token or "-", record__is_deleted=False)
        .first()
    )
    if detail is None:
        raise NotFoundError(_("签到码无效或会议已删除"))
    record = detail.record
    if not detail.sign_in_is_open():
        raise StateError(_("“%(t)s”的签到已关闭") % {"t": record.title})
    member = member_for_user(user)
    if member is None or not member.is_active or not member.organisation.is_within(record.organisation):
        raise PermissionDeniedError(
            _("您不是“%(org)s”的党员，不能参加本次会议签到") % {"org": record.organisation.name}
        )
    try:
        with transaction.atomic():
            attendance = (
                Attendance.objects.select_for_update(of=("self",))
                .filter(meeting=detail, member=member)
                .first()
            )
            if attendance is not None and attendance.status == AttendanceStatus.PRESENT:
                return attendance, False
            created = attendance is None
            if attendance is None:
                attendance = Attendance(meeting=detail, member=member)
            attendance.status = AttendanceStatus.PRESENT
            attendance.reason_kind = ""
            attendance.reason = ""
            attendance.method = SignInMethod.QR
            attendance.signed_in_at = timezone.now()
            _save_attendance(attendance, detail, by=user)
            audit_log(
                actor=user,
                action="meeting.sign_in",
                obj=record,
                extra={"member": member.pk, "method": SignInMethod.QR},
            )
    except IntegrityError:
        # A second scan raced the first: the unique constraint kept one row; report it as already signed in.
        return Attendance.objects.get(meeting=detail, member=member), False
    return attendance, created


@transaction.atomic
def attendance_mark(
    *,
    actor,
    record: ActivityRecord,
    member: Member,
    status: str,
    reason_kind: str = "",
    reason: str = "",
) -> Attendance:
    """The secretary registers one member's attendance by hand: 出席, or 请假/缺席 with a reason."""
    detail = _require_meeting_manager(actor, record)
    records_campaign_for(record.organisation)
    if not member.organisation.is_within(record.organisation):
        raise ValidationError(
            _("%(m)s不是“%(org)s”的党员") % {"m": member.name, "org": record.organisation.name},
            field="member",
        )
    if status not in AttendanceStatus.values:
        raise ValidationError(_("出勤状态无效：%(v)s") % {"v": status}, field="status")
    reason = _text(reason, "reason", _("说明"), limit=200)
    if status == AttendanceStatus.PRESENT:
        reason_kind, reason = "", ""
    else:
        if reason_kind and reason_kind not in AbsenceReason.values:
            raise ValidationError(_("缺席原因无效：%(v)s") % {"v": reason_kind}, field="reason_kind")
        if status == AttendanceStatus.LEAVE and not reason_kind:
            raise ValidationError(_("请假须选择原因（请假、因公或其他）"), field="reason_kind")
        if reason_kind == AbsenceReason.OTHER and not reason:
            raise ValidationError(_("原因为“其他”时请填写说明"), field="reason")
    attendance = (
        Attendance.objects.select_for_update(of=("self",)).filter(meeting=detail, member=member).first()
    )
    before = snapshot(attendance, ATTENDANCE_FIELDS) if attendance else {}
    if attendance is None:
        attendance = Attendance(meeting=detail, member=member)
    if status == AttendanceStatus.PRESENT and attendance.status != AttendanceStatus.PRESENT:
        attendance.signed_in_at = timezone.now()
        attendance.method = SignInMethod.MANUAL
    elif status != AttendanceStatus.PRESENT:
        attendance.signed_in_at = None
        attendance.method = SignInMethod.MANUAL
    attendance.status = status
    attendance.reason_kind = reason_kind
    attendance.reason = reason
    _save_attendance(attendance, detail, by=actor)
    audit_log(
        actor=actor,
        action="meeting.attendance",
        obj=record,
        before=before,
        after=snapshot(attendance, ATTENDANCE_FIELDS),
        extra={"member": member.pk},
    )
    return attendance


@transaction.atomic
def attendance_mark_all_present(*, actor, record: ActivityRecord) -> int:
    """出勤登记 in one step: every member on the roster with no attendance yet is marked 出席; whoever
    is already marked (scanned in, or on leave / absent with a reason) is left as it is, so the
    secretary marks everyone present, then the exceptions with their reasons. Returns how many."""
    from .selectors import meeting_roster

    detail = _require_meeting_manager(actor, record)
    records_campaign_for(record.organisation)
    now = timezone.now()
    unmarked = [m for m, a in meeting_roster(record) if a is None and m.is_active]
    Attendance.objects.bulk_create(
        [
            Attendance(
                meeting=detail,
                member=m,
                status=AttendanceStatus.PRESENT,
                signed_in_at=now,
                method=SignInMethod.MANUAL,
                updated_by=actor,
            )
            for m in unmarked
        ],
        ignore_conflicts=True,  # a member scanning in at this moment keeps their own row
    )
    _refresh_actual_count(detail)
    audit_log(
        actor=actor,
        action="meeting.attendance_all",
        obj=record,
        extra={"members": [m.pk for m in unmarked], "status": AttendanceStatus.PRESENT},
    )
    return len(unmarked)
