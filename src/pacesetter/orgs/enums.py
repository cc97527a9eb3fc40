"""Choices for organisations, people and roles; the capability table every page and endpoint checks."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgType(models.TextChoices):
    COMMITTEE = "committee", _("党委")
    GENERAL_BRANCH = "general_branch", _("党总支")
    BRANCH = "branch", _("党支部")


class Sector(models.TextChoices):
    AGENCY = "agency", _("机关")
    SCHOOL = "school", _("学校")
    HOSPITAL = "hospital", _("医院")
    COMMUNITY = "community", _("社区")
    VILLAGE = "village", _("村(居)")
    SOE = "soe", _("国有企业")
    PRIVATE = "private", _("非公企业")
    SOCIAL = "social", _("社会组织")
    RETIRED = "retired", _("离退休")


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class MemberStatus(models.TextChoices):
    """区别在职和无职党员 (loop): the member's situation, for requirements per status when committing."""

    ON_DUTY = "on_duty", _("在职")
    NO_POST = "no_post", _("无职")
    MOBILE = "mobile", _("流动")
    ELDERLY = "elderly", _("年老体弱")


# The import template's spellings of a member status.
MEMBER_STATUS_ALIASES = {
    **{str(label): value for value, label in MemberStatus.choices},
    "在职党员": MemberStatus.ON_DUTY,
    "无职党员": MemberStatus.NO_POST,
    "流动党员": MemberStatus.MOBILE,
    "年老体弱党员": MemberStatus.ELDERLY,
}


class Role(models.TextChoices):
    OFFICE = "office", _("活动办公室")
    SECRETARY = "secretary", _("党组织书记")
    LEADER = "leader", _("联系领导")
    INSPECTOR = "inspector", _("督查人员")
    MEMBER = "member", _("党员")
    # publicity: an editor publishes to the public site and accepts information sent up (宣传编辑)
    EDITOR = "editor", _("宣传编辑")
    # sector guidance (条块结合): a sector line across the subtree, granted by the office only
    GUIDE = "sector_guide", _("行业指导")


class Cap(models.TextChoices):
    """What a role may do inside the subtree it is granted on."""

    ORG_VIEW = "org.view", _("查看组织")
    ORG_MANAGE = "org.manage", _("管理组织")
    PERSON_VIEW = "person.view", _("查看党员")
    PERSON_MANAGE = "person.manage", _("管理党员")
    PERSON_PII = "person.pii", _("查看完整身份证号和电话")
    ROLE_MANAGE = "role.manage", _("授予角色")
    IMPORT_RUN = "import.run", _("导入导出")
    AUDIT_VIEW = "audit.view", _("查看审计日志")
    CAMPAIGN_VIEW = "campaign.view", _("查看活动安排")
    CAMPAIGN_MANAGE = "campaign.manage", _("部署活动（阶段、步骤、标准）")
    PLAN_WRITE = "plan.write", _("制定主题和实施方案")
    PLAN_REVIEW = "plan.review", _("审核下级实施方案")
    RECORD_LOG = "record.log", _("记实登记")
    RECORD_VIEW = "record.view", _("查看记实登记")
    PROGRESS_VIEW = "progress.view", _("查看活动进度")
    COMMITMENT_WRITE = "commitment.write", _("设岗承诺、践诺述诺")
    COMMITMENT_REVIEW = "commitment.review", _("审核承诺、管理评诺留言")
    REVIEW_WRITE = "review.write", _("领导点评联系点")
    SUPERVISION_RESPOND = "supervision.respond", _("答复点评、落实整改")
    SUPERVISION_MANAGE = "supervision.manage", _("督促检查、整改督办")
    CASE_HANDLE = "case.handle", _("办理群众举报和意见建议")
    CASE_TRIAGE = "case.triage", _("分办群众举报、调整类别、责任追究")
    # evaluations (群众评议), named for what they allow; held by whoever held plan.write / progress.view for them
    EVALUATION_MANAGE = "evaluation.manage", _("组织群众评议（设置评议、评议码、纸质录入）")
    EVALUATION_VIEW = "evaluation.view", _("查看群众评议及其结果")
    EVALUATION_RECTIFY = "evaluation.rectify", _("报送群众评议整改措施")
    # complaints (reports branch): read cases in scope — handlers, and inspectors read-only
    CASE_VIEW = "case.view", _("查看群众反映件")
    # points (积分)
    POINTS_MANAGE = "points.manage", _("设定积分年度和积分规则")
    POINTS_AWARD = "points.award", _("手工加减分、审核党员积分申报")
    # publicity: drafting (secretaries) and publishing (the office, an editor)
    PUBLICITY_DRAFT = "publicity.draft", _("撰写报送信息和宣传稿件")
    PUBLICITY_PUBLISH = "publicity.publish", _("采用信息、审核发布宣传稿件")
    # honours (评选表彰)
    HONOURS_MANAGE = "honours.manage", _("组织评选表彰（类别、名额、公示、表彰决定）")
    HONOURS_NOMINATE = "honours.nominate", _("推荐和逐级审核评选对象")
    # assessment (组织考核) and records checking
    RECORD_CHECK = "record.check", _("检查下级记实登记")
    ASSESSMENT_VIEW = "assessment.view", _("查看考核结果")
    ASSESSMENT_MANAGE = "assessment.manage", _("制定考核方案、计算和公布考核结果")
    ASSESSMENT_ADJUST = "assessment.adjust", _("考核下级：加减分、调整等次")
    # groups (issue #19 parts 4–5): 群团组织 and 意见建议 of evaluations
    GROUPS_MANAGE = "groups.manage", _("管理群团组织及其成员")
    EVALUATION_SUGGESTIONS = "evaluation.suggestions", _("审阅和发布评议中的意见建议")
    # members (#19: member reviews, 集中点评, mentoring, contact households, reminders)
    MEMBER_REVIEW = "member.review", _("点评党员、召开集中点评会")
    MENTORING_MANAGE = "mentoring.manage", _("结对帮带和党员联系户")
    REMINDER_SEND = "reminder.send", _("提醒未参与的党员")
    # sector guidance (条块结合, #18): the guiding body reviews an organisation on its line (行业指导点评)
    GUIDANCE_REVIEW = "guidance.review", _("行业指导点评")


