"""Time the case pages at 1,000,000 cases over 50,000 organisations, in-process through Django's test Client.

Builds its own data when the database has no cases: 示范市委 → 20 districts → 400 towns → 49,600 branches
(50,021 organisations, built with bulk_create), one office account on the root and one secretary on a
district and one on a branch; then 1,000,000 cases generated in ONE `INSERT … SELECT` over a number series
(PostgreSQL `generate_series`, SQLite a recursive CTE): owners spread over the branches, received over the
last 365 days, statuses 1 % triage / 9 % received / 10 % processing / 10 % verified / 10 % replied /
60 % closed, a tenth of them overdue at some deadline, a third rated; then ANALYZE. Then, for each page,
3 warm-up requests and --runs timed ones (p50 / p95 / max ms) and the query count of one more.

    psql -h 127.0.0.1 -U postgres -c 'create database ps_bench_cases'
    PACESETTER_DATA_DIR=/tmp/ps-bench-cases-pg \\
    PACESETTER_DATABASE_URL=postgres://postgres@127.0.0.1:5432/ps_bench_cases .venv/bin/python benchmarks/bench_complaints.py

    mkdir -p /tmp/ps-bench-cases
    PACESETTER_DATA_DIR=/tmp/ps-bench-cases \\
    PACESETTER_DATABASE_URL=sqlite:////tmp/ps-bench-cases/cases.sqlite3 .venv/bin/python benchmarks/bench_complaints.py
"""

import argparse
import datetime
import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pacesetter.settings")
os.environ.setdefault("PACESETTER_DATA_DIR", "/tmp/ps-bench-cases")
os.environ.setdefault("PACESETTER_STATIC_MANIFEST", "false")  # pages render without a collectstatic run

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from pacesetter.complaints.models import Case, CaseMonth  # noqa: E402
from pacesetter.complaints.stats import rebuild  # noqa: E402
from pacesetter.orgs.enums import OrgType, Role  # noqa: E402
from pacesetter.orgs.models import Organisation, RoleGrant, encode_segment  # noqa: E402

TOTAL = 1_000_000
DISTRICTS, TOWNS, BRANCHES = 20, 20, 124


def build_orgs():
    with transaction.atomic():
        root = Organisation.objects.create(name="示范市委", path=encode_segment(1), depth=0)
        districts = Organisation.objects.bulk_create(
            [
                Organisation(name=f"第{d}区委", parent=root, path=root.path + encode_segment(d), depth=1)
                for d in range(1, DISTRICTS + 1)
            ]
        )
        towns = Organisation.objects.bulk_create(
            [
                Organisation(name=f"{p.name}第{t}镇", parent=p, path=p.path + encode_segment(t), depth=2)
                for p in districts
                for t in range(1, TOWNS + 1)
            ]
        )
        for i in range(0, len(towns), 50):
            Organisation.objects.bulk_create(
                [
                    Organisation(
                        name=f"{p.name}第{b}支部",
                        parent=p,
                        path=p.path + encode_segment(b),
                        depth=3,
                        org_type=OrgType.BRANCH,
                    )
                    for p in towns[i : i + 50]
                    for b in range(1, BRANCHES + 1)
                ],
                batch_size=2000,
            )
    return root


def build_cases(total: int):
    """One INSERT … SELECT: the i-th case goes to branch (i * 7919 mod branches), received i mod 365 days ago;
    rows are written oldest first, as cases arrive in date order (a month's cases lie together on disk)."""
    q = connection.ops.quote_name
    pg = connection.vendor == "postgresql"
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_branch")
        cur.execute(
            f"CREATE TABLE bench_branch AS SELECT id, path, ROW_NUMBER() OVER (ORDER BY id) AS rn "
            f"FROM {q(Organisation._meta.db_table)} WHERE depth = 3"
        )
        cur.execute("CREATE INDEX bench_branch_rn ON bench_branch (rn)")
        cur.execute("SELECT COUNT(*) FROM bench_branch")
        nb = cur.fetchone()[0]
        big = "g.i::bigint" if pg else "g.i"
        series = (
            f"generate_series(1, {total}) AS g(i)"
            if pg
            else f"(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {total}) SELECT i FROM s) AS g"
        )
        if pg:
            day = "(CURRENT_DATE - (g.i % 365))"
            plus = lambda n: f"({day} + {n})"  # noqa: E731
            ts = f"({day}::timestamp + interval '9 hours')"
            ts_plus = lambda n: f"({day}::timestamp + interval '{n} days')"  # noqa: E731
            num = "LPAD(g.i::text, 12, '0')"
            false = "FALSE"
        else:
            day = "DATE('now', '-' || (g.i % 365) || ' days')"
            plus = lambda n: f"DATE({day}, '+{n} days')"  # noqa: E731
            ts = f"DATETIME({day}, '+9 hours')"
            ts_plus = lambda n: f"DATETIME({day}, '+{n} days')"  # noqa: E731
            num = "printf('%012d', g.i)"
            false = "0"
        status = (
            "CASE WHEN g.i % 100 = 0 THEN 'triage' WHEN g.i % 10 = 1 THEN 'received' WHEN g.i % 10 = 2 "
            "THEN 'processing' WHEN g.i % 10 = 3 THEN 'verified' WHEN g.i % 10 = 4 THEN 'replied' ELSE 'closed' END"
        )
        done = lambda k, n: f"CASE WHEN g.i % 10 >= {k} OR g.i % 10 = 0 THEN {ts_plus(n)} END"  # noqa: E731
        late = lambda n: f"CASE WHEN g.i % 97 < 10 THEN {ts_plus(n)} END"  # noqa: E731
        cur.execute(
            f"""INSERT INTO {q(Case._meta.db_table)} (number, kind, subject_type, subject_org_id, first_owner_id,
            owner_id, path, status, source_type, source_id, text, public_summary, public_reply, is_public,
            real_name, reporter_name, reporter_phone, reporter_key, password_hash, query_failures,
            received_at, received_on, ack_by, verify_by, reply_by, close_by, acknowledged_at, verified_at,
            replied_at, closed_at, ack_overdue_at, verify_overdue_at, reply_overdue_at, close_overdue_at,
            reply, finding, satisfaction, satisfaction_reason, reopened, review_conclusion, outcome, updated_at)
            SELECT {num}, 'report', 'org', b.id, b.id, b.id, b.path, {status}, '', '', '基准测试反映内容', '', '',
            {false}, {false}, '', '', '', 'x', 0,
            {ts}, {day}, {plus(2)}, {plus(14)}, {plus(21)}, {plus(28)},
            {done(2, 1)}, {done(4, 8)}, {done(5, 12)}, CASE WHEN g.i % 10 >= 5 OR g.i % 10 = 0 THEN {ts_plus(20)} END,
            {late(3)}, {late(15)}, NULL, NULL,
            '', CASE WHEN g.i % 10 >= 4 OR g.i % 10 = 0 THEN 'true' ELSE '' END,
            CASE WHEN g.i % 3 = 0 AND (g.i % 10 >= 5 OR g.i % 10 = 0) THEN 'satisfied' ELSE '' END, '',
            {false}, '', CASE WHEN g.i % 10 >= 5 OR g.i % 10 = 0 THEN 'closed' ELSE '' END, {ts}
            FROM {series} JOIN bench_branch b ON b.rn = ({big} * 7919 % {nb}) + 1
            ORDER BY g.i % 365 DESC, g.i
            """
        )
        cur.execute(f"UPDATE {q(Case._meta.db_table)} SET owner_id = NULL WHERE status = 'triage'")
        cur.execute("DROP TABLE bench_branch")
    t = time.perf_counter()
    rows = rebuild()  # the precomputed monthly figures (complaints.stats), as the migration fills them
    print(f"monthly figures: {rows} rows in {time.perf_counter() - t:.1f} s")
    with connection.cursor() as cur:
        cur.execute("ANALYZE")


