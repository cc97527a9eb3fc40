"""The demo city shows 群团组织 with their rosters and a closed 民主评议行风政风 with released 意见建议."""

from io import StringIO

import pytest
from django.core.management import call_command

from pacesetter.demo.groups import CONDUCT_ROUND
from pacesetter.evaluations.enums import RoundKind, RoundStatus, SuggestionStatus
from pacesetter.evaluations.models import Round, Suggestion, SuggestionRelease
from pacesetter.evaluations.selectors import released_suggestions
from pacesetter.massorgs.models import MassMember, MassOrganisation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_demo_has_mass_orgs_and_a_released_conduct_round():
    call_command("demo", stdout=StringIO())
    assert set(MassOrganisation.objects.values_list("kind", flat=True)) == {"youth_league", "union", "women"}
    assert MassMember.objects.count() == 12
    # 群团组织 in use: the 团支部's public commitment and a 群团 nomination in the demo programme
    from pacesetter.commitments.models import Commitment
    from pacesetter.honours.models import Nomination

    assert Commitment.objects.filter(mass_org__kind="youth_league").exists()
    assert Nomination.objects.filter(subject_mass_org__isnull=False).exists()
    round_ = Round.objects.get(name=CONDUCT_ROUND)
    assert round_.kind == RoundKind.CONDUCT and round_.status == RoundStatus.CLOSED
    assert SuggestionRelease.objects.filter(round=round_).exists()
    assert Suggestion.objects.filter(round=round_, status=SuggestionStatus.WITHHELD).exists()
    released = released_suggestions(round_)
    assert released.mode == "released" and released.total > 0
    assert [g.name for g in released.held_groups] == ["人大代表、政协委员"]  # 3 ballots < k = 5
    # idempotent, and --reset removes and rebuilds it
    call_command("demo", stdout=StringIO())
    assert Round.objects.filter(name=CONDUCT_ROUND).count() == 1 and MassOrganisation.objects.count() == 3
    call_command("demo", "--reset", stdout=StringIO())
    assert Round.objects.filter(name=CONDUCT_ROUND).count() == 1 and MassOrganisation.objects.count() == 3