ROLE_CAPS: dict[str, frozenset[str]] = {
    # Every capability but the guiding body's own review: the office publishes reviews, it does not guide.
    Role.OFFICE: frozenset(Cap.values) - {Cap.GUIDANCE_REVIEW},
    Role.SECRETARY: frozenset(
        {
            Cap.ORG_VIEW,
            Cap.PERSON_VIEW,
            Cap.PERSON_MANAGE,
            Cap.PERSON_PII,
            Cap.CAMPAIGN_VIEW,
            Cap.PLAN_WRITE,
            Cap.PLAN_REVIEW,
            Cap.RECORD_LOG,
            Cap.RECORD_VIEW,
            Cap.PROGRESS_VIEW,
            Cap.COMMITMENT_WRITE,
            Cap.COMMITMENT_REVIEW,
            Cap.SUPERVISION_RESPOND,
            Cap.CASE_HANDLE,
            # evaluations
            Cap.EVALUATION_MANAGE,
            Cap.EVALUATION_VIEW,
            Cap.EVALUATION_RECTIFY,
            # complaints (reports branch)
            Cap.CASE_VIEW,
            # points (积分)
            Cap.POINTS_AWARD,
            # publicity
            Cap.PUBLICITY_DRAFT,
            # honours
            Cap.HONOURS_NOMINATE,
            # assessment
            Cap.RECORD_CHECK,
            Cap.ASSESSMENT_VIEW,
            Cap.ASSESSMENT_ADJUST,
            # members (#19)
            Cap.MEMBER_REVIEW,
            Cap.MENTORING_MANAGE,
            Cap.REMINDER_SEND,
        }
    ),
    Role.LEADER: frozenset(
        {
            Cap.ORG_VIEW,
            Cap.PERSON_VIEW,
            Cap.CAMPAIGN_VIEW,
            Cap.RECORD_VIEW,
            Cap.PROGRESS_VIEW,
            Cap.REVIEW_WRITE,
            # evaluations
            Cap.EVALUATION_VIEW,
            # assessment
            Cap.ASSESSMENT_VIEW,
            # members (#19): leaders review members and hold 集中点评 sessions
            Cap.MEMBER_REVIEW,
        }
    ),
    Role.INSPECTOR: frozenset(
        {
            Cap.ORG_VIEW,
            Cap.PERSON_VIEW,
            Cap.AUDIT_VIEW,
            Cap.CAMPAIGN_VIEW,
            Cap.RECORD_VIEW,
            Cap.PROGRESS_VIEW,
            Cap.SUPERVISION_MANAGE,
            # evaluations
            Cap.EVALUATION_VIEW,
            # complaints (reports branch): inspectors read cases in scope
            Cap.CASE_VIEW,
            # assessment
            Cap.ASSESSMENT_VIEW,
        }
    ),
    # A member logs their own records; what they may see of them is checked object by object.
    Role.MEMBER: frozenset({Cap.ORG_VIEW, Cap.CAMPAIGN_VIEW, Cap.RECORD_LOG, Cap.COMMITMENT_WRITE}),
    # publicity: the editor drafts and publishes inside the subtree of their grant
    Role.EDITOR: frozenset(
        {
            Cap.ORG_VIEW,
            Cap.CAMPAIGN_VIEW,
            Cap.PROGRESS_VIEW,
            Cap.EVALUATION_VIEW,  # results are figures a bulletin quotes, like progress
            Cap.PUBLICITY_DRAFT,
            Cap.PUBLICITY_PUBLISH,
        }
    ),
}

