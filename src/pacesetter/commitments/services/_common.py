"""What the commitment services share: the fields, the limits read from settings, the checks of a commitment's
content, and the names shown in events.
"""

import datetime
from functools import partial

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.campaigns.enums import CriteriaSubject
from pacesetter.campaigns.models import Campaign, CriteriaItem
from pacesetter.core.errors import StateError, ValidationError
from pacesetter.core.text import clean_text
from pacesetter.orgs.models import Organisation

from ..enums import (
    CommitmentKind,
    Party,
)

COMMITMENT_FIELDS = [
    "campaign",
    "kind",
    "organisation",
    "member",
    "post",
    "criteria_item",
    "title",
    "content",
    "target",
    "deadline",
    "responsible",
]
EDIT_FIELDS = ["criteria_item", "title", "content", "target", "deadline", "responsible"]
TEXT_LIMIT = 5_000


def remind_days() -> int:
    """Days before the deadline an owner is reminded (setting COMMITMENT_REMIND_DAYS, default 7)."""
    return int(getattr(settings, "COMMITMENT_REMIND_DAYS", 7))


def public_ratings_per_hour() -> int:
    """Public ratings accepted from one address per hour (setting COMMITMENT_PUBLIC_RATINGS_PER_HOUR)."""
    return int(getattr(settings, "COMMITMENT_PUBLIC_RATINGS_PER_HOUR", 20))


_text = partial(clean_text, limit=TEXT_LIMIT)


def _clean(campaign: Campaign, kind: str, data: dict) -> dict:
    item = data.get("criteria_item")
    subject = CriteriaSubject.ORGANISATION if kind == CommitmentKind.ORGANISATION else CriteriaSubject.MEMBER
    if not isinstance(item, CriteriaItem):
        item = CriteriaItem.objects.select_related("criteria_set").filter(pk=item).first() if item else None
    if item is None or item.criteria_set.campaign_id != campaign.pk or item.criteria_set.subject != subject:
        raise ValidationError(
            _("请选择本活动的“%(s)s”标准项")
            % {"s": _("五个好") if subject == CriteriaSubject.ORGANISATION else _("五带头")},
            field="criteria_item",
        )
    deadline = data.get("deadline")
    if not isinstance(deadline, datetime.date):
        raise ValidationError(_("请填写完成时限"), field="deadline")
    if deadline < timezone.localdate():
        raise ValidationError(_("完成时限不能早于今天"), field="deadline")
    if deadline > campaign.ends_on:
        raise ValidationError(
            _("完成时限不能晚于活动结束日期 %(d)s") % {"d": campaign.ends_on.isoformat()}, field="deadline"
        )
    return {
        "criteria_item": item,
        "title": _text(data.get("title"), "title", _("承诺事项"), limit=200),
        "content": _text(data.get("content"), "content", _("具体内容"), required=False),
        "target": _text(data.get("target"), "target", _("量化目标"), limit=300),
        "deadline": deadline,
        "responsible": _text(data.get("responsible"), "responsible", _("责任人"), limit=200),
    }


def _require_in_campaign(campaign: Campaign, org: Organisation) -> None:
    if not org.is_within(campaign.organisation):
        raise ValidationError(_("“%(org)s”不在活动“%(c)s”的范围内") % {"org": org.name, "c": campaign.name})
    if not org.is_active:
        raise StateError(_("“%(org)s”已撤销") % {"org": org.name})


def _party_labels(parties) -> str:
    return _("或").join(str(Party(p).label) for p in sorted(parties))
