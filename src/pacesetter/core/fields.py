"""The field declarations every app repeats: who did something, a reference a row may lack, a lifecycle's status,
where an uploaded file is stored.

Each returns exactly the field it would spell out (the same `deconstruct()`), so using one changes no migration.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, overload

from django.conf import settings
from django.db import models
from django.db.models.expressions import Combinable
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

M = TypeVar("M", bound=models.Model)


def user_fk(*, blank: bool = False) -> models.ForeignKey[Any, Any]:
    """Who did something (wrote a note, filed a report, decided): the user, NULL once the account is deleted so the
    row stays; no reverse accessor on the user. `blank=True` where there may be nobody yet or at all (a decision
    still to be made, a comment from the public), so that forms and `full_clean` accept it empty."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=blank, on_delete=models.SET_NULL, related_name="+"
    )


def kept_user_fk(verbose_name: StrOrPromise | None = None) -> models.ForeignKey[Any, Any]:
    """The user a row stands on (who wrote a piece, issued an order, reviews as a leader): required, and the
    account cannot be deleted while the row refers to it (PROTECT); no reverse accessor on the user."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=verbose_name, on_delete=models.PROTECT, related_name="+"
    )


@overload
def optional_fk(
    to: type[M],
    verbose_name: str | Promise | None = None,
    *,
    related_name: str = "+",
    on_delete: Callable[..., None] = models.PROTECT,
) -> models.ForeignKey[M | Combinable | None, M | None]: ...
@overload
def optional_fk(
    to: str,
    verbose_name: str | Promise | None = None,
    *,
    related_name: str = "+",
    on_delete: Callable[..., None] = models.PROTECT,
) -> models.ForeignKey[Any, Any]: ...
def optional_fk(to, verbose_name=None, *, related_name="+", on_delete=models.PROTECT):
    """A reference a row may lack (NULL, and blank in forms): a personal record's member, a case's subject, an
    order's origin. PROTECT unless said otherwise: what it points at stays while a row refers to it."""
    return models.ForeignKey(
        to, verbose_name=verbose_name, null=True, blank=True, on_delete=on_delete, related_name=related_name
    )


def status_field(
    *, initial: models.TextChoices, max_length: int, **options: Any
) -> models.CharField[str | int | Combinable, str]:
    """A lifecycle's 状态 column: the choices of `initial`'s enum, starting at `initial`. Only the app's
    transition function changes it afterwards (the table in its enums.py)."""
    return models.CharField(
        _("状态"), max_length=max_length, choices=type(initial).choices, default=initial, **options
    )


def dated_upload_name(folder: str, filename: str) -> str:
    """Where an upload is stored: never under the client's name, but a random one with the extension of the
    detected type (already checked by core.uploads), in a month's directory: ``records/2026/12/<hex>.jpg``.

    A model's `upload_to` stays a function of its own module (migrations name it), which calls this one.
    """
    ext = filename.rsplit(".", 1)[-1].lower()
    return f"{folder}/{timezone.localtime():%Y/%m}/{uuid.uuid4().hex}.{ext}"
