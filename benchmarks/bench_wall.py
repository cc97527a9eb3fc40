"""Time the public commitment wall (示诺) with 200,000 commitments, in-process through Django's test Client.

Builds its own data when the database has no commitments: 示范市委 → 10 districts → 20 towns each → 24
branches each (5,011 organisations, sectors cycling through all nine), one active campaign with its 五个好 /
五带头 sets, and 200,000 commitments (85 % public, the rest draft/submitted/approved; 70 % organisations',
30 % members'), inserted with bulk_create, then ANALYZE. Then, as an anonymous visitor (the wall is public):
a few warm-up requests and --runs timed ones per page (p50 / p95 / max ms), and the query count of one more.

    mkdir -p /tmp/ps-bench-wall
    PACESETTER_DATA_DIR=/tmp/ps-bench-wall \\
    PACESETTER_DATABASE_URL=sqlite:////tmp/ps-bench-wall/wall.sqlite3 .venv/bin/python benchmarks/bench_wall.py

    psql -h 127.0.0.1 -U postgres -c 'create database ps_bench_wall'
    PACESETTER_DATA_DIR=/tmp/ps-bench-wall-pg \\
    PACESETTER_DATABASE_URL=postgres://postgres@127.0.0.1:5432/ps_bench_wall .venv/bin/python benchmarks/bench_wall.py

--ladder (PostgreSQL only) runs on a rung of the scale ladder instead (a database made by generate.py, see
bench_ladder.py): it adds, once, its own active campaign 基准：示诺墙 with the 五个好 / 五带头 sets and, by
INSERT … SELECT, 2 commitments per organisation below the root and one per tenth of the active members
(chosen by a hash of the id), with the same status mix as above; a second run finds the campaign and adds
nothing. The table then has the same columns as bench_pages.py's (the query count of one more request).
"""

import argparse
import datetime
import os
import random
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pacesetter.settings")
os.environ.setdefault("PACESETTER_DATA_DIR", "/tmp/ps-bench-wall")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from pacesetter.campaigns.enums import CampaignStatus, CriteriaSubject  # noqa: E402
from pacesetter.campaigns.models import Campaign, CriteriaItem  # noqa: E402
from pacesetter.campaigns.services import criteria_seed_defaults  # noqa: E402
from pacesetter.commitments.enums import CommitmentKind, CommitmentStatus  # noqa: E402
from pacesetter.commitments.models import Commitment  # noqa: E402
from pacesetter.orgs.enums import OrgType, Sector  # noqa: E402
from pacesetter.orgs.models import Member, Organisation, encode_segment  # noqa: E402

TOTAL = 200_000
SECTORS = list(Sector.values)
LADDER_CAMPAIGN = "基准：示诺墙"
# Status by a hash of the row (0-99): 85 % public (published 8 : reported 1 : closed 1), the rest hidden.
STATUS_SQL = """CASE
    WHEN {h} < 68 THEN 'published' WHEN {h} < 76 THEN 'reported' WHEN {h} < 85 THEN 'closed'
    WHEN {h} < 90 THEN 'draft' WHEN {h} < 95 THEN 'submitted' ELSE 'approved' END"""
LADDER_ORG_SQL = f"""
    INSERT INTO commitments_commitment (kind, title, content, target, deadline, responsible, status, progress,
        created_at, updated_at, campaign_id, criteria_item_id, organisation_id, member_id, published_at)
    SELECT 'org', '承诺实事第' || k || '项：为群众办好事实事', '', '完成 30 户走访', %(today)s::date + (x.h %% 330 - 30)::int,
        '书记、委员', {STATUS_SQL.format(h="x.h")}, CASE WHEN x.h < 85 THEN x.h ELSE 0 END, %(now)s, %(now)s,
        %(campaign)s, %(item)s, x.id, NULL,
        CASE WHEN x.h < 85 THEN %(start)s::timestamptz + (x.id * 2 + k) * interval '17 seconds' END
    FROM (SELECT o.id, k, (o.id * 7919 + k * 104729) %% 100 AS h
          FROM orgs_organisation o CROSS JOIN generate_series(1, 2) k WHERE o.depth > 0) x
"""
LADDER_MEMBER_SQL = f"""
    INSERT INTO commitments_commitment (kind, title, content, target, deadline, responsible, status, progress,
        created_at, updated_at, campaign_id, criteria_item_id, organisation_id, member_id, published_at)
    SELECT 'member', '党员承诺：为群众办实事', '', '帮扶 2 户困难群众', %(today)s::date + (x.h %% 330 - 30)::int,
        '本人', {STATUS_SQL.format(h="x.h")}, CASE WHEN x.h < 85 THEN x.h ELSE 0 END, %(now)s, %(now)s,
        %(campaign)s, %(item)s, x.organisation_id, x.id,
        CASE WHEN x.h < 85 THEN %(start)s::timestamptz + x.id * interval '3 seconds' END
    FROM (SELECT m.id, m.organisation_id, (m.id / 10 * 7919) %% 100 AS h
          FROM orgs_member m WHERE m.is_active AND (m.id * 104729) %% 10 = 0) x
"""


