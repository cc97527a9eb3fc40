"""core.fields.kept_user_fk and core.models.Timestamped: a model built on one has exactly the fields it spelled
out (the same deconstruct()), so using them changes no migration."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pacesetter.commitments.models import Commitment, Post
from pacesetter.complaints.models import AccountabilityNote, CaseEvent, Verification
from pacesetter.core.fields import kept_user_fk
from pacesetter.honours.models import Nomination
from pacesetter.orgs.models import Member, Organisation
from pacesetter.points.models import PointRule
from pacesetter.publicity.models import Article, Bulletin, InfoItem
from pacesetter.records.models import ActivityRecord
from pacesetter.supervision.models import MemberReview


def _same(a: models.Field, b: models.Field) -> bool:
    return a.deconstruct()[1:] == b.deconstruct()[1:]


def test_kept_user_fk_is_the_required_protected_user_reference():
    spelled = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assert _same(kept_user_fk(), spelled)
    spelled_named = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("点评人"), on_delete=models.PROTECT, related_name="+"
    )
    assert _same(kept_user_fk(_("点评人")), spelled_named)
    assert _same(MemberReview._meta.get_field("leader"), spelled_named)
    assert _same(InfoItem._meta.get_field("created_by"), spelled)


def test_timestamped_gives_made_and_last_saved():
    created = models.DateTimeField(default=timezone.now, editable=False)
    updated = models.DateTimeField(auto_now=True)
    models_ = (Post, Commitment, Nomination, Organisation, Member, PointRule, InfoItem, Article, Bulletin)
    for model in (*models_, ActivityRecord):
        assert _same(model._meta.get_field("created_at"), created)
        assert _same(model._meta.get_field("updated_at"), updated)
        assert not model._meta.abstract


def test_case_entries_give_actor_and_time_oldest_first():
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    for model in (CaseEvent, Verification, AccountabilityNote):
        assert _same(model._meta.get_field("actor"), actor)
        assert _same(model._meta.get_field("at"), at)
        assert model._meta.ordering == ["at", "id"]
        assert not model._meta.abstract
