"""What several of the API's routers share."""

from django.urls import reverse
from ninja import Schema

from pacesetter.core.errors import NotFoundError
from pacesetter.core.paging import MAX_OFFSET


def window(offset: int, limit: int) -> slice:
    """The rows of a list page: `limit` rows from `offset` (clamped to 0–MAX_OFFSET, as `offset_param` bounds
    it), for `queryset[window(offset, LIMIT)]`."""
    start = min(max(offset, 0), MAX_OFFSET)
    return slice(start, start + limit)


def campaign_or_first(campaign_get_for, user, campaign_id: int | None, candidates, missing: str):
    """The campaign `campaign_id` names, through the app's own getter (`campaign_get_for(user, pk)`, which
    decides which campaigns the caller may use), or else the first of `candidates` (the campaigns under way
    that fit, best first: an organisation's nearest first); a 404 saying `missing` when there is none."""
    if campaign_id is not None:
        return campaign_get_for(user, campaign_id)
    campaign = candidates.first()
    if campaign is None:
        raise NotFoundError(missing)
    return campaign


def photo_file(photo, url_name: str) -> dict:
    """The `PhotoFileOut` fields of a stored photo; `url_name` serves it (its rule decides who may open it)."""
    return {
        "id": photo.pk,
        "content_type": photo.content_type,
        "size": photo.size,
        "url": reverse(url_name, args=[photo.pk]),
    }


def fields_from(obj, schema: type[Schema], **given) -> dict:
    """The fields of the Out `schema` for `obj`: those in `given` as given, every other one read from the attribute
    of `obj` with the same name (``id`` is a model's primary key) — so a mapper names only what the object does not
    hold as it is: ``fields_from(plan, PlanOut, organisation_name=plan.organisation.name)``."""
    return {name: given[name] if name in given else getattr(obj, name) for name in schema.model_fields}