def build(total: int) -> None:
    rnd = random.Random(2010)
    with transaction.atomic():
        root = Organisation.objects.create(name="示范市委", path=encode_segment(1), depth=0)
        districts = Organisation.objects.bulk_create(
            [
                Organisation(name=f"第{d}区委", parent=root, path=root.path + encode_segment(d), depth=1)
                for d in range(1, 11)
            ]
        )
        towns = Organisation.objects.bulk_create(
            [
                Organisation(name=f"{p.name}第{t}镇党委", parent=p, path=p.path + encode_segment(t), depth=2)
                for p in districts
                for t in range(1, 21)
            ]
        )
        branches = Organisation.objects.bulk_create(
            [
                Organisation(
                    name=f"{p.name}第{b}支部",
                    parent=p,
                    path=p.path + encode_segment(b),
                    depth=3,
                    org_type=OrgType.BRANCH,
                    sector=SECTORS[(i * 24 + b) % len(SECTORS)],
                )
                for i, p in enumerate(towns)
                for b in range(1, 25)
            ]
        )
        members = Member.objects.bulk_create(
            [
                Member(name=f"党员{i}", gender="M", organisation=b, id_number=f"B{i:017d}")
                for i, b in enumerate(branches)
            ]
        )
        today = timezone.localdate()
        campaign = Campaign.objects.create(
            name="创先争优活动",
            organisation=root,
            status=CampaignStatus.ACTIVE,
            starts_on=today - datetime.timedelta(days=90),
            ends_on=today + datetime.timedelta(days=400),
        )
        criteria_seed_defaults(campaign=campaign)
        org_items = list(
            CriteriaItem.objects.filter(
                criteria_set__campaign=campaign, criteria_set__subject=CriteriaSubject.ORGANISATION
            )
        )
        member_items = list(
            CriteriaItem.objects.filter(
                criteria_set__campaign=campaign, criteria_set__subject=CriteriaSubject.MEMBER
            )
        )
    start = timezone.now() - datetime.timedelta(days=60)
    hidden = [CommitmentStatus.DRAFT, CommitmentStatus.SUBMITTED, CommitmentStatus.APPROVED]
    public = [CommitmentStatus.PUBLISHED] * 8 + [CommitmentStatus.REPORTED, CommitmentStatus.CLOSED]
    batch = []
    for i in range(total):
        n = rnd.randrange(len(branches))
        is_member = rnd.random() < 0.3
        status = rnd.choice(public) if rnd.random() < 0.85 else rnd.choice(hidden)
        batch.append(
            Commitment(
                campaign=campaign,
                kind=CommitmentKind.MEMBER if is_member else CommitmentKind.ORGANISATION,
                organisation=branches[n],
                member=members[n] if is_member else None,
                criteria_item=rnd.choice(member_items if is_member else org_items),
                title=f"承诺实事第{i}项：为群众办好事实事",
                target="完成 30 户走访",
                deadline=today + datetime.timedelta(days=rnd.randrange(-30, 300)),
                responsible="书记、委员",
                status=status,
                progress=rnd.randrange(0, 101) if status != CommitmentStatus.DRAFT else 0,
                published_at=start + datetime.timedelta(seconds=i * 25) if status in public else None,
            )
        )
        if len(batch) == 10_000:
            Commitment.objects.bulk_create(batch)
            batch = []
    if batch:
        Commitment.objects.bulk_create(batch)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")


