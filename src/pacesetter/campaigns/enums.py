"""Choices for campaigns: step kinds, the capabilities a step opens, the default theme per sector."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from pacesetter.orgs.enums import Sector


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("筹备中")
    ACTIVE = "active", _("进行中")
    CLOSED = "closed", _("已结束")


class StepKind(models.TextChoices):
    """The seven steps (方法步骤) of the campaign, in order."""

    MOBILISE = "mobilise", _("动员部署")
    COMMIT = "commit", _("公开承诺")
    STRIVE = "strive", _("积极争创")
    REVIEW = "review", _("领导点评")
    EVALUATE = "evaluate", _("群众评议")
    ASSESS = "assess", _("组织考核")
    COMMEND = "commend", _("评选表彰")


class StepCapability(models.TextChoices):
    """What a step allows while its window is open. Steps carry these as flags, not as date checks in views."""

    PLANS = "plans", _("报送实施方案")
    COMMITMENTS = "commitments", _("公开承诺（设岗、承诺、示诺）")
    FULFILMENT = "fulfilment", _("践诺（进度、述诺）")
    RECORDS = "records", _("记实登记")
    REVIEWS = "reviews", _("领导点评")
    BALLOTS = "ballots", _("群众评议投票")
    ASSESSMENT = "assessment", _("组织考核")
    NOMINATIONS = "nominations", _("推荐评选")


# The capabilities each step kind opens by default when a campaign is laid out.
DEFAULT_STEP_CAPABILITIES: dict[str, list[str]] = {
    StepKind.MOBILISE: [StepCapability.PLANS],
    StepKind.COMMIT: [StepCapability.COMMITMENTS],
    StepKind.STRIVE: [StepCapability.RECORDS, StepCapability.FULFILMENT],
    StepKind.REVIEW: [StepCapability.REVIEWS],
    StepKind.EVALUATE: [StepCapability.BALLOTS],
    StepKind.ASSESS: [StepCapability.ASSESSMENT],
    StepKind.COMMEND: [StepCapability.NOMINATIONS],
}

# 分类指导: the theme proposed to an organisation of each sector.
DEFAULT_THEMES: dict[str, str] = {
    Sector.AGENCY: "为民服务先锋",
    Sector.SCHOOL: "爱岗敬业先锋",
    Sector.HOSPITAL: "爱岗敬业先锋",
    Sector.COMMUNITY: "文明和谐先锋",
    Sector.PRIVATE: "兴业奉献先锋",
    Sector.SOCIAL: "兴业奉献先锋",
    Sector.VILLAGE: "致富带富先锋",
    Sector.RETIRED: "老有所为先锋",
    Sector.SOE: "兴业奉献先锋",
}


# The only status changes a campaign may make; campaign_transition checks this table and nothing else
# assigns Campaign.status. closed → active is a reopening, audited like every other change.
CAMPAIGN_TRANSITIONS: dict[str, frozenset[str]] = {
    CampaignStatus.DRAFT: frozenset({CampaignStatus.ACTIVE}),
    CampaignStatus.ACTIVE: frozenset({CampaignStatus.CLOSED}),
    CampaignStatus.CLOSED: frozenset({CampaignStatus.ACTIVE}),
}


class CriteriaSubject(models.TextChoices):
    """Whom a criteria set measures: organisations (五个好) or members (五带头)."""

    ORGANISATION = "org", _("党组织")
    MEMBER = "member", _("党员")


class GroupBody(models.TextChoices):
    LEADING_GROUP = "group", _("领导小组")
    OFFICE = "office", _("办公室")


class GroupPosition(models.TextChoices):
    HEAD = "head", _("组长")
    DEPUTY = "deputy", _("副组长")
    MEMBER = "member", _("成员")
    OFFICE_HEAD = "office_head", _("办公室主任")
    OFFICE_MEMBER = "office_member", _("办公室成员")


# Which body (领导小组 or 办公室) each position sits in.
POSITION_BODY: dict[str, str] = {
    GroupPosition.HEAD: GroupBody.LEADING_GROUP,
    GroupPosition.DEPUTY: GroupBody.LEADING_GROUP,
    GroupPosition.MEMBER: GroupBody.LEADING_GROUP,
    GroupPosition.OFFICE_HEAD: GroupBody.OFFICE,
    GroupPosition.OFFICE_MEMBER: GroupBody.OFFICE,
}


class PairingKind(models.TextChoices):
    """帮带机制."""

    ONE_TO_ONE = "one_to_one", _("一帮一")
    HAND_IN_HAND = "hand_in_hand", _("手拉手")
    FIXED_CONTACT = "fixed_contact", _("定点联系")
