"""Writes to campaigns: criteria."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.core.audit import audit_log
from pacesetter.core.errors import StateError, ValidationError
from pacesetter.orgs.enums import Cap

from ..criteria_seed import DEFAULT_CRITERIA, equal_weights
from ..enums import (
    CriteriaSubject,
)
from ..models import (
    Campaign,
    CriteriaIndicator,
    CriteriaItem,
    CriteriaSet,
)
from ._common import _require, _require_not_closed, _text

# ---------------------------------------------------------------- criteria


def criteria_seed_defaults(*, campaign: Campaign) -> list[CriteriaSet]:
    """Copy 五个好 and 五带头 (with 四比四看) into a new campaign; called by campaign_create."""
    sets = []
    for order, (name, subject, description, items) in enumerate(DEFAULT_CRITERIA, start=1):
        cset = CriteriaSet.objects.create(
            campaign=campaign, name=name, subject=subject, description=description, order=order
        )
        _write_items(cset, [{"name": n, "description": d, "indicators": i} for n, d, i in items], equal=True)
        sets.append(cset)
    return sets


def _write_items(cset: CriteriaSet, items: list[dict], *, equal: bool = False) -> None:
    weights = equal_weights(len(items)) if equal else [it["weight"] for it in items]
    existing = {i.pk: i for i in cset.items.all()}
    keep = []
    for order, (data, weight) in enumerate(zip(items, weights, strict=True), start=1):
        item = existing.get(data.get("id")) if data.get("id") else None
        if item is None:
            item = CriteriaItem(criteria_set=cset)
        item.name, item.description, item.weight, item.order = (
            data["name"],
            data.get("description", ""),
            weight,
            order,
        )
        item.save()
        keep.append(item.pk)
    cset.items.exclude(pk__in=keep).delete()
    CriteriaIndicator.objects.filter(item__criteria_set=cset).delete()
    CriteriaIndicator.objects.bulk_create(
        [
            CriteriaIndicator(item_id=item_id, name=name, order=n)
            for item_id, data in zip(keep, items, strict=True)
            for n, name in enumerate(data.get("indicators", []), start=1)
        ]
    )


def _clean_items(items: list[dict]) -> list[dict]:
    if not items:
        raise ValidationError(_("评价标准至少要有一项"), field="items")
    cleaned, names = [], set()
    for n, raw in enumerate(items, start=1):
        name = (raw.get("name") or "").strip()
        if not name:
            raise ValidationError(_("第 %(n)d 项没有填写名称") % {"n": n}, field="items")
        if len(name) > 100:
            raise ValidationError(_("第 %(n)d 项名称不能超过100个字") % {"n": n}, field="items")
        if name in names:
            raise ValidationError(_("标准项“%(name)s”重复") % {"name": name}, field="items")
        names.add(name)
        try:
            weight = int(raw.get("weight"))
        except (TypeError, ValueError):
            raise ValidationError(_("“%(name)s”的权重必须是整数") % {"name": name}, field="weight") from None
        if not 1 <= weight <= 100:
            raise ValidationError(_("“%(name)s”的权重应在 1 到 100 之间") % {"name": name}, field="weight")
        indicators = [i.strip() for i in raw.get("indicators") or [] if i and i.strip()]
        if any(len(i) > 100 for i in indicators):
            raise ValidationError(_("考察指标不能超过100个字"), field="indicators")
        cleaned.append(
            {
                "id": raw.get("id"),
                "name": name,
                "description": (raw.get("description") or "").strip(),
                "weight": weight,
                "indicators": list(dict.fromkeys(indicators)),
            }
        )
    total = sum(i["weight"] for i in cleaned)
    if total != 100:
        raise ValidationError(
            _("各项权重之和必须等于 100，现在是 %(total)d（%(detail)s）")
            % {"total": total, "detail": "、".join(f"{i['name']} {i['weight']}" for i in cleaned)},
            field="weight",
        )
    return cleaned


def _require_unlocked(cset: CriteriaSet) -> None:
    if cset.locked:
        raise StateError(
            _("评价标准“%(name)s”已被评议使用并锁定，不能再修改；如需调整请新建一套标准")
            % {"name": cset.name}
        )


def _items_snapshot(cset: CriteriaSet) -> list:
    return [
        [i.name, i.weight, [x.name for x in i.indicators.all()]]
        for i in cset.items.prefetch_related("indicators").order_by("order", "id")
    ]


@transaction.atomic
def criteria_set_create(
    *, actor, campaign: Campaign, name: str, subject: str, description: str = ""
) -> CriteriaSet:
    _require(actor, campaign.organisation, Cap.CAMPAIGN_MANAGE)
    _require_not_closed(campaign)
    name = _text(name, field="name", label=_("标准名称"), limit=100)
    if subject not in CriteriaSubject.values:
        raise ValidationError(_("无效的评价对象：%(v)s") % {"v": subject}, field="subject")
    if CriteriaSet.objects.filter(campaign=campaign, name=name).exists():
        raise ValidationError(_("本活动已有名为“%(name)s”的评价标准") % {"name": name}, field="name")
    order = (campaign.criteria_sets.aggregate(m=Max("order"))["m"] or 0) + 1
    cset = CriteriaSet.objects.create(
        campaign=campaign, name=name, subject=subject, description=(description or "").strip(), order=order
    )
    audit_log(
        actor=actor,
        action="criteria.create",
        obj=cset,
        after={"name": name, "subject": subject},
        scope_path=campaign.organisation.path,
    )
    return cset


@transaction.atomic
def criteria_set_update(
    *,
    actor,
    criteria_set: CriteriaSet,
    items: list[dict],
    name: str | None = None,
    description: str | None = None,
) -> CriteriaSet:
    """Replace the set's items (add, edit, remove in one go): `items` = [{id?, name, description, weight,
    indicators: [str]}]; the weights must add up to 100. A locked set refuses."""
    campaign = criteria_set.campaign
    _require(actor, campaign.organisation, Cap.CAMPAIGN_MANAGE)
    _require_not_closed(campaign)
    cset = CriteriaSet.objects.select_for_update(of=("self",)).get(pk=criteria_set.pk)
    _require_unlocked(cset)
    cleaned = _clean_items(items)
    before = {"name": cset.name, "items": _items_snapshot(cset)}
    fields = []
    if name is not None:
        name = _text(name, field="name", label=_("标准名称"), limit=100)
        if CriteriaSet.objects.filter(campaign=campaign, name=name).exclude(pk=cset.pk).exists():
            raise ValidationError(_("本活动已有名为“%(name)s”的评价标准") % {"name": name}, field="name")
        cset.name = name
        fields.append("name")
    if description is not None:
        cset.description = description.strip()
        fields.append("description")
    if fields:
        cset.save(update_fields=fields)
    _write_items(cset, cleaned)
    audit_log(
        actor=actor,
        action="criteria.update",
        obj=cset,
        before=before,
        after={"name": cset.name, "items": _items_snapshot(cset)},
        scope_path=campaign.organisation.path,
    )
    return cset


@transaction.atomic
def criteria_set_lock(*, actor, criteria_set: CriteriaSet) -> bool:
    """Lock a set once evaluation ballots use it; True if it was unlocked.

    Called by the evaluations app's own service after its checks (a ballot arriving is not an office act).
    """
    campaign = criteria_set.campaign
    changed = CriteriaSet.objects.filter(pk=criteria_set.pk, locked=False).update(
        locked=True, locked_at=timezone.now()
    )
    if changed:
        audit_log(
            actor=actor, action="criteria.lock", obj=criteria_set, scope_path=campaign.organisation.path
        )
        criteria_set.locked = True
    return bool(changed)
