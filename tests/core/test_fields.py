"""core.fields: each helper declares exactly the field it stands for, so using one changes no migration."""

import re

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pacesetter.core.fields import dated_upload_name, optional_fk, status_field, user_fk
from pacesetter.supervision.enums import ReviewStatus


def _same(a: models.Field, b: models.Field) -> bool:
    return a.deconstruct()[1:] == b.deconstruct()[1:]


def test_user_fk_is_the_nullable_set_null_user_reference():
    spelled = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assert _same(user_fk(), spelled)
    spelled_blank = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assert _same(user_fk(blank=True), spelled_blank)
    assert not _same(user_fk(), spelled_blank)


def test_optional_fk_is_null_blank_and_protect_unless_said():
    spelled = models.ForeignKey(
        "orgs.Member",
        verbose_name=_("党员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assert _same(optional_fk("orgs.Member", _("党员")), spelled)
    spelled_set_null = models.ForeignKey(
        "orgs.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="records"
    )
    assert _same(
        optional_fk("orgs.Member", related_name="records", on_delete=models.SET_NULL), spelled_set_null
    )


def test_status_field_takes_choices_and_default_from_the_initial_state():
    spelled = models.CharField(
        _("状态"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.FILED, db_index=True
    )
    assert _same(status_field(initial=ReviewStatus.FILED, max_length=10, db_index=True), spelled)


def test_dated_upload_name_is_random_with_the_lowercased_extension():
    first = dated_upload_name("records", "我的照片.JPG")
    assert re.fullmatch(r"records/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", first)
    assert first != dated_upload_name("records", "我的照片.JPG")
