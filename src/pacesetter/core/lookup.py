"""The one not-found lookup an app's ``<entity>_get_for`` ends with."""

from typing import TypeVar

from django.db.models import Model, QuerySet

from .errors import NotFoundError

M = TypeVar("M", bound=Model)


def get_or_not_found(qs: QuerySet[M], pk) -> M:
    """Row ``pk`` of ``qs`` (a queryset already cut to what the caller may see), else NotFoundError — also for a
    ``pk`` that is not a number, which never reaches the database."""
    found = qs.filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise NotFoundError()
    return found
