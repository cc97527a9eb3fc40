"""Time the points pages (a member's account, a root sector standing) at --members members × --entries entries.

Builds its own data when the database has no point entries: 示范市委 → 10 districts → 10 towns each →
branches of 30 members (so 100 towns and members/30 branches, sectors spread over the nine), one campaign with
this year's period and one rule, then the members and the entries in two `INSERT … SELECT` statements over a
recursive CTE (SQLite) or generate_series with the entry table's indexes rebuilt after the load (PostgreSQL), then PointOrgTotal rebuilt from the entries
(`points_rebuild_totals`) and ANALYZE. Then, for each page, 3 warm-up requests and --runs timed ones through
Django's test Client (p50 / p95 / max ms) and the query count of one more.

    mkdir -p /tmp/ps-bench-points
    PACESETTER_DATA_DIR=/tmp/ps-bench-points \\
    PACESETTER_DATABASE_URL=sqlite:////tmp/ps-bench-points/points.sqlite3 \\
    .venv/bin/python benchmarks/bench_points.py --members 100000 --entries 50
"""

import argparse
import datetime
import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pacesetter.settings")
os.environ.setdefault("PACESETTER_DATA_DIR", "/tmp/ps-bench-points")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from pacesetter.campaigns.models import Campaign  # noqa: E402
from pacesetter.orgs.enums import OrgType, Role, Sector  # noqa: E402
from pacesetter.orgs.models import Member, Organisation, RoleGrant, encode_segment  # noqa: E402
from pacesetter.points.models import PointEntry, PointPeriod, PointRule  # noqa: E402
from pacesetter.points.services import points_rebuild_totals  # noqa: E402

DISTRICTS, TOWNS, PER_BRANCH = 10, 10, 30
SECTORS = list(Sector.values)


def build(members: int, entries: int) -> None:
    branches_total = max(1, members // PER_BRANCH)
    per_town = -(-branches_total // (DISTRICTS * TOWNS))
    today = timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        root = Organisation.objects.create(name="示范市委", path=encode_segment(1), depth=0)
        districts = Organisation.objects.bulk_create(
            Organisation(name=f"第{d}区委", parent=root, path=root.path + encode_segment(d), depth=1)
            for d in range(1, DISTRICTS + 1)
        )
        towns = Organisation.objects.bulk_create(
            Organisation(name=f"{p.name}第{t}镇", parent=p, path=p.path + encode_segment(t), depth=2)
            for p in districts
            for t in range(1, TOWNS + 1)
        )
        branches = []
        n = 0
        for town in towns:
            for b in range(1, per_town + 1):
                if n >= branches_total:
                    break
                branches.append(
                    Organisation(
                        name=f"{town.name}第{b}支部",
                        parent=town,
                        path=town.path + encode_segment(b),
                        depth=3,
                        org_type=OrgType.BRANCH,
                        sector=SECTORS[n % len(SECTORS)],
                        member_count=PER_BRANCH,
                    )
                )
                n += 1
        Organisation.objects.bulk_create(branches, batch_size=5000)
        first_branch = (
            Organisation.objects.filter(depth=3).order_by("id").values_list("id", flat=True).first()
        )
        office = get_user_model().objects.create_user("bench_office", password="x")
        RoleGrant.objects.create(user=office, role=Role.OFFICE, organisation=root)
        campaign = Campaign.objects.create(
            name="创先争优活动",
            organisation=root,
            starts_on=datetime.date(today.year, 1, 1),
            ends_on=datetime.date(today.year, 12, 31),
        )
        period = PointPeriod.objects.create(campaign=campaign, year=today.year)
        rule = PointRule.objects.create(
            period=period, name="带头服务群众", event_type="manual", points=3, manual_by="secretary"
        )
    t = time.perf_counter()
    if connection.vendor == "postgresql":
        _insert_pg(branches_total, first_branch, entries, period, rule, today, now)
    else:
        _insert_sqlite(branches_total, first_branch, entries, period, rule, today, now)
    print(f"members and entries inserted in {time.perf_counter() - t:.0f} s")
    t = time.perf_counter()
    points_rebuild_totals(period=period)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(f"totals rebuilt and ANALYZE in {time.perf_counter() - t:.0f} s")


def _insert_pg(branches_total, first_branch, entries, period, rule, today, now) -> None:
    """generate_series, and the entry table's indexes and unique key dropped for the load and rebuilt after
    (50 M rows into eight live indexes would take most of an hour)."""
    m, e = Member._meta.db_table, PointEntry._meta.db_table
    with transaction.atomic(), connection.cursor() as cur:
        # generated rows point at rows made just above: no per-row foreign-key trigger (needs a superuser)
        cur.execute("SET LOCAL session_replication_role = replica")
        cur.execute(
            f"""INSERT INTO {m} (name, gender, ethnicity, post, organisation_id, phone, id_number, is_active,
                             status, created_at, updated_at)
            SELECT '党员' || i, 'M', '汉族', '', %s + i / {PER_BRANCH}, '', 'B' || lpad(i::text, 17, '0'), true,
                   '', %s, %s FROM generate_series(0, %s - 1) AS i""",
            [first_branch, now, now, branches_total * PER_BRANCH],
        )
        cur.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass"
            " AND contype = 'u'",
            [e],
        )
        uniques = cur.fetchall()
        cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT LIKE '%%_pkey'",
            [e],
        )
        unique_names = {name for name, _d in uniques}
        indexes = [(n, d) for n, d in cur.fetchall() if n not in unique_names]
        for name, _d in uniques:
            cur.execute(f'ALTER TABLE {e} DROP CONSTRAINT "{name}"')
        for name, _d in indexes:
            cur.execute(f'DROP INDEX "{name}"')
        first_member = Member.objects.order_by("id").values_list("id", flat=True).first()
        cur.execute(
            f"""INSERT INTO {e} (period_id, rule_id, member_id, organisation_id, points, source, event_type,
                             event_id, link, reason, occurred_on, created_at)
            SELECT %s, %s, mm.id, mm.organisation_id, CASE WHEN (mm.id + k) %% 7 = 0 THEN -2 ELSE 3 END,
                   'claim', 'manual', (mm.id - %s) * %s + k, '', '为社区群众义务服务',
                   %s::date + ((mm.id + k) %% 330)::int, %s
            FROM {m} mm CROSS JOIN generate_series(0, %s - 1) AS k""",
            [period.pk, rule.pk, first_member, entries, datetime.date(today.year, 1, 1), now, entries],
        )
    with connection.cursor() as cur:
        cur.execute("SET maintenance_work_mem = '1GB'")
        for _name, definition in indexes:
            cur.execute(definition)
        for name, definition in uniques:
            cur.execute(f'ALTER TABLE {e} ADD CONSTRAINT "{name}" {definition}')


