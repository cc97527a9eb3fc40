"""Activity records (记实登记): what an organisation or a member did, meetings with attendance, photos."""

import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pacesetter.core.fields import dated_upload_name, optional_fk, user_fk
from pacesetter.core.models import Timestamped, Uploaded
from pacesetter.orgs.models import Member, Organisation

from .enums import MEETING_KINDS, AbsenceReason, AttendanceStatus, CheckStatus, RecordKind, SignInMethod


class ActivityRecord(Timestamped):
    """One logged activity (记实): an organisation's (member is null) or a member's personal record.

    Records are the evidence later steps (点评, 考核, 评选) use, so deletion is soft and audited.
    """

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("党组织"), on_delete=models.PROTECT, related_name="activity_records"
    )
    member = optional_fk(Member, _("党员"), related_name="activity_records")
    campaign = optional_fk(
        "campaigns.Campaign", _("所属活动"), related_name="activity_records", on_delete=models.SET_NULL
    )
    kind = models.CharField(_("类别"), max_length=20, choices=RecordKind.choices)
    title = models.CharField(_("标题"), max_length=200)
    occurred_on = models.DateField(_("日期"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    participants = models.TextField(_("参加人员"), blank=True)
    content = models.TextField(_("主要内容"), blank=True)
    contribution = models.TextField(_("贡献"), blank=True)
    effect = models.TextField(_("成效"), blank=True)
    logged_by = user_fk()
    is_deleted = models.BooleanField(default=False)
    deleted_by = user_fk(blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # 检查: the parent organisation checks organisation records, the branch checks personal records.
    check_status = models.CharField(
        _("检查"), max_length=10, choices=CheckStatus.choices, default=CheckStatus.UNCHECKED
    )
    check_comment = models.TextField(_("检查意见"), blank=True)
    checked_by = user_fk(blank=True)
    checked_at = models.DateTimeField(_("检查时间"), null=True, blank=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("记实登记")
        verbose_name_plural = _("记实登记")
        indexes = [
            models.Index(fields=["organisation", "is_deleted", "occurred_on"]),
            models.Index(fields=["member", "is_deleted", "occurred_on"]),
            models.Index(fields=["campaign", "is_deleted"]),
            # Covers the dashboard's "has records in this campaign" and records-per-day counts.
            models.Index(
                fields=["organisation", "campaign", "is_deleted", "occurred_on"],
                name="record_org_campaign_idx",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_meeting(self) -> bool:
        return self.kind in MEETING_KINDS

    @property
    def is_personal(self) -> bool:
        return self.member_id is not None

    @property
    def meeting_detail(self) -> "MeetingDetail | None":
        """The meeting part, or None (for templates and exports, which must not raise)."""
        if not self.is_meeting:
            return None
        try:
            return self.meeting
        except MeetingDetail.DoesNotExist:
            return None


def new_sign_in_token() -> str:
    return secrets.token_urlsafe(24)


class MeetingDetail(models.Model):
    """The meeting part of a record: who chaired and minuted it, who came, and the QR sign-in."""

    record = models.OneToOneField(ActivityRecord, on_delete=models.CASCADE, related_name="meeting")
    host = models.CharField(_("主持人"), max_length=50, blank=True)
    recorder = models.CharField(_("记录人"), max_length=50, blank=True)
    expected_count = models.PositiveIntegerField(_("应到人数"), default=0)
    # Typed in by the secretary; once attendance is registered it is the count of 出席 rows instead.
    actual_count = models.PositiveIntegerField(_("实到人数"), default=0)
    minutes = models.TextField(_("会议记录"), blank=True)
    sign_in_token = models.CharField(max_length=64, unique=True, default=new_sign_in_token, editable=False)
    sign_in_open = models.BooleanField(_("签到开放"), default=False)
    sign_in_closes_at = models.DateTimeField(_("签到截止"), null=True, blank=True)

    class Meta:
        verbose_name = _("会议信息")

    def __str__(self):
        return str(self.record)

    def sign_in_is_open(self, at=None) -> bool:
        at = at or timezone.now()
        return self.sign_in_open and (self.sign_in_closes_at is None or at < self.sign_in_closes_at)


class Attendance(models.Model):
    """One member's attendance at a meeting: 出席 (by QR scan or marked), 请假 or 缺席 with a reason."""

    meeting = models.ForeignKey(MeetingDetail, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="attendances")
    status = models.CharField(_("出勤"), max_length=10, choices=AttendanceStatus.choices)
    reason_kind = models.CharField(_("缺席原因"), max_length=10, choices=AbsenceReason.choices, blank=True)
    reason = models.CharField(_("说明"), max_length=200, blank=True)
    signed_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    method = models.CharField(_("登记方式"), max_length=10, choices=SignInMethod.choices)
    updated_by = user_fk(blank=True)

    class Meta:
        ordering = ["meeting", "member__name", "id"]
        verbose_name = _("出勤")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="uniq_attendance_per_meeting")
        ]

    def __str__(self):
        return f"{self.member} · {self.get_status_display()}"


def photo_upload_to(instance: "RecordPhoto", filename: str) -> str:
    return dated_upload_name("records", filename)


class RecordPhoto(Uploaded):
    """A photo attached to a record; served only through the access-checked `records:photo` view."""

    record = models.ForeignKey(ActivityRecord, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("照片"), upload_to=photo_upload_to, max_length=255)
    content_type = models.CharField(max_length=30)
    size = models.PositiveIntegerField(default=0)
    caption = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["record", "id"]
        verbose_name = _("照片")

    def __str__(self):
        return self.caption or self.image.name
