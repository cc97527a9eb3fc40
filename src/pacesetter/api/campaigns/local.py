"""Local standards: an organisation's own wording of a criteria set, and criteria sets from presets."""

from django.http import HttpRequest
from ninja import Schema
from ninja.responses import Status

from pacesetter.campaigns import local_standards, selectors
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.selectors import org_get_for

from ._router import router
from .criteria import CriteriaSetOut


class LocalCriteriaItemOut(Schema):
    item_id: int
    name: str
    weight: int
    campaign_text: str
    own: str
    inherited: str
    inherited_from: str
    effective: str


class LocalCriteriaOut(Schema):
    criteria_set_id: int
    name: str
    organisation_id: int
    local_wording: bool
    items: list[LocalCriteriaItemOut]


class LocalCriteriaIn(Schema):
    texts: dict[int, str]


class CriteriaPresetIn(Schema):
    preset: str


def _local_out(org, cset) -> dict:
    return {
        "criteria_set_id": cset.pk,
        "name": cset.name,
        "organisation_id": org.pk,
        "local_wording": cset.local_wording,
        "items": [
            {
                "item_id": r["item"].pk,
                "name": r["item"].name,
                "weight": r["item"].weight,
                "campaign_text": r["item"].description,
                "own": r["own"],
                "inherited": r["inherited"],
                "inherited_from": r["inherited_from"],
                "effective": r["effective"],
            }
            for r in local_standards.local_criteria_for(org, cset)
        ],
    }


@router.get("/criteria/{pk}/local/{org_id}", response=LocalCriteriaOut, url_name="local-criteria")
def local_criteria(request: HttpRequest, pk: int, org_id: int):
    """The items of a criteria set as `org_id` words them (its own, else inherited, else the campaign's)."""
    cset = selectors.criteria_set_get_for(request.user, pk)
    return _local_out(org_get_for(request.user, org_id, cap=Cap.PLAN_WRITE), cset)


@router.put("/criteria/{pk}/local/{org_id}", response=LocalCriteriaOut, url_name="local-criteria")
def local_criteria_save(request: HttpRequest, pk: int, org_id: int, data: LocalCriteriaIn):
    """Save the organisation's own wording: {item id: text}; an empty text goes back to inheriting."""
    cset = selectors.criteria_set_get_for(request.user, pk)
    org = org_get_for(request.user, org_id, cap=Cap.PLAN_WRITE)
    local_standards.local_criteria_save(actor=request.user, org=org, criteria_set=cset, texts=data.texts)
    return _local_out(org, cset)


@router.post("/campaigns/{pk}/criteria/presets", response={201: CriteriaSetOut}, url_name="criteria-preset")
def criteria_preset(request: HttpRequest, pk: int, data: CriteriaPresetIn):
    """Add a further standard set from a preset (`five_models`: 五个模范)."""
    campaign = selectors.campaign_get_for(request.user, pk)
    cset = local_standards.criteria_set_add_preset(actor=request.user, campaign=campaign, preset=data.preset)
    return Status(201, [s for s in selectors.criteria_sets_for(campaign) if s.pk == cset.pk][0])