def _insert_sqlite(branches_total, first_branch, entries, period, rule, today, now) -> None:
    m, e = Member._meta.db_table, PointEntry._meta.db_table
    with transaction.atomic(), connection.cursor() as cur:
        # Branch ids are consecutive from first_branch (one bulk_create); member i sits in branch i / 30.
        cur.execute(
            f"""WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i + 1 < %s)
            INSERT INTO {m} (name, gender, ethnicity, post, organisation_id, phone, id_number, is_active,
                             status, created_at, updated_at)
            SELECT '党员' || i, 'M', '汉族', '', %s + i / {PER_BRANCH}, '', printf('B%%017d', i), 1, '', %s, %s
            FROM s""",
            [branches_total * PER_BRANCH, first_branch, now, now],
        )
        first_member = Member.objects.order_by("id").values_list("id", flat=True).first()
        cur.execute(
            f"""WITH RECURSIVE k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k WHERE j + 1 < %s)
            INSERT INTO {e} (period_id, rule_id, member_id, organisation_id, points, source, event_type, event_id,
                             link, reason, occurred_on, created_at)
            SELECT %s, %s, mm.id, mm.organisation_id, CASE WHEN (mm.id + k.j) %% 7 = 0 THEN -2 ELSE 3 END,
                   'claim', 'manual', (mm.id - %s) * %s + k.j, '', '为社区群众义务服务',
                   date(%s, '+' || ((mm.id + k.j) %% 330) || ' days'), %s
            FROM {m} mm CROSS JOIN k""",
            [entries, period.pk, rule.pk, first_member, entries, f"{today.year}-01-01", now],
        )


def timed(client: Client, url: str, runs: int) -> tuple[float, float, float, int]:
    for _ in range(3):
        assert client.get(url).status_code == 200, url
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        r = client.get(url)
        samples.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200
    with CaptureQueriesContext(connection) as q:
        client.get(url)
    samples.sort()
    p95 = samples[max(0, int(len(samples) * 0.95) - 1)]
    return statistics.median(samples), p95, samples[-1], len(q.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--entries", type=int, default=50)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if not PointEntry.objects.exists():
        t = time.perf_counter()
        build(args.members, args.entries)
        print(f"built in {time.perf_counter() - t:.0f} s")
    period = PointPeriod.objects.get()
    root = Organisation.objects.get(depth=0, name="示范市委")
    print(
        f"{Member.objects.count():,} members, {PointEntry.objects.count():,} entries, "
        f"{Organisation.objects.filter(depth=3).count():,} branches"
    )
    client = Client()
    client.force_login(get_user_model().objects.get(username="bench_office"))
    member = Member.objects.order_by("-id").first()
    pages = {
        "member account (50 entries, total)": f"/points/members/{member.pk}/?period={period.pk}",
        "branch member standing": f"/points/orgs/{member.organisation_id}/members/?period={period.pk}",
        "root standing, branches of one sector": f"/points/orgs/{root.pk}/standing/?period={period.pk}&depth=3&sector=school",
        "root standing, all branches": f"/points/orgs/{root.pk}/standing/?period={period.pk}&depth=3",
    }
    # The pages link hashed static files; the bench has not run collectstatic, so plain storage names them.
    plain = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=plain):
        _time_pages(client, pages, args.runs)


def _time_pages(client, pages, runs):
    for label, url in pages.items():
        p50, p95, worst, queries = timed(client, url, runs)
        print(f"{label:42s} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  max {worst:6.1f} ms  {queries} queries")


if __name__ == "__main__":
    main()
