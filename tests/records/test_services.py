"""Record services: who may log what, the 记实登记 window, photos, soft delete, QR sign-in, attendance."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from pacesetter.campaigns.enums import CampaignStatus, StepKind
from pacesetter.campaigns.models import Campaign, Stage, Step
from pacesetter.core.errors import NotFoundError, PermissionDeniedError, StateError, ValidationError
from pacesetter.core.models import AuditEntry
from pacesetter.records import services
from pacesetter.records.models import ActivityRecord, Attendance, RecordPhoto
from pacesetter.records.selectors import record_get_for, record_list_for

from .conftest import YESTERDAY, png_upload, record_fields


def test_member_logs_own_personal_record(city, personal_record):
    r = personal_record
    assert (r.organisation, r.member, r.logged_by, r.campaign) == (
        city.school,
        city.teacher,
        city.member_user,
        None,
    )
    assert r.kind == "service" and r.title == "社区义务辅导"
    entry = AuditEntry.objects.get(action="record.create", object_id=str(r.pk))
    assert entry.actor == city.member_user and entry.scope_path == city.school.path
    assert record_get_for(city.member_user, r.pk) == r


def test_member_cannot_log_for_another_member_or_for_the_organisation(city, colleague):
    with pytest.raises(PermissionDeniedError):
        services.record_create(actor=city.member_user, member=colleague, **record_fields())
    with pytest.raises(PermissionDeniedError):
        services.record_create(actor=city.member_user, organisation=city.school, **record_fields())
    assert ActivityRecord.objects.count() == 0


def test_member_cannot_log_a_meeting_as_personal_record(city):
    with pytest.raises(ValidationError) as exc:
        services.record_create(actor=city.member_user, member=city.teacher, **record_fields(kind="theme_day"))
    assert exc.value.field == "kind"


def test_member_cannot_see_another_members_personal_record(city, colleague, personal_record):
    assert list(record_list_for(colleague.user)) == []
    with pytest.raises(NotFoundError):
        record_get_for(colleague.user, personal_record.pk)


def test_secretary_logs_org_record_in_scope_not_in_other_subtree(city):
    r = services.record_create(actor=city.secretary, organisation=city.school, **record_fields(kind="study"))
    assert r.member is None and r.organisation == city.school
    with pytest.raises(PermissionDeniedError) as exc:
        services.record_create(actor=city.secretary, organisation=city.village, **record_fields())
    assert "八一村党支部" in str(exc.value.message)
    assert ActivityRecord.objects.count() == 1


def test_secretary_sees_personal_records_in_subtree_town_secretary_does_not(city, personal_record):
    assert list(record_list_for(city.secretary)) == [personal_record]
    assert list(record_list_for(city.office)) == [personal_record]
    assert list(record_list_for(city.town_secretary)) == []
    assert list(record_list_for(city.outsider)) == []


def test_leader_reads_but_cannot_write(city, personal_record):
    assert list(record_list_for(city.leader)) == [personal_record]
    with pytest.raises(PermissionDeniedError):
        services.record_create(actor=city.leader, organisation=city.school, **record_fields())
    with pytest.raises(PermissionDeniedError):
        services.record_update(actor=city.leader, record=personal_record, title="改")
    with pytest.raises(PermissionDeniedError):
        services.record_delete(actor=city.leader, record=personal_record)


def test_validation_messages(city):
    with pytest.raises(ValidationError) as exc:
        services.record_create(actor=city.member_user, member=city.teacher, **record_fields(title="  "))
    assert exc.value.field == "title"
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        services.record_create(
            actor=city.member_user, member=city.teacher, **record_fields(occurred_on=tomorrow)
        )
    assert exc.value.field == "occurred_on" and "晚于今天" in str(exc.value.message)


def _campaign(city, opens, closes, capabilities=("records",)):
    campaign = Campaign.objects.create(
        name="创先争优活动",
        organisation=city.city,
        starts_on=datetime.date(2010, 4, 1),
        ends_on=datetime.date(2030, 7, 1),
        status=CampaignStatus.ACTIVE,
    )
    stage = Stage.objects.create(
        campaign=campaign, name="第一阶段", starts_on=campaign.starts_on, ends_on=campaign.ends_on
    )
    Step.objects.create(
        campaign=campaign,
        stage=stage,
        kind=StepKind.STRIVE,
        capabilities=list(capabilities),
        opens_at=opens,
        closes_at=closes,
    )
    return campaign


def test_window_closed_refuses_with_message_and_stores_nothing(city):
    now = timezone.now()
    _campaign(city, now - datetime.timedelta(days=30), now - datetime.timedelta(days=1))
    with pytest.raises(StateError) as exc:
        services.record_create(actor=city.member_user, member=city.teacher, **record_fields())
    assert "记实登记" in str(exc.value.message) and "已于" in str(exc.value.message)
    assert exc.value.status == 409
    assert ActivityRecord.objects.count() == 0


def test_window_not_yet_open_says_when_it_opens(city):
    now = timezone.now()
    opens = now + datetime.timedelta(days=3)
    _campaign(city, opens, now + datetime.timedelta(days=30))
    with pytest.raises(StateError) as exc:
        services.record_create(actor=city.secretary, organisation=city.school, **record_fields())
    assert "将于" in str(exc.value.message)
    assert timezone.localtime(opens).strftime("%Y-%m-%d") in str(exc.value.message)


def test_window_open_attributes_record_to_campaign(city):
    now = timezone.now()
    campaign = _campaign(city, now - datetime.timedelta(days=1), now + datetime.timedelta(days=1))
    r = services.record_create(actor=city.member_user, member=city.teacher, **record_fields())
    assert r.campaign == campaign


def test_campaign_without_records_step_allows_logging(city):
    now = timezone.now()
    campaign = _campaign(
        city, now - datetime.timedelta(days=30), now - datetime.timedelta(days=1), ("plans",)
    )
    r = services.record_create(actor=city.member_user, member=city.teacher, **record_fields())
    assert r.campaign == campaign


def test_text_file_renamed_jpg_is_rejected(city, personal_record):
    fake = SimpleUploadedFile("photo.jpg", b"just some text, not an image\n" * 10, content_type="image/jpeg")
    with pytest.raises(ValidationError) as exc:
        services.photo_add(actor=city.member_user, record=personal_record, file=fake)
    assert str(exc.value.message) == "“photo.jpg”的内容与扩展名 .jpg 不符，请上传原始文件"
    assert RecordPhoto.objects.count() == 0


def test_photo_extension_and_size_checked(city, personal_record):
    with pytest.raises(ValidationError):
        services.photo_add(actor=city.member_user, record=personal_record, file=png_upload("photo.gif"))
    big = SimpleUploadedFile(
        "big.png", b"\x89PNG\r\n\x1a\n" + b"\0" * (8 * 1024 * 1024), content_type="image/png"
    )
    with pytest.raises(ValidationError) as exc:
        services.photo_add(actor=city.member_user, record=personal_record, file=big)
    assert "8 MB" in str(exc.value.message)


def test_png_photo_stored_under_records_with_random_name(city, personal_record, media_root):
    photo = services.photo_add(
        actor=city.member_user, record=personal_record, file=png_upload("我的照片.png")
    )
    assert photo.content_type == "image/png" and photo.image.name.startswith("records/")
    assert photo.image.name.endswith(".png") and "我的照片" not in photo.image.name
    assert (media_root / photo.image.name).read_bytes()[:4] == b"\x89PNG"
    assert AuditEntry.objects.filter(action="record.photo_add").count() == 1


def test_photo_delete_removes_row_then_file_on_commit(
    city, personal_record, media_root, django_capture_on_commit_callbacks
):
    photo = services.photo_add(actor=city.member_user, record=personal_record, file=png_upload())
    path = media_root / photo.image.name
    with pytest.raises(PermissionDeniedError):
        services.photo_delete(actor=city.leader, photo=photo)
    with django_capture_on_commit_callbacks(execute=True):
        services.photo_delete(actor=city.member_user, photo=photo)
    assert RecordPhoto.objects.count() == 0
    assert not path.exists()
    assert AuditEntry.objects.filter(action="record.photo_delete").count() == 1


def test_soft_delete_is_audited_and_hidden(city, personal_record):
    services.record_delete(actor=city.member_user, record=personal_record)
    personal_record.refresh_from_db()
    assert personal_record.is_deleted and personal_record.deleted_by == city.member_user
    assert personal_record.deleted_at is not None
    entry = AuditEntry.objects.get(action="record.delete")
    assert entry.changes["is_deleted"] == [False, True]
    assert list(record_list_for(city.office)) == []
    with pytest.raises(NotFoundError):
        record_get_for(city.member_user, personal_record.pk)
    with pytest.raises(StateError):
        services.record_update(actor=city.member_user, record=personal_record, title="x")


def test_update_changes_fields_and_audits_diff(city, meeting_record):
    services.record_update(
        actor=city.secretary,
        record=meeting_record,
        title="四月支部党员大会（补记）",
        meeting={
            "host": "王书记",
            "recorder": "李老师",
            "minutes": "补充",
            "expected_count": 9,
            "actual_count": 7,
        },
    )
    meeting_record.refresh_from_db()
    assert meeting_record.title == "四月支部党员大会（补记）"
    assert (
        meeting_record.meeting.host,
        meeting_record.meeting.expected_count,
        meeting_record.meeting.actual_count,
    ) == (
        "王书记",
        9,
        7,
    )
    changes = AuditEntry.objects.get(action="record.update").changes
    assert changes["title"] == ["四月支部党员大会", "四月支部党员大会（补记）"]
    assert changes["meeting.host"] == ["张书记", "王书记"]


def test_meeting_expected_count_defaults_to_active_members(city, meeting_record):
    assert meeting_record.meeting.expected_count == 1  # 林老师
    assert meeting_record.meeting.actual_count == 0
    assert len(meeting_record.meeting.sign_in_token) >= 30


def test_sign_in_first_scan_then_already(city, meeting_record):
    services.sign_in_open(actor=city.secretary, record=meeting_record)
    token = meeting_record.meeting.sign_in_token
    a, created = services.sign_in_by_token(user=city.member_user, token=token)
    assert created and (a.member, a.status, a.method) == (city.teacher, "present", "qr")
    assert a.signed_in_at is not None
    a2, created2 = services.sign_in_by_token(user=city.member_user, token=token)
    assert not created2 and a2.pk == a.pk
    assert Attendance.objects.count() == 1
    meeting_record.meeting.refresh_from_db()
    assert meeting_record.meeting.actual_count == 1
    assert AuditEntry.objects.filter(action="meeting.sign_in").count() == 1


def test_sign_in_refuses_outsider_closed_and_unknown(city, meeting_record, villager):
    token = meeting_record.meeting.sign_in_token
    with pytest.raises(StateError) as exc:
        services.sign_in_by_token(user=city.member_user, token=token)
    assert "签到已关闭" in str(exc.value.message)
    services.sign_in_open(actor=city.secretary, record=meeting_record)
    with pytest.raises(PermissionDeniedError) as exc:
        services.sign_in_by_token(user=villager.user, token=token)
    assert "不是“城厢区实验小学党支部”的党员" in str(exc.value.message)
    with pytest.raises(PermissionDeniedError):
        services.sign_in_by_token(user=city.secretary, token=token)  # an account without a member entry
    with pytest.raises(NotFoundError):
        services.sign_in_by_token(user=city.member_user, token="not-a-token")
    services.sign_in_close(actor=city.secretary, record=meeting_record)
    with pytest.raises(StateError):
        services.sign_in_by_token(user=city.member_user, token=token)
    assert Attendance.objects.count() == 0


def test_sign_in_expires_at_close_time(city, meeting_record):
    detail = services.sign_in_open(actor=city.secretary, record=meeting_record, minutes=30)
    assert detail.sign_in_is_open()
    assert not detail.sign_in_is_open(at=timezone.now() + datetime.timedelta(minutes=31))


def test_only_the_secretary_manages_sign_in(city, meeting_record):
    for user in (city.member_user, city.leader, city.town_secretary):
        with pytest.raises(PermissionDeniedError):
            services.sign_in_open(actor=user, record=meeting_record)
    with pytest.raises(StateError):
        services.sign_in_open(
            actor=city.member_user,
            record=services.record_create(actor=city.member_user, member=city.teacher, **record_fields()),
        )


def test_attendance_unique_per_meeting_and_member(city, meeting_record):
    Attendance.objects.create(
        meeting=meeting_record.meeting, member=city.teacher, status="present", method="qr"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(
            meeting=meeting_record.meeting, member=city.teacher, status="leave", method="manual"
        )


def test_manual_attendance_with_absence_reason_derives_actual_count(city, meeting_record, colleague):
    with pytest.raises(ValidationError) as exc:
        services.attendance_mark(
            actor=city.secretary, record=meeting_record, member=colleague, status="leave"
        )
    assert exc.value.field == "reason_kind"
    with pytest.raises(ValidationError):
        services.attendance_mark(
            actor=city.secretary,
            record=meeting_record,
            member=colleague,
            status="absent",
            reason_kind="other",
        )
    a = services.attendance_mark(
        actor=city.secretary,
        record=meeting_record,
        member=colleague,
        status="leave",
        reason_kind="official",
        reason="外出培训",
    )
    assert (a.status, a.reason_kind, a.reason, a.method, a.signed_in_at) == (
        "leave",
        "official",
        "外出培训",
        "manual",
        None,
    )
    services.attendance_mark(
        actor=city.secretary, record=meeting_record, member=city.teacher, status="present"
    )
    meeting_record.meeting.refresh_from_db()
    assert meeting_record.meeting.actual_count == 1
    # A member marked absent who then scans is switched to present.
    services.sign_in_open(actor=city.secretary, record=meeting_record)
    a, created = services.sign_in_by_token(user=colleague.user, token=meeting_record.meeting.sign_in_token)
    assert not created and (a.status, a.method, a.reason_kind) == ("present", "qr", "")
    meeting_record.meeting.refresh_from_db()
    assert meeting_record.meeting.actual_count == 2


def test_attendance_refuses_member_outside_the_organisation(city, meeting_record):
    with pytest.raises(ValidationError):
        services.attendance_mark(
            actor=city.secretary, record=meeting_record, member=city.farmer, status="present"
        )


def test_attended_meeting_appears_in_members_own_records(city, meeting_record, colleague):
    from pacesetter.records.selectors import my_record_list_for

    assert list(my_record_list_for(colleague.user)) == []
    services.attendance_mark(actor=city.secretary, record=meeting_record, member=colleague, status="present")
    assert list(my_record_list_for(colleague.user)) == [meeting_record]
    assert record_get_for(colleague.user, meeting_record.pk) == meeting_record
    assert meeting_record.occurred_on == YESTERDAY
