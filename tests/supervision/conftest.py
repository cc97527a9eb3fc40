"""Fixtures for reviews and supervision: the test city, the leader's liaison link to the school branch, an
active campaign over the city with the 领导点评 window open, and one published commitment of the school."""

from datetime import timedelta

import pytest
from django.utils import timezone

from pacesetter.campaigns import tallies
from pacesetter.campaigns.enums import StepCapability, StepKind
from pacesetter.campaigns.models import Stage, Step
from pacesetter.commitments.enums import CommitmentKind
from pacesetter.commitments.enums import CommitmentStatus as CS
from pacesetter.commitments.models import Commitment
from pacesetter.orgs.models import Liaison
from pacesetter.supervision import stats_tally
from tests.commitments.conftest import item, make_campaign


def add_review_step(campaign, *, is_open=True) -> Step:
    now = timezone.now()
    stage = Stage.objects.filter(campaign=campaign).first()
    span = (
        (now - timedelta(days=1), now + timedelta(days=60))
        if is_open
        else (now - timedelta(days=20), now - timedelta(days=10))
    )
    return Step.objects.create(
        campaign=campaign,
        stage=stage,
        kind=StepKind.REVIEW,
        capabilities=[StepCapability.REVIEWS],
        opens_at=span[0],
        closes_at=span[1],
    )


def published_commitment(campaign, org, *, title="为辖区困难群众办实事", progress=40) -> Commitment:
    # Test data: a commitment already through 示诺 (the commitments app's own tests cover that workflow),
    # written past the services: the dashboard's counters are rebuilt after it.
    c = Commitment.objects.create(
        campaign=campaign,
        kind=CommitmentKind.ORGANISATION,
        organisation=org,
        criteria_item=item(campaign),
        title=title,
        target="走访 30 户",
        deadline=timezone.localdate() + timedelta(days=60),
        responsible="张书记",
        status=CS.PUBLISHED,
        progress=progress,
        published_at=timezone.now(),
    )
    tallies.rebuild()
    return c


@pytest.fixture
def sup(city):
    city.liaison = Liaison.objects.create(leader=city.leader, organisation=city.school)
    stats_tally.rebuild()  # the link is written past orgs.services.liaison_add, which keeps the counters
    city.campaign = make_campaign(city)
    city.review_step = add_review_step(city.campaign)
    city.commitment = published_commitment(city.campaign, city.school)
    return city