def accounts(root):
    User = get_user_model()
    district = Organisation.objects.get(path=root.path + encode_segment(1))
    branch = Organisation.objects.filter(depth=3).order_by("path").first()
    users = {}
    for name, role, org in (
        ("office", Role.OFFICE, root),
        ("district", Role.SECRETARY, district),
        ("branch", Role.SECRETARY, branch),
    ):
        u, created = User.objects.get_or_create(username=f"bench_{name}")
        if created:
            RoleGrant.objects.create(user=u, role=role, organisation=org)
        users[name] = u
    return users, district, branch


def timed(client, url, runs):
    for _ in range(3):
        assert client.get(url).status_code == 200, url
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        r = client.get(url)
        times.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    times.sort()
    p95 = times[max(0, int(round(0.95 * len(times))) - 1)]
    return statistics.median(times), p95, times[-1], len(ctx.captured_queries), ctx


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--cases", type=int, default=TOTAL)
    parser.add_argument("--show-sql", action="store_true")
    parser.add_argument("--only", default="", help="time only the pages whose label contains this text")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    root = Organisation.objects.filter(depth=0, name="示范市委").first()
    if root is None:
        t = time.perf_counter()
        root = build_orgs()
        print(f"organisations: {Organisation.objects.count()} in {time.perf_counter() - t:.1f} s")
    if not Case.objects.exists():
        t = time.perf_counter()
        build_cases(args.cases)
        print(f"cases: {Case.objects.count()} in {time.perf_counter() - t:.1f} s")
    elif not CaseMonth.objects.exists():
        t = time.perf_counter()
        print(f"monthly figures: {rebuild()} rows in {time.perf_counter() - t:.1f} s")
    users, district, branch = accounts(root)
    month = timezone.localdate().replace(day=1).strftime("%Y-%m")
    # The last full month (≈ 83,000 cases at the root), beside the current, partly elapsed one.
    full = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).strftime("%Y-%m")
    pages = [
        ("office triage queue (root)", "office", "/complaints/triage/"),
        ("inbox, office at the root", "office", "/complaints/"),
        ("inbox, district secretary", "district", "/complaints/"),
        ("inbox, branch secretary", "branch", "/complaints/"),
        ("inbox, root, overdue only", "office", "/complaints/?overdue=on"),
        ("monthly statistics at the root", "office", f"/complaints/stats/?month={month}"),
        ("monthly statistics at the root, last full month", "office", f"/complaints/stats/?month={full}"),
        ("monthly statistics, district", "district", f"/complaints/stats/?month={month}"),
        ("API /api/cases (root)", "office", "/api/cases"),
        ("API /api/cases/stats (root)", "office", f"/api/cases/stats?month={month}"),
    ]
    print(f"{connection.vendor}: {Case.objects.count()} cases, {Organisation.objects.count()} organisations")
    print("| page | p50 ms | p95 ms | max ms | queries |\n|---|---|---|---|---|")
    for label, who, url in pages:
        if args.only not in label:
            continue
        c = Client()
        c.force_login(users[who])
        p50, p95, worst, nq, ctx = timed(c, url, args.runs)
        print(f"| {label} `{url}` | {p50:.1f} | {p95:.1f} | {worst:.1f} | {nq} |", flush=True)
        if args.show_sql:
            for q in ctx.captured_queries:
                print("   ", q["time"], q["sql"][:400])


if __name__ == "__main__":
    main()
