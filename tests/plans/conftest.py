"""A city campaign whose 动员部署 step has plan submission open, and a secretary for each branch."""

import datetime

import pytest
from django.utils import timezone

from pacesetter.campaigns import tallies
from pacesetter.campaigns.enums import CampaignStatus, StepKind
from pacesetter.campaigns.models import Campaign, Stage, Step
from pacesetter.orgs.enums import Role
from tests.factories import make_user


def make_campaign(org, *, deadline_days=10, opens_days=-1, closes_days=30, status=CampaignStatus.ACTIVE):
    today = timezone.localdate()
    now = timezone.now()
    campaign = Campaign.objects.create(
        name="深入开展创先争优活动",
        organisation=org,
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=400),
        status=status,
        plan_deadline=today + datetime.timedelta(days=deadline_days) if deadline_days is not None else None,
    )
    stage = Stage.objects.create(
        campaign=campaign, name="第一阶段", starts_on=campaign.starts_on, ends_on=campaign.ends_on, order=1
    )
    Step.objects.create(
        campaign=campaign,
        stage=stage,
        kind=StepKind.MOBILISE,
        capabilities=["plans"],
        opens_at=now + datetime.timedelta(days=opens_days),
        closes_at=now + datetime.timedelta(days=closes_days),
    )
    tallies.rebuild(
        campaign
    )  # as campaign_create does: the dashboard's counters start with every organisation
    return campaign


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def campaign(city):
    return make_campaign(city.city)


@pytest.fixture
def school_secretary(city):
    return make_user("school_secretary", Role.SECRETARY, city.school)


@pytest.fixture
def village_secretary(city):
    return make_user("village_secretary", Role.SECRETARY, city.village)


BODY = "<h2>一、指导思想</h2><p>以<strong>科学发展观</strong>为指导。</p><ol><li>学习</li><li>服务</li></ol>"
