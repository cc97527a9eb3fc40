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
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if not Commitment.objects.exists():
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
    print(f"database: {connection.vendor}; commitments: {Commitment.objects.count():,}; runs: {args.runs}")
    print("| page | p50 ms | p95 ms | max ms | queries |")
    print("|---|---|---|---|---|")
    for label, url in pages:
        p50, p95, mx, nq, slowest = measure(client, url, args.runs)
        print(f"| {label} | {p50:.1f} | {p95:.1f} | {mx:.1f} | {nq} |")
        if args.show_sql:
            print(f"    slowest ({slowest['time']} s): {slowest['sql'][:400]}")


if __name__ == "__main__":
    main()
