"""Do ballots, audit entries and task rows need partitioning on PostgreSQL? A bounded measurement.

On the real, migrated schema (FK checks off while loading, as a restore would), the script grows each table in
steps and times, at each size, the queries the product runs against it (EXPLAIN ANALYZE, median of 3, warm):

- ballots: the results aggregate of ONE round (`evaluations.results._aggregate_rows`, same SQL shape: GROUP BY
  target, group, channel with COUNT … FILTER per answer) while other rounds pile up in the table;
- audit entries: the newest 50 of a district's subtree (the audit page) and one object's history;
- task rows: the worker's claim (`ready()` ordered, FOR UPDATE SKIP LOCKED) with finished rows piling up.

If a query's time follows the size of what it reads (one round, one page) and not the size of the table, the
table does not need partitioning for speed; what is left is retention (dropping old rounds/months), measured
as the time to DELETE one round. Usage (a database of its own; it is filled, not cleaned):

    psql -h 127.0.0.1 -U postgres -c 'create database ps_bench_partitions'
    PACESETTER_DATA_DIR=/tmp/ps-bench-part PACESETTER_DATABASE_URL=postgres://postgres@127.0.0.1:5432/ps_bench_partitions \\
    .venv/bin/python benchmarks/bench_partitions.py [--round-ballots 1000000] [--rounds 4] [--audit-steps 1000000,4000000]
"""

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pacesetter.settings")
import django  # noqa: E402

django.setup()
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402


def sql(q, params=None):
    with connection.cursor() as c:
        c.execute(q, params)
        return c.fetchall() if c.description else None


def timed(q, params=None, runs=3) -> float:
    """Median execution time in ms, from EXPLAIN (ANALYZE) (server-side, no network or Python)."""
    times = []
    for _ in range(runs):
        plan = sql("EXPLAIN (ANALYZE, FORMAT JSON) " + q, params)[0][0]
        times.append(plan[0]["Execution Time"])
    return statistics.median(times)


def size(table) -> str:
    return sql("SELECT pg_size_pretty(pg_total_relation_size(%s))", [table])[0][0]


def load(q, params=None) -> float:
    start = time.monotonic()
    sql("SET session_replication_role = replica")  # no FK triggers while loading, as in a restore
    sql(q, params)
    sql("SET session_replication_role = origin")
    return time.monotonic() - start


BALLOT_AGG = (
    "SELECT target_id, group_id, channel, COUNT(id) AS n, "
    "COUNT(id) FILTER (WHERE a1 IS NOT NULL OR a2 IS NOT NULL OR a3 IS NOT NULL OR a4 IS NOT NULL OR a5 IS NOT NULL) m, "
    + ", ".join(f"COUNT(id) FILTER (WHERE a{q} = {s}) d{q}_{s}" for q in range(1, 6) for s in range(1, 5))
    + " FROM evaluations_ballot WHERE round_id = %s GROUP BY target_id, group_id, channel"
)


def ballots(per_round: int, rounds: int, start: int = 1) -> list[str]:
    rows = []
    # Ballots of round r: 100 targets x 4 groups, 5 answers 1..4 (some NULL); ids are random UUIDs.
    insert = (
        "INSERT INTO evaluations_ballot (id, sheet_id, round_id, group_id, target_id, channel, a1, a2, a3, a4, a5) "
        "SELECT gen_random_uuid(), md5((%(r)s::bigint * 100000000 + g / 100)::text)::uuid, %(r)s, 1 + g %% 4, 1 + g %% 100, "
        "CASE WHEN g %% 3 = 0 THEN 'paper' ELSE 'code' END, "
        "1 + g %% 4, 1 + (g / 7) %% 4, NULLIF(g %% 5, 0), 1 + (g / 3) %% 4, 1 + (g / 11) %% 4 "
        "FROM generate_series(1, %(n)s) g"
    )
    for r in range(start, rounds + 1):
        took = load(insert, {"r": r, "n": per_round})
        sql("ANALYZE evaluations_ballot")
        total = sql("SELECT COUNT(*) FROM evaluations_ballot")[0][0]
        ms = timed(BALLOT_AGG, [1])
        rows.append(f"| {total:,} | {r} | {ms:,.0f} | {size('evaluations_ballot')} | {took:,.0f} s |")
        print(rows[-1], flush=True)
    start = time.monotonic()
    sql("BEGIN")
    sql("DELETE FROM evaluations_ballot WHERE round_id = %s", [rounds])
    deleted = time.monotonic() - start
    sql("ROLLBACK")
    rows.append(f"| DELETE one round of {per_round:,} (rolled back) | | {deleted * 1000:,.0f} | | |")
    print(rows[-1], flush=True)
    return rows


