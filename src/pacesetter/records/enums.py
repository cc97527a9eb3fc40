"""Choices for activity records (记实登记): record kinds, attendance status, absence reasons, sign-in method."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordKind(models.TextChoices):
    BRANCH_ASSEMBLY = "branch_assembly", _("支部党员大会")
    COMMITTEE_MEETING = "committee_meeting", _("支委会")
    GROUP_MEETING = "group_meeting", _("党小组会")
    PARTY_LECTURE = "party_lecture", _("党课")
    THEME_DAY = "theme_day", _("主题党日")
    MOBILISATION = "mobilisation", _("动员会")
    STUDY = "study", _("学习")
    SERVICE = "service", _("为民服务")
    VOLUNTEER = "volunteer", _("志愿服务")
    OTHER = "other", _("其他")


# Kinds that are meetings: they carry host, recorder, attendance, minutes and QR sign-in.
MEETING_KINDS: frozenset[str] = frozenset(
    {
        RecordKind.BRANCH_ASSEMBLY,
        RecordKind.COMMITTEE_MEETING,
        RecordKind.GROUP_MEETING,
        RecordKind.PARTY_LECTURE,
        RecordKind.THEME_DAY,
        RecordKind.MOBILISATION,
    }
)

# What a member may log as a personal record (meetings are the organisation's).
PERSONAL_KINDS: frozenset[str] = frozenset(RecordKind.values) - MEETING_KINDS


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("出席")
    LEAVE = "leave", _("请假")
    ABSENT = "absent", _("缺席")


class AbsenceReason(models.TextChoices):
    LEAVE = "leave", _("请假")
    OFFICIAL = "official", _("因公")
    OTHER = "other", _("其他")


class SignInMethod(models.TextChoices):
    QR = "qr", _("扫码签到")
    MANUAL = "manual", _("书记登记")


class RecordScope(models.TextChoices):
    """List filter: organisation records, members' personal records, or both."""

    ORG = "org", _("组织记实")
    MEMBER = "member", _("个人记实")
