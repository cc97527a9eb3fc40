"""The dashboard's roll-up counters (campaigns.tallies, #23): kept equal to a rebuild by every service, and
read by the dashboard with the same cells as the live aggregation (progress_data_live, the oracle)."""

import datetime
import io
from datetime import timedelta

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db.models import F
from django.utils import timezone

from pacesetter.campaigns import tallies
from pacesetter.campaigns.enums import CampaignStatus, StepCapability, StepKind
from pacesetter.campaigns.models import Campaign, Stage, Step, Tally, TallyMonth
from pacesetter.campaigns.services import campaign_create, criteria_seed_defaults
from pacesetter.commitments import services as commitments
from pacesetter.commitments.enums import CommitmentStatus as S
from pacesetter.commitments.models import Commitment
from pacesetter.orgs import imports
from pacesetter.orgs.enums import OrgType, Role, Sector
from pacesetter.orgs.models import ImportStatus
from pacesetter.orgs.services import org_move, org_set_active, org_update
from pacesetter.plans import services as plans
from pacesetter.progress.selectors import (
    child_cells,
    child_cells_live,
    progress_data,
    progress_data_live,
    timeline,
    timeline_live,
)
from pacesetter.records import services as records
from tests.commitments.conftest import advance, member_commitment, org_commitment
from tests.factories import make_org, make_user


def make_campaign(city, *, deadline_days=10) -> Campaign:
    """An active city campaign with plans, commitments and fulfilment open and no records window."""
    today, now = timezone.localdate(), timezone.now()
    campaign = Campaign.objects.create(
        name="示范市创先争优活动",
        organisation=city.city,
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=365),
        status=CampaignStatus.ACTIVE,
        plan_deadline=today + timedelta(days=deadline_days),
    )
    criteria_seed_defaults(campaign=campaign)
    stage = Stage.objects.create(
        campaign=campaign, name="第一阶段", starts_on=campaign.starts_on, ends_on=campaign.ends_on
    )
    for kind, cap in (
        (StepKind.MOBILISE, "plans"),
        (StepKind.COMMIT, StepCapability.COMMITMENTS),
        (StepKind.STRIVE, StepCapability.FULFILMENT),
    ):
        Step.objects.create(
            campaign=campaign,
            stage=stage,
            kind=kind,
            capabilities=[cap],
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=60),
        )
    # Written past campaign_create (which builds the first rows itself): build them here.
    tallies.rebuild(campaign)
    return campaign


def xlsx(rows) -> bytes:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def org_import(city, rows):
    content = xlsx([["组织名称", "上级组织", "组织类别", "所属行业"], *rows])
    batch = imports.import_batch_create(actor=city.office, kind="orgs", filename="t.xlsx", content=content)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.READY, batch.report["errors"]
    imports.import_batch_confirm(actor=city.office, batch=batch)


def record(city, org, title="学习十七届四中全会精神"):
    return records.record_create(
        actor=city.office,
        organisation=org,
        kind="study",
        title=title,
        occurred_on=timezone.localdate() - timedelta(days=1),
        place="会议室",
        participants="全体党员",
        content="集中学习",
    )


def dashboards(campaign, nodes):
    """Every dashboard the counters serve for `nodes`: (node, sector) -> (child rows, sector rows)."""
    result = {}
    for node in nodes:
        node.refresh_from_db()
        for sector in ["", *Sector.values]:
            result[(node.name, sector)] = (
                progress_data(campaign=campaign, org=node, sector=sector),
                progress_data_live(campaign=campaign, org=node, sector=sector),
            )
    return result


def flat(rows_and_sectors):
    rows, sectors = rows_and_sectors
    return [(r.key, r.label, r.cells, r.supervision, r.org.subtree_orgs) for r in rows], [
        (r.key, r.cells) for r in sectors
    ]


def assert_counters_right(campaign, nodes):
    assert tallies.differences() == []
    for key, (tallied, live) in dashboards(campaign, nodes).items():
        assert flat(tallied) == flat(live), key
    for node in nodes:
        assert timeline(campaign=campaign, org=node) == timeline_live(campaign=campaign, org=node), node.name
        children = list(node.children.filter(is_active=True).order_by("path"))
        assert child_cells(campaign=campaign, org=node, children=children) == child_cells_live(
            campaign=campaign, org=node, children=children
        )


