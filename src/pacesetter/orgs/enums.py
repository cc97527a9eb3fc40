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


class Role(models.TextChoices):
    OFFICE = "office", _("活动办公室")
    SECRETARY = "secretary", _("党组织书记")
    LEADER = "leader", _("联系领导")
    INSPECTOR = "inspector", _("督查人员")
    MEMBER = "member", _("党员")


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
    # assessment (组织考核) and records checking
    RECORD_CHECK = "record.check", _("检查下级记实登记")
    ASSESSMENT_VIEW = "assessment.view", _("查看考核结果")
    ASSESSMENT_MANAGE = "assessment.manage", _("制定考核方案、计算和公布考核结果")
    ASSESSMENT_ADJUST = "assessment.adjust", _("考核下级：加减分、调整等次")


ROLE_CAPS: dict[str, frozenset[str]] = {
    Role.OFFICE: frozenset(Cap.values),
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
            # assessment
            Cap.RECORD_CHECK,
            Cap.ASSESSMENT_VIEW,
            Cap.ASSESSMENT_ADJUST,
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
            # assessment
            Cap.ASSESSMENT_VIEW,
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
            # assessment
            Cap.ASSESSMENT_VIEW,
        }
    ),
    # A member logs their own records; what they may see of them is checked object by object.
    Role.MEMBER: frozenset({Cap.ORG_VIEW, Cap.CAMPAIGN_VIEW, Cap.RECORD_LOG, Cap.COMMITMENT_WRITE}),
}

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