# ---- sector guidance (条块结合) ----
# A grant of this role carries a sector and covers only that sector's organisations in its subtree. It
# follows them (progress, plans, commitments, records), is named on their pages as the guiding body and
# writes 行业指导点评 while a campaign's 领导点评 window is open; it gives no plan approval, personal data,
# role management or supervision rights (publishing a review or ordering rectification stays the office's).
ROLE_CAPS[Role.GUIDE] = frozenset(
    {Cap.ORG_VIEW, Cap.CAMPAIGN_VIEW, Cap.PROGRESS_VIEW, Cap.RECORD_VIEW, Cap.GUIDANCE_REVIEW}
)
# The only role a grant with a sector may carry.
SECTOR_ROLES = frozenset({Role.GUIDE})
# ---- end sector guidance ----

# Sector names as organisation departments write them in spreadsheets.
SECTOR_ALIASES = {
    "机关": Sector.AGENCY,
    "学校": Sector.SCHOOL,
    "医院": Sector.HOSPITAL,
    "社区": Sector.COMMUNITY,
    "村(居)": Sector.VILLAGE,
    "国有企业": Sector.SOE,
    "非公企业": Sector.PRIVATE,
    "社会组织": Sector.SOCIAL,
    "离退休": Sector.RETIRED,
    "村": Sector.VILLAGE,
    "村居": Sector.VILLAGE,
    "村（居）": Sector.VILLAGE,
    "农村": Sector.VILLAGE,
    "国企": Sector.SOE,
    "非公": Sector.PRIVATE,
    "非公有制企业": Sector.PRIVATE,
    "民营企业": Sector.PRIVATE,
    "事业单位": Sector.AGENCY,
    "机关事业单位": Sector.AGENCY,
    "党政机关": Sector.AGENCY,
    "中小学": Sector.SCHOOL,
    "离退休干部": Sector.RETIRED,
    "新社会组织": Sector.SOCIAL,
}

ORG_TYPE_ALIASES = {
    "党委": OrgType.COMMITTEE,
    "党总支": OrgType.GENERAL_BRANCH,
    "党支部": OrgType.BRANCH,
    "党工委": OrgType.COMMITTEE,
    "基层党委": OrgType.COMMITTEE,
    "工委": OrgType.COMMITTEE,
    "党组": OrgType.COMMITTEE,
    "总支": OrgType.GENERAL_BRANCH,
    "支部": OrgType.BRANCH,
    "联合党支部": OrgType.BRANCH,
}


# groups (issue #19 parts 4–5): a secretary keeps the 群团组织 attached to their organisation; the office
# (which holds every capability) reviews and releases 意见建议.
ROLE_CAPS[Role.SECRETARY] = ROLE_CAPS[Role.SECRETARY] | {Cap.GROUPS_MANAGE}