@pytest.fixture
def secretaries(city):
    city.school_secretary = make_user("school_secretary", Role.SECRETARY, city.school)
    city.village_secretary = make_user("village_secretary", Role.SECRETARY, city.village)
    return city


def test_counters_follow_every_service_and_match_the_live_dashboard(city, secretaries):
    campaign = make_campaign(city)
    school2 = make_org("城厢区第二小学党支部", city.district, OrgType.BRANCH, Sector.SCHOOL)
    spare = make_org("和林镇临时党支部", city.town, OrgType.BRANCH, Sector.VILLAGE)
    nodes = [city.city, city.district, city.town]
    assert_counters_right(campaign, nodes)

    # Plans: approved, returned (then a draft of a new organisation).
    p = plans.plan_save(
        actor=city.school_secretary, campaign=campaign, org=city.school, title="方案", body="<p>x</p>"
    )
    plans.plan_submit(actor=city.school_secretary, plan=p)
    plans.plan_decide(actor=city.secretary, plan=p, decision="approve")
    v = plans.plan_save(
        actor=city.village_secretary, campaign=campaign, org=city.village, title="方案", body="<p>y</p>"
    )
    plans.plan_submit(actor=city.village_secretary, plan=v)
    plans.plan_decide(actor=city.town_secretary, plan=v, decision="return", comment="请补充")
    plans.plan_save(actor=city.secretary, campaign=campaign, org=school2, title="草稿", body="<p>z</p>")
    assert_counters_right(campaign, nodes)

    # Records: two for the school (one deleted: it still has one), one for the village, deleted.
    r1 = record(city, city.school)
    record(city, city.school, "第二次学习")
    records.record_delete(actor=city.office, record=r1)
    r3 = record(city, city.village)
    records.record_delete(actor=city.office, record=r3)
    moved = record(city, spare)
    record(city, city.city, "市委理论学习中心组学习")  # the campaign's own organisation: read live
    assert_counters_right(campaign, nodes)
    # A record's date moved to another month: the timeline moves it too (and not within a month).
    for day in (timezone.localdate() - timedelta(days=70), timezone.localdate() - timedelta(days=71)):
        records.record_update(actor=city.office, record=moved, occurred_on=day)
        assert_counters_right(campaign, nodes)
    assert (
        sum(timeline(campaign=campaign, org=city.city)["records"]) == 3
    )  # the school's second, the moved one, the city's

    # Commitments through their states, a member's, and the overdue sweep.
    published = advance(city, org_commitment(city, campaign), S.PUBLISHED)
    advance(city, org_commitment(city, campaign, title="已述诺"), S.REPORTED)
    advance(city, org_commitment(city, campaign, title="退回"), S.RETURNED)
    member_commitment(city, campaign)
    Commitment.objects.filter(pk=published.pk).update(deadline=timezone.localdate() - timedelta(days=1))
    assert commitments.commitments_flag_overdue() == 1
    assert_counters_right(campaign, nodes)
    cells = child_cells(campaign=campaign, org=city.city, children=[city.district])[city.district.path]
    assert (cells[0].done, cells[1].done, cells[2].done, cells[2].overdue) == (1, 1, 1, 1)

    # The tree: a sector change, a deactivation (its record no longer counts), a move, an import.
    org_update(
        actor=city.office, org=school2, name=school2.name, org_type=OrgType.BRANCH, sector=Sector.AGENCY
    )
    spare.refresh_from_db()
    org_set_active(actor=city.office, org=spare, active=False)
    assert_counters_right(campaign, nodes)
    org_set_active(actor=city.office, org=spare, active=True)
    school2.refresh_from_db()
    # A move: within the city's campaign the subtree's totals change chains; the district's own campaign
    # (which the school leaves) is rebuilt; then back, and a move of a whole town with its branches.
    district_campaign = Campaign.objects.create(
        name="城厢区创先争优活动",
        organisation=city.district,
        starts_on=campaign.starts_on,
        ends_on=campaign.ends_on,
        status=CampaignStatus.ACTIVE,
    )
    tallies.rebuild(district_campaign)
    plans.plan_save(
        actor=city.secretary, campaign=district_campaign, org=school2, title="区方案", body="<p>q</p>"
    )
    org_move(actor=city.office, org=school2, new_parent=city.town)
    assert_counters_right(campaign, nodes)
    school2.refresh_from_db()
    org_move(actor=city.office, org=school2, new_parent=city.district)
    assert_counters_right(campaign, nodes)
    town2 = make_org("城厢区第二镇党委", city.district, OrgType.COMMITTEE, Sector.VILLAGE)
    branch = make_org("第二镇第一村党支部", town2, OrgType.BRANCH, Sector.VILLAGE)
    record(city, branch)
    town2.refresh_from_db()
    org_move(actor=city.office, org=town2, new_parent=city.city)
    assert_counters_right(campaign, [*nodes, town2])
    org_import(
        city,
        [["城厢区第三小学党支部", "城厢区委", "支部", "中小学"], ["和林镇党委", "示范市委", "党委", "农村"]],
    )
    assert_counters_right(campaign, nodes)


