"""A campaign whose 动员部署 step has closed and whose 公开承诺 step is open, each with a required action."""

import datetime

import pytest
from django.utils import timezone

from pacesetter.actions import services
from pacesetter.campaigns.enums import CampaignStatus, StepKind
from pacesetter.campaigns.models import Campaign, Stage, Step
from pacesetter.orgs.enums import Role
from pacesetter.records.models import ActivityRecord
from tests.factories import make_user


class Loop:
    pass


def make_record(org, *, kind="study", days_ago=0, title="学习", by=None):
    return ActivityRecord.objects.create(
        organisation=org,
        kind=kind,
        title=title,
        occurred_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        logged_by=by,
    )


@pytest.fixture
def loop(city):
    return build_loop(city)


def build_loop(city):
    today = timezone.localdate()
    now = timezone.now()
    campaign = Campaign.objects.create(
        name="创先争优活动",
        organisation=city.city,
        starts_on=today - datetime.timedelta(days=60),
        ends_on=today + datetime.timedelta(days=300),
        status=CampaignStatus.ACTIVE,
    )
    stage = Stage.objects.create(
        campaign=campaign, name="第一阶段", starts_on=campaign.starts_on, ends_on=campaign.ends_on
    )
    mobilise = Step.objects.create(
        campaign=campaign,
        stage=stage,
        kind=StepKind.MOBILISE,
        capabilities=["plans"],
        opens_at=now - datetime.timedelta(days=50),
        closes_at=now - datetime.timedelta(days=20),
    )
    commit = Step.objects.create(
        campaign=campaign,
        stage=stage,
        kind=StepKind.COMMIT,
        capabilities=["commitments"],
        opens_at=now - datetime.timedelta(days=10),
        closes_at=now + datetime.timedelta(days=20),
    )
    x = Loop()
    x.city, x.campaign, x.mobilise, x.commit = city, campaign, mobilise, commit
    x.school_secretary = make_user("school_secretary", Role.SECRETARY, city.school)
    x.meeting = services.required_action_create(
        actor=city.office, step=mobilise, name="召开动员会", record_kind="mobilisation"
    )
    x.wall = services.required_action_create(actor=city.office, step=commit, name="公开承诺上墙")
    return x
