"""Local standards (结合实际制定…具体标准, issue #17 mechanism 4).

An organisation words each item of the campaign's criteria (五个好 / 五带头 / 五个模范) in its own concrete
terms; the items, weights and indicators stay the campaign's, and the office decides per set whether
organisations may do so (`CriteriaSet.local_wording`). An organisation without its own wording inherits the
nearest ancestor's, else reads the campaign's. The office may also add a further member standard set from
a preset (五个模范).
"""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.core.audit import audit_log
from pacesetter.core.errors import PermissionDeniedError, StateError, ValidationError
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.models import Organisation
from pacesetter.orgs.selectors import org_in_scope

from .criteria_seed import PRESETS, equal_weights
from .enums import CampaignStatus
from .models import Campaign, CriteriaIndicator, CriteriaItem, CriteriaSet, LocalCriteriaText

TEXT_MAX = 500


def can_word_locally(user, org: Organisation) -> bool:
    """The organisation's own writers (its secretary, the office above) word its standard."""
    return org_in_scope(user, org, Cap.PLAN_WRITE)


def local_criteria_for(org: Organisation, criteria_set: CriteriaSet) -> list[dict]:
    """Each item of the set with the wording `org` works to: its own, else the nearest ancestor's (`from`
    names whose), else the campaign's description — two queries."""
    items = list(criteria_set.items.prefetch_related("indicators").order_by("order", "id"))
    paths = [*org.ancestor_paths, org.path]
    texts: dict[int, list[LocalCriteriaText]] = {}
    for t in (
        LocalCriteriaText.objects.filter(item__in=items, organisation__path__in=paths)
        .select_related("organisation")
        .order_by("organisation__depth")
    ):
        texts.setdefault(t.item_id, []).append(t)
    rows = []
    for item in items:
        found = texts.get(item.pk, [])
        own = next((t for t in found if t.organisation_id == org.pk), None)
        inherited = next((t for t in reversed(found) if t.organisation_id != org.pk), None)
        rows.append(
            {
                "item": item,
                "own": own.text if own else "",
                "inherited": inherited.text if inherited else "",
                "inherited_from": inherited.organisation.name if inherited else "",
                "effective": own.text if own else inherited.text if inherited else item.description,
            }
        )
    return rows


@transaction.atomic
def local_criteria_save(
    *, actor, org: Organisation, criteria_set: CriteriaSet, texts: dict[int, str]
) -> list[LocalCriteriaText]:
    """Save `org`'s own wording of the set's items: {item id: text}; an empty text drops the organisation's
    wording (it then inherits again). Items, weights and indicators are never touched."""
    cset = CriteriaSet.objects.select_related("campaign__organisation").get(pk=criteria_set.pk)
    campaign = cset.campaign
    if not can_word_locally(actor, org):
        raise PermissionDeniedError(_("您无权为“%(org)s”制定具体标准") % {"org": org.name})
    if not org.is_within(campaign.organisation) or not org.is_active:
        raise ValidationError(
            _("“%(org)s”不在活动“%(c)s”的范围内") % {"org": org.name, "c": campaign.name},
            field="organisation",
        )
    if campaign.status == CampaignStatus.CLOSED:
        raise StateError(_("活动已结束，不能再修改具体标准"))
    if not cset.local_wording:
        raise StateError(_("活动办公室没有允许基层细化“%(s)s”的表述") % {"s": cset.name})
    items = {i.pk: i for i in cset.items.all()}
    cleaned: dict[int, str] = {}
    for raw_id, raw in (texts or {}).items():
        try:
            item_id = int(raw_id)
        except (TypeError, ValueError):
            item_id = -1
        if item_id not in items:
            raise ValidationError(_("标准项不属于“%(s)s”") % {"s": cset.name}, field="items")
        text = str(raw or "").strip()
        name = items[item_id].name
        if "\x00" in text:
            raise ValidationError(_("“%(n)s”中含有无法保存的控制字符") % {"n": name}, field=f"item_{item_id}")
        if len(text) > TEXT_MAX:
            raise ValidationError(
                _("“%(n)s”的具体标准不能超过%(m)d个字") % {"n": name, "m": TEXT_MAX}, field=f"item_{item_id}"
            )
        cleaned[item_id] = text
    existing = {
        t.item_id: t
        for t in LocalCriteriaText.objects.select_for_update().filter(
            organisation=org, item_id__in=list(cleaned)
        )
    }
    before = {items[i].name: existing[i].text for i in cleaned if i in existing}
    now = timezone.now()
    saved = []
    for item_id, text in cleaned.items():
        row = existing.get(item_id)
        if not text:
            if row is not None:
                row.delete()
            continue
        if row is None:
            row = LocalCriteriaText.objects.create(
                item_id=item_id, organisation=org, text=text, updated_by=actor, updated_at=now
            )
        elif row.text != text:
            row.text, row.updated_by, row.updated_at = text, actor, now
            row.save(update_fields=["text", "updated_by", "updated_at"])
        saved.append(row)
    after = {items[r.item_id].name: r.text for r in saved}
    if before != after:
        audit_log(
            actor=actor,
            action="criteria.local_wording",
            obj=cset,
            object_repr=f"{org.name} · {cset.name}",
            before=before,
            after=after,
            scope_path=org.path,
        )
    return saved


