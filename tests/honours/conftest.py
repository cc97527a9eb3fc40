"""A city campaign whose 评选表彰 step is open, a programme by the city, places for the district and the town."""

import datetime

import pytest
from django.utils import timezone

from pacesetter.campaigns import tallies
from pacesetter.campaigns.enums import CampaignStatus, StepKind
from pacesetter.campaigns.models import Campaign, Stage, Step
from pacesetter.orgs.enums import Role
from tests.factories import make_user


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    from pacesetter.notifications import sms

    settings.PACESETTER_SMS_BACKEND = "pacesetter.notifications.sms.LocmemBackend"
    sms.outbox.clear()
    return sms.outbox


@pytest.fixture(autouse=True)
def clear_cache():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def campaign(city):
    today, now = timezone.localdate(), timezone.now()
    c = Campaign.objects.create(
        name="深入开展创先争优活动",
        organisation=city.city,
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=400),
        status=CampaignStatus.ACTIVE,
    )
    stage = Stage.objects.create(
        campaign=c, name="第一阶段", starts_on=c.starts_on, ends_on=c.ends_on, order=1
    )
    Step.objects.create(
        campaign=c,
        stage=stage,
        kind=StepKind.COMMEND,
        capabilities=["nominations"],
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=60),
    )
    tallies.rebuild(c)  # as campaign_create does: the dashboard's counters start with every organisation
    return c


@pytest.fixture
def school_secretary(city):
    return make_user("school_secretary", Role.SECRETARY, city.school)


@pytest.fixture
def programme(city, campaign):
    from pacesetter.honours import services

    p = services.programme_create(
        actor=city.office,
        campaign=campaign,
        organisation=city.city,
        title="2011年“七一”表彰",
        issuer_name="中共示范市委",
        year=timezone.localdate().year,
        nominate_until=timezone.localdate() + datetime.timedelta(days=20),
    )
    orgs_cat, members_cat = p.categories.all()[0], p.categories.all()[1]
    services.quota_allocate(actor=city.office, category=orgs_cat, organisation=city.district, amount=2)
    services.quota_allocate(actor=city.office, category=members_cat, organisation=city.district, amount=2)
    services.quota_allocate(actor=city.office, category=orgs_cat, organisation=city.town, amount=1)
    return services.programme_open(actor=city.office, programme=p)


DEED = "该同志扎根农村教育二十年，" * 6
