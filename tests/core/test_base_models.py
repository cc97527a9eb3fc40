"""core.models.Created / Edited / Authored / Uploaded: abstract field groups; a model built on one has exactly the fields it spelled out."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from pacesetter.campaigns.models import OrgTheme, PairingNote
from pacesetter.core.models import SlipSheet
from pacesetter.members.models import HouseholdNote, MentorNote
from pacesetter.plans.models import PlanAttachment
from pacesetter.records.models import RecordPhoto
from pacesetter.supervision.models import InspectionTeam, Notice


def _same(a: models.Field, b: models.Field) -> bool:
    return a.deconstruct()[1:] == b.deconstruct()[1:]


def test_created_gives_who_and_when_and_newest_first():
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    for model in (InspectionTeam, Notice):
        assert _same(model._meta.get_field("created_by"), by)
        assert _same(model._meta.get_field("created_at"), at)
        assert not model._meta.abstract
    assert InspectionTeam._meta.ordering == ["-created_at", "-id"]
    assert str(InspectionTeam._meta.verbose_name) == "督查小组"


def test_edited_gives_last_editor_and_time():
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    assert _same(OrgTheme._meta.get_field("updated_by"), by)
    assert _same(OrgTheme._meta.get_field("updated_at"), models.DateTimeField(default=timezone.now))


def test_authored_and_uploaded_give_who_and_when():
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    for model in (MentorNote, HouseholdNote, PairingNote):
        assert _same(model._meta.get_field("author"), by)
        assert _same(model._meta.get_field("created_at"), at)
    for model in (PlanAttachment, RecordPhoto):
        assert _same(model._meta.get_field("uploaded_by"), by)
        assert _same(model._meta.get_field("uploaded_at"), at)
    assert SlipSheet._meta.ordering == ["-created_at", "-id"]