def test_plan_deadline_passed_turns_outstanding_plans_overdue(city, secretaries):
    campaign = make_campaign(city)
    plans.plan_save(
        actor=city.school_secretary, campaign=campaign, org=city.school, title="方案", body="<p>x</p>"
    )
    Campaign.objects.filter(pk=campaign.pk).update(plan_deadline=timezone.localdate() - timedelta(days=1))
    campaign.refresh_from_db()
    assert_counters_right(campaign, [city.city, city.district])
    rows, _sectors = progress_data(campaign=campaign, org=city.city)
    district = next(r for r in rows if r.org == city.district)
    assert (district.cells["plans"].overdue, district.cells["plans"].not_started) == (2, 0)


def test_campaign_create_builds_the_first_rows(city):
    today = timezone.localdate()
    campaign = campaign_create(
        actor=city.office,
        organisation=city.city,
        name="新活动",
        starts_on=today,
        ends_on=today + datetime.timedelta(days=100),
    )
    assert tallies.stored(campaign) and tallies.differences(campaign) == []
    rows, _ = progress_data(campaign=campaign, org=city.city)
    assert sum(r.cells["plans"].not_started for r in rows) == 4  # district, school, town, village


def test_bump_writes_one_row_per_ancestor_below_the_campaign(city):
    campaign = make_campaign(city)
    before = Tally.objects.count()
    branch = make_org("八一村第二党支部", city.town, OrgType.BRANCH, Sector.VILLAGE)
    rows = Tally.objects.filter(campaign=campaign, sector=Sector.VILLAGE, shard=branch.pk % 8)
    assert set(rows.filter(orgs__gt=0).values_list("node_id", flat=True)) >= {city.town.pk, branch.pk}
    assert Tally.objects.count() - before <= 2  # the town's and the branch's; never the city's own
    assert not Tally.objects.filter(campaign=campaign, node=city.city).exists()


def test_tally_check_reports_a_corrupted_row_and_repair_fixes_it(city, capsys):
    make_campaign(city)
    call_command("tally_check")
    assert "0" in capsys.readouterr().out
    Tally.objects.filter(node=city.district).update(orgs=F("orgs") + 5)
    with pytest.raises(CommandError):
        call_command("tally_check")
    out = capsys.readouterr().out
    assert str(city.district.pk) in out and "orgs" in out
    call_command("tally_repair")
    assert tallies.differences() == []
    call_command("tally_check")


def test_tally_check_reports_a_corrupted_month_and_repair_fixes_it(city, secretaries, capsys):
    campaign = make_campaign(city)
    record(city, city.school)
    assert TallyMonth.objects.filter(campaign=campaign, node=city.district, records=1).exists()
    TallyMonth.objects.filter(node=city.district).update(records=F("records") + 2)
    with pytest.raises(CommandError):
        call_command("tally_check")
    assert f"node {city.district.pk} shard" in capsys.readouterr().out
    call_command("tally_repair")
    assert tallies.differences() == []
    assert sum(timeline(campaign=campaign, org=city.city)["records"]) == 1
