"""The row a write locks before it reads the state it changes."""

from typing import TypeVar

from django.db.models import Model, QuerySet

from .lookup import get_or_not_found

M = TypeVar("M", bound=Model)


def locked(qs: QuerySet[M], pk) -> M:
    """Row ``pk`` of ``qs`` locked FOR UPDATE until the transaction ends, only the row itself (as below):
    for a row the caller was handed, so one gone meanwhile is ``DoesNotExist``, not a page's 404."""
    return qs.select_for_update(of=("self",)).get(pk=pk)


def lock_or_not_found(qs: QuerySet[M], pk) -> M:
    """Row ``pk`` of ``qs`` locked FOR UPDATE until the transaction ends, else NotFoundError. Only the row
    itself is locked (``of=("self",)``): PostgreSQL locks no nullable side of the joins ``select_related``
    adds, and the related rows are read, not written."""
    return get_or_not_found(qs.select_for_update(of=("self",)), pk)