AUDIT_SUBTREE = (
    "SELECT * FROM core_auditentry WHERE scope_path LIKE %s ORDER BY created_at DESC, id DESC LIMIT 50"
)
AUDIT_OBJECT = "SELECT * FROM core_auditentry WHERE object_type = %s AND object_id = %s ORDER BY created_at DESC LIMIT 50"


def audit(steps: list[int]) -> list[str]:
    rows, have = [], sql("SELECT COUNT(*) FROM core_auditentry")[0][0]  # continue a load that stopped
    # A year of entries, oldest first; scope paths over 10 districts x 24 towns x 20 branches (4-char segments).
    insert = (
        "INSERT INTO core_auditentry (created_at, actor_name, action, object_type, object_id, object_repr, "
        "changes, scope_path) SELECT now() - interval '365 days' + interval '365 days' * (g::float8 / %(total)s), "
        "'bench', 'record.create', 'record', (g %% 200000)::text, '记实', '{}'::jsonb, "
        "'0001' || lpad((1 + g %% 10)::text, 4, '0') || lpad((1 + g / 10 %% 24)::text, 4, '0') "
        "|| lpad((1 + g / 240 %% 20)::text, 4, '0') FROM generate_series(%(lo)s, %(hi)s) g"
    )
    for n in steps:
        took = load(insert, {"lo": have + 1, "hi": n, "total": steps[-1]})
        have = n
        sql("ANALYZE core_auditentry")
        district = timed(AUDIT_SUBTREE, ["00010003%"])
        branch = timed(AUDIT_SUBTREE, ["000100030007" + "0005%"])
        obj = timed(AUDIT_OBJECT, ["record", "4242"])
        rows.append(
            f"| {n:,} | {district:,.2f} | {branch:,.2f} | {obj:,.2f} | {size('core_auditentry')} | {took:,.0f} s |"
        )
        print(rows[-1], flush=True)
    return rows


def tasks(steps: list[int]) -> list[str]:
    from django_tasks_db.models import DBTaskResult

    rows, have = [], 0
    from django_tasks_db.models import get_date_max

    insert = (
        "INSERT INTO django_tasks_database_dbtaskresult (id, status, args_kwargs, priority, task_path, queue_name, "
        "backend_name, run_after, enqueued_at, finished_at, started_at, return_value, exception_class_path, "
        "traceback, worker_ids) SELECT gen_random_uuid(), 'SUCCESSFUL', '{\"args\": [], \"kwargs\": {}}', 0, "
        "'pacesetter.x', 'default', 'default', %(max)s, now() - interval '1 day', now(), now(), 'null', '', '', "
        "'[]' FROM generate_series(%(lo)s, %(hi)s) g"
    )
    ready = DBTaskResult.objects.ready().filter(backend_name="default").select_for_update(skip_locked=True)
    for n in steps:
        took = load(insert, {"lo": have + 1, "hi": n, "max": get_date_max()})
        have = n
        sql(
            insert.replace("'SUCCESSFUL'", "'READY'").replace("now(), now()", "NULL, NULL"),
            {"lo": 1, "hi": 20, "max": get_date_max()},
        )
        sql("ANALYZE django_tasks_database_dbtaskresult")
        with transaction.atomic():  # the claim's SQL as django-tasks-db runs it (now() is this moment's)
            claim_sql, claim_params = ready[:1].query.sql_with_params()
            ms = timed(claim_sql, claim_params)
        sql("DELETE FROM django_tasks_database_dbtaskresult WHERE status = 'READY'")
        rows.append(f"| {n:,} | {ms:,.2f} | {size('django_tasks_database_dbtaskresult')} | {took:,.0f} s |")
        print(rows[-1], flush=True)
    return rows


