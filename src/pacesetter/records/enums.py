"""Choices for activity records (记实登记): kinds, attendance, absence reasons, sign-in, and the check table."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from pacesetter.core.lifecycle import Transition


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
    # members (#19): personal self-review and study, visible to the branch
    PARTY_ANALYSIS = "party_analysis", _("党性分析")
    STUDY_NOTES = "study_notes", _("学习心得")


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


class CheckStatus(models.TextChoices):
    """Whether the checking organisation has looked at a record (检查): only checked records count."""

    UNCHECKED = "unchecked", _("待检查")
    CHECKED = "checked", _("已检查")
    RETURNED = "returned", _("已退回")


class CheckAction(models.TextChoices):
    CHECK = "check", _("检查通过")
    RETURN = "return", _("退回")
    # Not offered to anyone: record_update and the photo services take it when a checked or returned
    # record is changed, so the checker looks at it again.
    EDIT = "edit", _("修改后重新待检查")


_C, _CA = CheckStatus, CheckAction
# who takes a check step: the checking organisation (rules.can_check_record) or the record's editor
CHECKER, EDITOR = "checker", "editor"
_BY_CHECKER, _BY_EDITOR = frozenset({CHECKER}), frozenset({EDITOR})

# (from, action) → to. records.services._check_transition is the only code that changes check_status.
CHECK_TRANSITIONS: dict[tuple[str, str], Transition] = {
    (_C.UNCHECKED, _CA.CHECK): Transition(_C.CHECKED, _BY_CHECKER),
    (_C.RETURNED, _CA.CHECK): Transition(_C.CHECKED, _BY_CHECKER),
    (_C.UNCHECKED, _CA.RETURN): Transition(_C.RETURNED, _BY_CHECKER, needs_comment=True),
    (_C.CHECKED, _CA.RETURN): Transition(_C.RETURNED, _BY_CHECKER, needs_comment=True),
    (_C.CHECKED, _CA.EDIT): Transition(_C.UNCHECKED, _BY_EDITOR),
    (_C.RETURNED, _CA.EDIT): Transition(_C.UNCHECKED, _BY_EDITOR),
}
