"""评价标准: a campaign's criteria sets, read and edited."""

from django.http import HttpRequest
from ninja import Schema

from pacesetter.campaigns import selectors, services
from pacesetter.orgs.enums import Cap

from ._router import router


class IndicatorItem(Schema):
    id: int | None = None
    name: str
    description: str = ""
    weight: int
    indicators: list[str] = []


class CriteriaSetOut(Schema):
    id: int
    name: str
    subject: str
    description: str
    locked: bool
    items: list[IndicatorItem]

    @staticmethod
    def resolve_items(obj):
        return [
            {
                "id": i.pk,
                "name": i.name,
                "description": i.description,
                "weight": i.weight,
                "indicators": [x.name for x in i.indicators.all()],
            }
            for i in obj.items.all()
        ]


class CriteriaSetIn(Schema):
    items: list[IndicatorItem]
    name: str | None = None
    description: str | None = None


@router.get("/campaigns/{pk}/criteria", response=list[CriteriaSetOut], url_name="criteria-list")
def criteria_list(request: HttpRequest, pk: int):
    return selectors.criteria_sets_for(selectors.campaign_get_for(request.user, pk))


@router.get("/criteria/{pk}", response=CriteriaSetOut, url_name="criteria-detail")
def criteria_detail(request: HttpRequest, pk: int):
    cset = selectors.criteria_set_get_for(request.user, pk)
    return [s for s in selectors.criteria_sets_for(cset.campaign) if s.pk == cset.pk][0]


@router.put("/criteria/{pk}", response=CriteriaSetOut, url_name="criteria-detail")
def criteria_update(request: HttpRequest, pk: int, payload: CriteriaSetIn):
    cset = selectors.criteria_set_get_for(request.user, pk, cap=Cap.CAMPAIGN_MANAGE)
    services.criteria_set_update(
        actor=request.user,
        criteria_set=cset,
        items=[i.dict() for i in payload.items],
        name=payload.name,
        description=payload.description,
    )
    return [s for s in selectors.criteria_sets_for(cset.campaign) if s.pk == cset.pk][0]
