"""The district ranking's plan, record and commitment figures (#14, read by progress.selectors.child_cells)
equal a recomputation from the raw rows in Python, and the progress dashboard's cells."""

import datetime

import pytest

from pacesetter.assessment.selectors import district_ranking
from pacesetter.campaigns import tallies
from pacesetter.campaigns.enums import CampaignStatus
from pacesetter.campaigns.models import Campaign
from pacesetter.campaigns.services import criteria_seed_defaults
from pacesetter.commitments.enums import FULFILLED_STATES, PUBLIC_STATES
from pacesetter.commitments.models import Commitment
from pacesetter.orgs.enums import OrgType, Sector
from pacesetter.orgs.models import Organisation
from pacesetter.plans.models import Plan
from pacesetter.progress.selectors import child_cells, progress_data
from pacesetter.records.models import ActivityRecord
from tests.factories import make_org

from .conftest import START, TODAY, add_commitments, add_records


def _pct(good, total):
    return round(100 * good / total, 1) if total else None


def recompute(campaign, root):
    """{child id: {"plans", "records", "commitments"}} from the rows, one organisation at a time."""
    orgs = list(Organisation.objects.filter(is_active=True))
    plans = {p.organisation_id: p.status for p in Plan.objects.filter(campaign=campaign, step__isnull=True)}
    with_records = set(
        ActivityRecord.objects.filter(campaign=campaign, is_deleted=False).values_list(
            "organisation_id", flat=True
        )
    )
    commitments = list(
        Commitment.objects.filter(campaign=campaign, mass_org__isnull=True).select_related("organisation")
    )
    late = campaign.plan_deadline is not None and campaign.plan_deadline < TODAY
    out = {}
    for child in root.children.filter(is_active=True):
        below = [o for o in orgs if o.path.startswith(child.path)]
        states = []
        for o in below:
            if o.depth <= campaign.organisation.depth:
                continue
            status = plans.get(o.pk)
            if late and status in (None, "draft", "returned"):
                states.append("overdue")
            else:
                states.append(status or "not_started")
        on_time = sum(s not in ("overdue", "not_started") for s in states)
        mine = [c for c in commitments if c.organisation.path.startswith(child.path)]
        drafted = len(mine)
        published = sum(c.status in PUBLIC_STATES for c in mine)
        fulfilled = sum(c.status in FULFILLED_STATES for c in mine)
        overdue = sum(c.overdue_at is not None for c in mine)
        total = fulfilled + max(published - fulfilled - overdue, 0) + overdue + max(drafted - published, 0)
        out[child.pk] = {
            "plans": _pct(on_time, len(states)),
            "records": _pct(sum(o.pk in with_records for o in below), len(below)),
            "commitments": _pct(total - overdue, total),
        }
    return out


def ranked(campaign, root):
    return {
        r["org"].pk: {k: r["values"][k] for k in ("plans", "records", "commitments")}
        for r in district_ranking(campaign=campaign, org=root)
    }


@pytest.fixture
def varied(city, campaign):
    """Three districts with plans in every state, records (one deleted, one of another campaign, one of an
    inactive organisation) and commitments (the city's own, late, open, drafts)."""
    campaign.plan_deadline = START + datetime.timedelta(days=30)
    campaign.save(update_fields=["plan_deadline"])
    other = Campaign.objects.create(
        name="另一活动", organisation=city.city, starts_on=START, ends_on=TODAY, status=CampaignStatus.ACTIVE
    )
    third = make_org("新区委", city.city)
    branches = [make_org(f"新区第{i}支部", third, OrgType.BRANCH, Sector.SOE) for i in range(5)]
    closed = make_org("已撤销支部", third, OrgType.BRANCH)
    closed.is_active = False
    closed.save(update_fields=["is_active"])
    for org, status in [
        (city.school, "approved"),
        (city.district, "draft"),
        (city.town, "submitted"),
        (branches[0], "approved"),
        (branches[1], "returned"),
        (branches[2], "submitted"),
    ]:
        Plan.objects.create(campaign=campaign, organisation=org, title="实施方案", status=status)
    Plan.objects.create(campaign=other, organisation=city.village, title="别的方案", status="approved")
    add_records(city.school, checked=1, unchecked=1, campaign=campaign)
    add_records(branches[0], checked=1, unchecked=0, campaign=campaign)
    add_records(branches[1], checked=0, unchecked=1, campaign=campaign)
    ActivityRecord.objects.filter(organisation=branches[1]).update(is_deleted=True)
    add_records(branches[2], checked=1, unchecked=0, campaign=other)
    add_records(closed, checked=1, unchecked=0, campaign=campaign)
    add_commitments(campaign, city.school, on_time=2, late=1, open_=1)
    add_commitments(campaign, city.village, on_time=0, late=2)
    add_commitments(campaign, branches[3], on_time=1, late=0, open_=2)
    add_commitments(campaign, city.city, on_time=0, late=3)  # the city's own: no child's
    Commitment.objects.filter(organisation=branches[3], status="published").update(status="draft")
    tallies.rebuild()  # the rows above are written past the services that keep the dashboard's counters
    return third


def test_district_figures_equal_a_recomputation_from_rows(city, campaign, varied):
    expected = recompute(campaign, city.city)
    assert ranked(campaign, city.city) == expected
    # Not vacuous: each indicator has a value, and the districts differ.
    assert all(v is not None for values in expected.values() for v in values.values())
    assert len({tuple(v.values()) for v in expected.values()}) == 3


def test_district_figures_equal_the_dashboard_cells(city, campaign, varied):
    children = list(city.city.children.filter(is_active=True).order_by("path"))
    rows, _sectors = progress_data(campaign=campaign, org=city.city)
    dashboard = {r.key: tuple(r.cells[k] for k in ("plans", "records", "commitments")) for r in rows}
    assert child_cells(campaign=campaign, org=city.city, children=children) == dashboard


def test_district_figures_follow_each_row(city, campaign, varied):
    """The comparison can fail: after a change to one raw row the old figures no longer match."""
    before = ranked(campaign, city.city)
    for change in (
        lambda: Plan.objects.filter(organisation=city.district).update(status="approved"),
        lambda: add_records(city.district, checked=1, unchecked=0, campaign=campaign),
        lambda: Commitment.objects.filter(organisation=city.village).update(overdue_at=None),
    ):
        change()
        tallies.rebuild()  # a raw write, past the services
        after = recompute(campaign, city.city)
        assert after != before
        assert ranked(campaign, city.city) == after
        before = after


def test_district_figures_when_asked_above_the_campaign(city, varied):
    """A campaign run by a district, ranked from the city: only the organisations below the district count
    for plans (the second branch of child_cells)."""
    campaign = Campaign.objects.create(
        name="区活动",
        organisation=city.district,
        starts_on=START,
        ends_on=TODAY,
        status=CampaignStatus.ACTIVE,
    )
    criteria_seed_defaults(campaign=campaign)
    Plan.objects.create(campaign=campaign, organisation=city.school, title="方案", status="approved")
    add_records(city.district, checked=1, unchecked=0, campaign=campaign)
    add_commitments(campaign, city.school, on_time=1, late=1)
    assert city.city.depth < campaign.organisation.depth
    assert ranked(campaign, city.city) == recompute(campaign, city.city)
