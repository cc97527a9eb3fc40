"""Choices for commendation (评选表彰) and the two transition tables: a programme's phases and a nomination's
way from the nominating organisation, level by level, through 公示 to the 表彰决定."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProgrammeStatus(models.TextChoices):
    DRAFT = "draft", _("筹备中")
    NOMINATING = "nominating", _("推荐评选中")
    NOTICE = "notice", _("公示中")
    DECIDED = "decided", _("已表彰")


class ProgrammeAction(models.TextChoices):
    OPEN = "open", _("开始推荐")
    START_NOTICE = "start_notice", _("发布公示")
    DECIDE = "decide", _("发布表彰决定")


PROGRAMME_TRANSITIONS: dict[tuple[str, str], str] = {
    (ProgrammeStatus.DRAFT, ProgrammeAction.OPEN): ProgrammeStatus.NOMINATING,
    (ProgrammeStatus.NOMINATING, ProgrammeAction.START_NOTICE): ProgrammeStatus.NOTICE,
    (ProgrammeStatus.NOTICE, ProgrammeAction.DECIDE): ProgrammeStatus.DECIDED,
    # A supplementary decision (补充表彰决定) for nominees cleared after the first one.
    (ProgrammeStatus.DECIDED, ProgrammeAction.DECIDE): ProgrammeStatus.DECIDED,
}


class Subject(models.TextChoices):
    ORGANISATION = "org", _("集体（党组织）")
    MEMBER = "member", _("个人（党员）")
    # groups: a 群团组织 member (优秀共青团员、三八红旗手…); its Party organisation stands in for scope and places
    MASS_MEMBER = "mass_member", _("个人（群团成员）")


class NominationStatus(models.TextChoices):
    UNDER_REVIEW = "review", _("逐级审核中")
    RETURNED = "returned", _("已退回修改")
    REJECTED = "rejected", _("未通过")
    SHORTLISTED = "shortlisted", _("已确定为拟表彰对象")
    IN_NOTICE = "notice", _("公示中")
    COMMENDED = "commended", _("已表彰")
    REMOVED = "removed", _("已取消")


class NominationAction(models.TextChoices):
    NOMINATE = "nominate", _("推荐")
    APPROVE = "approve", _("审核通过")
    RETURN = "return", _("退回修改")
    REJECT = "reject", _("不予通过")
    RESUBMIT = "resubmit", _("修改后重新报送")
    ANNOUNCE = "announce", _("列入公示")
    COMMEND = "commend", _("表彰")
    REMOVE = "remove", _("取消拟表彰资格")


class Party(models.TextChoices):
    NOMINATOR = "nominator", _("推荐单位")
    REVIEWER = "reviewer", _("审核单位")
    OFFICE = "office", _("评选表彰主办单位")


@dataclass(frozen=True)
class Transition:
    to: str
    party: str
    needs_comment: bool = False


S, A = NominationStatus, NominationAction
# An approval by a reviewer below the office moves the nomination one level up (it stays UNDER_REVIEW);
# the office's approval makes it SHORTLISTED. Both are the APPROVE row; the service picks the level.
TRANSITIONS: dict[tuple[str, str], Transition] = {
    (S.UNDER_REVIEW, A.APPROVE): Transition(S.UNDER_REVIEW, Party.REVIEWER),
    (S.UNDER_REVIEW, A.RETURN): Transition(S.RETURNED, Party.REVIEWER, needs_comment=True),
    (S.UNDER_REVIEW, A.REJECT): Transition(S.REJECTED, Party.REVIEWER, needs_comment=True),
    (S.RETURNED, A.RESUBMIT): Transition(S.UNDER_REVIEW, Party.NOMINATOR),
    (S.SHORTLISTED, A.ANNOUNCE): Transition(S.IN_NOTICE, Party.OFFICE),
    (S.SHORTLISTED, A.REMOVE): Transition(S.REMOVED, Party.OFFICE, needs_comment=True),
    (S.IN_NOTICE, A.COMMEND): Transition(S.COMMENDED, Party.OFFICE),
    (S.IN_NOTICE, A.REMOVE): Transition(S.REMOVED, Party.OFFICE, needs_comment=True),
}

# Nominations that use up a quota (a rejected or removed one gives its place back).
QUOTA_STATES = frozenset({S.UNDER_REVIEW, S.RETURNED, S.SHORTLISTED, S.IN_NOTICE, S.COMMENDED})
# Nominations the public may recommend (群众推荐) while nominations are open.
RECOMMENDABLE_STATES = frozenset({S.UNDER_REVIEW, S.SHORTLISTED})


class Rule(models.TextChoices):
    """Eligibility rule types, fixed in code; their parameters are set per category."""

    NO_OPEN_RECTIFICATION = "no_open_rectification", _("无未完成的整改")
    NO_UPHELD_REPORT = "no_upheld_report", _("本年度无经核查属实的群众举报")
    PARTY_YEARS = "party_years", _("党龄不少于 N 年（个人）")
    ORG_TYPE = "org_type", _("限定组织类别（集体）")
    ASSESSMENT_GRADE = "assessment_grade", _("最近一次公布的考核等次不低于")
    DISTRICT_RANK = "district_rank", _("活动开展情况排名前 N 名（集体）")


DEFAULT_CATEGORIES = (
    (_("先进基层党组织"), Subject.ORGANISATION),
    (_("优秀共产党员"), Subject.MEMBER),
    (_("优秀党务工作者"), Subject.MEMBER),
)

DISTRICT_TOP_MAX = 50  # the most places of the district ranking a category may draw from

NOTICE_DAYS_DEFAULT = 7
NOTICE_DAYS_MAX = 30
DEED_MAX = 3000
SUMMARY_MAX = 200
OBJECTION_MIN = 15
OBJECTION_MAX = 2000
PHOTOS_MAX = 3
PHOTO_MAX_PIXELS = 60_000_000  # refuse decompression bombs before anything decodes them
OBJECTIONS_PER_ADDRESS_PER_DAY = 5