def measure() -> None:
    """No loading: the queries again on what the table holds now, after VACUUM (ANALYZE) — what autovacuum does
    to a live table between loads — so that the timings are not those of a table being written to (the load
    steps time each query while the next rows are still dirtying the cache)."""
    for table in ("evaluations_ballot", "core_auditentry", "django_tasks_database_dbtaskresult"):
        started = time.monotonic()
        sql(f"VACUUM (ANALYZE) {table}")
        print(f"VACUUM (ANALYZE) {table}: {time.monotonic() - started:,.0f} s", flush=True)
    rounds = [r for (r,) in sql("SELECT DISTINCT round_id FROM evaluations_ballot ORDER BY 1")]
    if rounds:
        total = sql("SELECT COUNT(*) FROM evaluations_ballot")[0][0]
        print("| ballots in table | rounds | round | its ballots | aggregate ms | table+indexes |")
        for r in sorted({rounds[0], rounds[len(rounds) // 2], rounds[-1]}):
            n = sql("SELECT COUNT(*) FROM evaluations_ballot WHERE round_id = %s", [r])[0][0]
            ms = timed(BALLOT_AGG, [r])
            print(
                f"| {total:,} | {len(rounds)} | {r} | {n:,} | {ms:,.0f} | {size('evaluations_ballot')} |",
                flush=True,
            )
        start = time.monotonic()
        sql("BEGIN")
        sql("DELETE FROM evaluations_ballot WHERE round_id = %s", [rounds[-1]])
        deleted = time.monotonic() - start
        sql("ROLLBACK")
        print(f"DELETE one round (rolled back): {deleted * 1000:,.0f} ms", flush=True)
    audit_n = sql("SELECT COUNT(*) FROM core_auditentry")[0][0]
    if audit_n:
        district = timed(AUDIT_SUBTREE, ["00010003%"])
        branch = timed(AUDIT_SUBTREE, ["000100030007" + "0005%"])
        obj = timed(AUDIT_OBJECT, ["record", "4242"])
        print(
            f"| {audit_n:,} audit | {district:,.2f} | {branch:,.2f} | {obj:,.2f} | {size('core_auditentry')} |"
        )


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--round-ballots", type=int, default=1_000_000)
    p.add_argument("--rounds", type=int, default=4)
    p.add_argument("--audit-steps", default="1000000,4000000")
    p.add_argument("--task-steps", default="100000,1000000")
    p.add_argument("--only", choices=["ballots", "audit", "tasks"])
    p.add_argument(
        "--start-round", type=int, default=1, help="continue a ballot load: the first round to add"
    )
    p.add_argument(
        "--measure", action="store_true", help="load nothing; VACUUM (ANALYZE), then time the queries"
    )
    a = p.parse_args()
    if connection.vendor != "postgresql":
        print("PostgreSQL only", file=sys.stderr)
        return 2
    call_command("migrate", verbosity=0)
    print(sql("SELECT version()")[0][0].split(",")[0], os.getloadavg())
    if a.measure:
        measure()
        print("load average after:", os.getloadavg())
        return 0
    if a.only in (None, "ballots"):
        print("| ballots in table | rounds | one round's aggregate ms | table+indexes | load |")
        ballots(a.round_ballots, a.rounds, a.start_round)
    if a.only in (None, "audit"):
        print(
            "| audit entries | district subtree, newest 50 ms | branch subtree ms | one object's history ms | size | load |"
        )
        audit([int(x) for x in a.audit_steps.split(",")])
    if a.only in (None, "tasks"):
        print("| finished task rows | worker claim ms | size | load |")
        tasks([int(x) for x in a.task_steps.split(",")])
    print("load average after:", os.getloadavg())
    return 0


if __name__ == "__main__":
    sys.exit(main())