def build_ladder() -> Campaign:
    """The rung's wall data (see the module docstring), once; later runs return the campaign untouched."""
    campaign = Campaign.objects.filter(name=LADDER_CAMPAIGN).first()
    if campaign is not None:
        print(f"campaign {LADDER_CAMPAIGN} already there; not adding data")
        return campaign
    assert connection.vendor == "postgresql", (
        "--ladder needs PostgreSQL (INSERT … SELECT with generate_series)"
    )
    t = time.perf_counter()
    today = timezone.localdate()
    params = {"today": today, "now": timezone.now(), "start": timezone.now() - datetime.timedelta(days=60)}
    with transaction.atomic():
        campaign = Campaign.objects.create(
            name=LADDER_CAMPAIGN,
            organisation=Organisation.objects.get(depth=0),
            status=CampaignStatus.ACTIVE,
            starts_on=today - datetime.timedelta(days=90),
            ends_on=today + datetime.timedelta(days=400),
        )
        criteria_seed_defaults(campaign=campaign)
        items = CriteriaItem.objects.filter(criteria_set__campaign=campaign).order_by("pk")
        params["campaign"] = campaign.pk
        with connection.cursor() as cur:
            params["item"] = items.filter(criteria_set__subject=CriteriaSubject.ORGANISATION).first().pk
            cur.execute(LADDER_ORG_SQL, params)
            orgs = cur.rowcount
            params["item"] = items.filter(criteria_set__subject=CriteriaSubject.MEMBER).first().pk
            cur.execute(LADDER_MEMBER_SQL, params)
            members = cur.rowcount
    with connection.cursor() as cur:
        cur.execute("ANALYZE commitments_commitment")
    print(
        f"# added {orgs:,} organisation and {members:,} member commitments in {time.perf_counter() - t:.0f} s"
    )
    return campaign


def percentile(values, p):
    values = sorted(values)
    k = (len(values) - 1) * p
    f = int(k)
    c = min(f + 1, len(values) - 1)
    return values[f] + (values[c] - values[f]) * (k - f)


def measure(client, url, runs, warmup=3):
    for _ in range(warmup):
        assert client.get(url).status_code == 200, url
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - t) * 1000)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    slowest = max(ctx.captured_queries, key=lambda q: float(q["time"]))
    return statistics.median(times), percentile(times, 0.95), max(times), len(ctx.captured_queries), slowest


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--total", type=int, default=TOTAL)
    parser.add_argument("--show-sql", action="store_true")
    parser.add_argument("--ladder", action="store_true", help="add proportional data to a generate.py rung")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if args.ladder:
        build_ladder()
    elif not Commitment.objects.exists():
        t = time.perf_counter()
        build(args.total)
        print(f"built {Commitment.objects.count():,} commitments in {time.perf_counter() - t:.0f} s")
    root = Organisation.objects.get(depth=0)
    district = Organisation.objects.filter(depth=1).order_by("path").first()
    town = Organisation.objects.filter(depth=2).order_by("path").first()
    pages = [
        ("wall, first page (whole city)", "/wall/"),
        ("wall, first page, root subtree", f"/wall/?org={root.pk}"),
        ("wall, one district subtree", f"/wall/?org={district.pk}"),
        ("wall, filtered: district + sector 学校", f"/wall/?org={district.pk}&sector=school"),
        ("wall, filtered: town + sector 学校", f"/wall/?org={town.pk}&sector=school"),
        ("wall, district, page 50", f"/wall/?org={district.pk}&page=50"),
        ("API /api/wall filtered (district + 学校)", f"/api/wall?org_id={district.pk}&sector=school"),
    ]
    client = Client()
    public = Commitment.objects.filter(published_at__isnull=False).count()
    print(
        f"# database: {connection.vendor} ({connection.settings_dict['NAME']}); commitments: "
        f"{Commitment.objects.count():,} ({public:,} on the wall); runs: {args.runs}"
    )
    print("| page | URL | p50 ms | p95 ms | max ms | queries | slowest query ms |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for label, url in pages:
        p50, p95, mx, nq, slowest = measure(client, url, args.runs)
        print(
            f"| {label} | `{url}` | {p50:.1f} | {p95:.1f} | {mx:.1f} | {nq} | {float(slowest['time']) * 1000:.0f} |",
            flush=True,
        )
        if args.show_sql:
            print(f"    slowest ({slowest['time']} s): {slowest['sql'][:400]}")


if __name__ == "__main__":
    main()
