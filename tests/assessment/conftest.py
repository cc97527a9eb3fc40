import datetime

import pytest
from django.utils import timezone

from pacesetter.assessment import services
from pacesetter.assessment.enums import Subject
from pacesetter.campaigns import tallies
from pacesetter.campaigns.enums import CampaignStatus
from pacesetter.campaigns.models import Campaign, CriteriaItem
from pacesetter.campaigns.services import criteria_seed_defaults
from pacesetter.commitments.models import Commitment
from pacesetter.orgs.enums import Role
from pacesetter.records.models import ActivityRecord
from tests.factories import make_user

TODAY = timezone.localdate()
START = TODAY - datetime.timedelta(days=200)
END = TODAY + datetime.timedelta(days=100)


@pytest.fixture
def campaign(city):
    c = Campaign.objects.create(
        name="示范市创先争优活动",
        organisation=city.city,
        starts_on=START,
        ends_on=END,
        status=CampaignStatus.ACTIVE,
    )
    criteria_seed_defaults(campaign=c)
    tallies.rebuild(c)  # as campaign_create does: the dashboard's counters start with every organisation
    city.school_secretary = make_user("school_secretary", Role.SECRETARY, city.school)
    return c


def add_records(org, *, checked: int, unchecked: int, member=None, on=None, campaign=None):
    on = on or TODAY - datetime.timedelta(days=10)
    rows = [
        ActivityRecord(
            organisation=org,
            member=member,
            campaign=campaign,
            kind="study",
            title=f"学习{i}",
            occurred_on=on,
            content="学习",
            check_status="checked" if i < checked else "unchecked",
        )
        for i in range(checked + unchecked)
    ]
    ActivityRecord.objects.bulk_create(rows)
    tallies.rebuild()  # written past the services that keep the dashboard's counters


def add_commitments(campaign, org, *, on_time: int, late: int, open_: int = 0, member=None):
    criteria = CriteriaItem.objects.filter(criteria_set__campaign=campaign).order_by(
        "criteria_set__subject", "order"
    )
    item = criteria.filter(criteria_set__subject="member" if member else "org").first() or criteria.first()
    rows = []
    for i in range(on_time + late + open_):
        status = "closed" if i < on_time + late else "published"
        rows.append(
            Commitment(
                campaign=campaign,
                kind="member" if member else "org",
                organisation=org,
                member=member,
                criteria_item=item,
                title=f"承诺{i}",
                target="t",
                deadline=TODAY - datetime.timedelta(days=5),
                responsible="r",
                status=status,
                overdue_at=timezone.now() if on_time <= i < on_time + late else None,
            )
        )
    Commitment.objects.bulk_create(rows)
    tallies.rebuild()  # written past the services that keep the dashboard's counters


def org_scheme(city, campaign, **kw):
    data = {
        "name": "2026年度基层党组织考核",
        "subject": Subject.ORG,
        "period_start": START,
        "period_end": END,
        "sources": {"commitments_on_time": (60, 1), "records_checked": (40, 2)},
        "grade_lines": {"good": 90, "fairly_good": 75, "fair": 60},
    }
    data.update(kw)
    return services.scheme_create(actor=city.office, campaign=campaign, **data)


def compute(city, scheme):
    sc = services.scorecard_compute(actor=city.office, scheme=scheme)
    services.scorecard_run(sc.pk)
    sc.refresh_from_db()
    return sc