@transaction.atomic
def criteria_set_allow_local(*, actor, criteria_set: CriteriaSet, allowed: bool) -> CriteriaSet:
    """The office allows (or stops) organisations wording this set's items in their own terms."""
    campaign = criteria_set.campaign
    if not org_in_scope(actor, campaign.organisation, Cap.CAMPAIGN_MANAGE):
        raise PermissionDeniedError(_("只有活动办公室可以设置是否允许基层细化标准"))
    before = criteria_set.local_wording
    CriteriaSet.objects.filter(pk=criteria_set.pk).update(local_wording=bool(allowed))
    criteria_set.local_wording = bool(allowed)
    if before != criteria_set.local_wording:
        audit_log(
            actor=actor,
            action="criteria.allow_local",
            obj=criteria_set,
            before={"local_wording": before},
            after={"local_wording": criteria_set.local_wording},
            scope_path=campaign.organisation.path,
        )
    return criteria_set


@transaction.atomic
def criteria_set_add_preset(*, actor, campaign: Campaign, preset: str) -> CriteriaSet:
    """Add a further standard set from a preset (五个模范) to the campaign, with equal weights."""
    if not org_in_scope(actor, campaign.organisation, Cap.CAMPAIGN_MANAGE):
        raise PermissionDeniedError(_("只有活动办公室可以添加评价标准"))
    if campaign.status == CampaignStatus.CLOSED:
        raise StateError(_("活动已结束，不能再添加评价标准"))
    if preset not in PRESETS:
        raise ValidationError(_("没有这套标准：%(p)s") % {"p": str(preset)[:50]}, field="preset")
    name, subject, description, items = PRESETS[preset]
    if CriteriaSet.objects.filter(campaign=campaign, name=name).exists():
        raise StateError(_("本活动已有名为“%(name)s”的评价标准") % {"name": name})
    order = (campaign.criteria_sets.aggregate(m=Max("order"))["m"] or 0) + 1
    cset = CriteriaSet.objects.create(
        campaign=campaign, name=name, subject=subject, description=description, order=order
    )
    made = CriteriaItem.objects.bulk_create(
        [
            CriteriaItem(criteria_set=cset, name=n, description=d, weight=w, order=k)
            for k, ((n, d, _i), w) in enumerate(zip(items, equal_weights(len(items)), strict=True), start=1)
        ]
    )
    CriteriaIndicator.objects.bulk_create(
        [
            CriteriaIndicator(item=item, name=x, order=k)
            for item, (_n, _d, indicators) in zip(made, items, strict=True)
            for k, x in enumerate(indicators, start=1)
        ]
    )
    audit_log(
        actor=actor,
        action="criteria.create",
        obj=cset,
        after={"name": name, "subject": subject, "preset": preset},
        scope_path=campaign.organisation.path,
    )
    return cset
