"""Choices for publicity (宣传): information sent up (信息报送), articles and events on the public site, and
the one table of allowed status changes for each."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from pacesetter.core.lifecycle import Transition


class ItemKind(models.TextChoices):
    NEWS = "news", _("工作动态")
    EXPERIENCE = "experience", _("经验做法")


class ItemStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待上级审核")
    FORWARDED = "forwarded", _("待活动办公室采用")
    ACCEPTED = "accepted", _("已采用")
    RETURNED = "returned", _("已退回")


class ItemAction(models.TextChoices):
    SUBMIT = "submit", _("报送")
    REVISE = "revise", _("重新修改")
    FORWARD = "forward", _("审核转报")
    ACCEPT = "accept", _("采用")
    RETURN = "return", _("退回")


class Party(models.TextChoices):
    """Who someone is to one item or article (not a site role)."""

    SENDER = "sender", _("报送单位")
    PARENT = "parent", _("上级党组织")
    EDITOR = "editor", _("活动办公室或宣传编辑")


IS, IA, P = ItemStatus, ItemAction, Party
_SENDER, _PARENT, _EDITOR = frozenset({P.SENDER}), frozenset({P.PARENT}), frozenset({P.EDITOR})

# (from status, action) → where it leads and who may take it. publicity.services._item_transition is the only
# code that changes InfoItem.status. The parent edits and forwards; the office (or an editor) accepts — it may
# accept at once an item from an organisation directly under it.
ITEM_TRANSITIONS: dict[tuple[str, str], Transition] = {
    (IS.DRAFT, IA.SUBMIT): Transition(IS.SUBMITTED, _SENDER),
    (IS.RETURNED, IA.SUBMIT): Transition(IS.SUBMITTED, _SENDER),
    (IS.RETURNED, IA.REVISE): Transition(IS.DRAFT, _SENDER),
    (IS.SUBMITTED, IA.FORWARD): Transition(IS.FORWARDED, _PARENT),
    (IS.SUBMITTED, IA.ACCEPT): Transition(IS.ACCEPTED, _EDITOR),
    (IS.SUBMITTED, IA.RETURN): Transition(IS.RETURNED, _PARENT | _EDITOR, needs_comment=True),
    (IS.FORWARDED, IA.ACCEPT): Transition(IS.ACCEPTED, _EDITOR),
    (IS.FORWARDED, IA.RETURN): Transition(IS.RETURNED, _EDITOR, needs_comment=True),
}
ITEM_EDITABLE_BY_SENDER = frozenset({IS.DRAFT, IS.RETURNED})
ITEM_EDITABLE_BY_REVIEWER = frozenset({IS.SUBMITTED, IS.FORWARDED})


class Section(models.TextChoices):
    """The public site's sections (栏目)."""

    NEWS = "news", _("工作动态")
    DEEDS = "deeds", _("典型事迹")
    EXPERIENCE = "experience", _("经验交流")
    EVENTS = "events", _("活动展示")


class EventKind(models.TextChoices):
    NONE = "", _("（不是活动）")
    EXHIBITION = "exhibition", _("图片展")
    OBSERVATION = "observation", _("现场观摩会")
    SEMINAR = "seminar", _("研讨会")


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")
    PUBLISHED = "published", _("已发布")
    RETURNED = "returned", _("已退回")
    WITHDRAWN = "withdrawn", _("已撤下")


class ArticleAction(models.TextChoices):
    SUBMIT = "submit", _("提交审核")
    REVISE = "revise", _("重新修改")
    PUBLISH = "publish", _("审核发布")
    RETURN = "return", _("退回")
    WITHDRAW = "withdraw", _("撤下")


AS, AA = ArticleStatus, ArticleAction
# Only an editor publishes: nothing reaches the public site without review.
ARTICLE_TRANSITIONS: dict[tuple[str, str], Transition] = {
    (AS.DRAFT, AA.SUBMIT): Transition(AS.SUBMITTED, _SENDER),
    (AS.RETURNED, AA.SUBMIT): Transition(AS.SUBMITTED, _SENDER),
    (AS.RETURNED, AA.REVISE): Transition(AS.DRAFT, _SENDER),
    (AS.WITHDRAWN, AA.REVISE): Transition(AS.DRAFT, _SENDER),
    (AS.SUBMITTED, AA.PUBLISH): Transition(AS.PUBLISHED, _EDITOR),
    (AS.SUBMITTED, AA.RETURN): Transition(AS.RETURNED, _EDITOR, needs_comment=True),
    (AS.PUBLISHED, AA.WITHDRAW): Transition(AS.WITHDRAWN, _EDITOR, needs_comment=True),
}
ARTICLE_EDITABLE = frozenset({AS.DRAFT, AS.RETURNED})


class SearchKind(models.TextChoices):
    ARTICLE = "article", _("文章")
    COMMITMENT = "commitment", _("公开承诺")
    ORGANISATION = "organisation", _("党组织")
    EXEMPLAR = "exemplar", _("先进典型")


PHOTO_MAX_BYTES = 15 * 1024 * 1024
PHOTO_MAX_SIDE = 1920  # pixels: the longer side of a stored photo
PHOTO_MAX_PIXELS = 60_000_000  # refuse decompression bombs before decoding
PHOTOS_PER_ITEM = 9
TITLE_LIMIT = 200
BODY_LIMIT = 50_000
SEARCH_QUERY_LIMIT = 100


class BulletinStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    ISSUED = "issued", _("已印发")


class BulletinAction(models.TextChoices):
    ISSUE = "issue", _("印发")


BULLETIN_TRANSITIONS: dict[tuple[str, str], Transition] = {
    (BulletinStatus.DRAFT, BulletinAction.ISSUE): Transition(BulletinStatus.ISSUED, _EDITOR),
}
BULLETIN_ISSUER_DEFAULT = "创先争优活动领导小组办公室"


class ExemplarKind(models.TextChoices):
    ORGANISATION = "org", _("先进基层党组织")
    MEMBER = "member", _("优秀共产党员")


class CultivationLevel(models.TextChoices):
    """A model's standing (培育 → 县级 → 市级 → 省级), raised one level at a time (晋档升级)."""

    CULTIVATING = "cultivating", _("培育")
    COUNTY = "county", _("县级")
    CITY = "city", _("市级")
    PROVINCE = "province", _("省级")


CL = CultivationLevel
# level → the next one; exemplars.promote is the only code that changes Exemplar.level, and it reads only this.
LEVEL_NEXT: dict[str, str] = {CL.CULTIVATING: CL.COUNTY, CL.COUNTY: CL.CITY, CL.CITY: CL.PROVINCE}
# Which office awards a level: the depth in the organisation tree of the organisation its office grant is on
# (the platform's root is the city committee, depth 0; districts and counties are depth 1). 省级 lies above the
# platform: the city office records it from the province's decision (a document number is then required).
LEVEL_AWARD_DEPTH: dict[str, int] = {CL.COUNTY: 1, CL.CITY: 0, CL.PROVINCE: 0}
PUBLIC_LEVELS = frozenset({CL.COUNTY, CL.CITY, CL.PROVINCE})
