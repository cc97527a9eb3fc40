import datetime

import pytest
from django.utils import timezone

from pacesetter.campaigns import services
from pacesetter.campaigns.enums import CampaignStatus, StepKind


def at(days: float = 0, hours: float = 0) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days, hours=hours)


@pytest.fixture
def campaign(city):
    """A campaign by the city office with one stage covering today, not yet active (draft)."""
    today = timezone.localdate()
    c = services.campaign_create(
        actor=city.office,
        organisation=city.city,
        name="2010—2012年创先争优活动",
        starts_on=today - datetime.timedelta(days=100),
        ends_on=today + datetime.timedelta(days=600),
        plan_deadline=today + datetime.timedelta(days=30),
    )
    c.stage = services.stage_create(
        actor=city.office,
        campaign=c,
        name="第一阶段：迎接建党90周年",
        starts_on=today - datetime.timedelta(days=100),
        ends_on=today + datetime.timedelta(days=300),
    )
    return c


@pytest.fixture
def active(city, campaign):
    """The campaign, active, with 动员部署 (plans) open now and 公开承诺 (commitments) opening in 10 days."""
    services.step_create(
        actor=city.office, stage=campaign.stage, kind=StepKind.MOBILISE, opens_at=at(-5), closes_at=at(5)
    )
    services.step_create(
        actor=city.office, stage=campaign.stage, kind=StepKind.COMMIT, opens_at=at(10), closes_at=at(40)
    )
    campaign = services.campaign_transition(
        actor=city.office, campaign=campaign, to_status=CampaignStatus.ACTIVE
    )
    campaign.stage = campaign.stages.get()
    return campaign
