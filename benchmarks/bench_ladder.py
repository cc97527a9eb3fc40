"""The scale ladder (issue #23): build a rung of the national scale on PostgreSQL and time the pages on it.

    .venv/bin/python benchmarks/bench_ladder.py [--rungs 1000,100] [--runs 20] [--reuse]
        [--columns dashboard,pages,wall,assessment,search,import]

A national campaign is about 4,600,000 organisations and 90,000,000 members. Rung 1/N holds 4,600,000 / N
organisations and 90,000,000 / N members (generate.py: COPY for members), and a year of campaign data in the
proportion of bench_dashboard.py's 50,000-organisation city (300,000 records there: 6 per organisation; plans
for 60 % of the organisations). For each rung, in ONE run:

1. the database `ps_ladder_<N>` afresh (with --reuse, kept when it already holds organisations); generate.py,
   then bench_dashboard.py --setup-only (the campaign, plans, records, and the dashboard's roll-up counters;
   it adds nothing when they are there), each timed (build minutes) and the database's size on disk;
2. the columns, each a script run against the rung, which adds its own data once in proportion to the rung
   (a second run adds nothing) and times its pages:
   - dashboard: bench_dashboard.py — the root, a district and a town dashboard, the Excel export, the overdue
     list and the campaign page;
   - pages: bench_pages.py — the tree, the organisation page, the member list, the organisation search, …;
   - wall: bench_wall.py --ladder — the public commitment wall (示诺) over 2 commitments per organisation and
     one per 10 members;
   - assessment: bench_assessment.py --ladder — a year of organisation data (12 records, 2 commitments per
     organisation), the organisation scheme computed once, the root scorecard with its ranking and the district
     ranking (the member scheme is not run on the ladder: 9,000,000 members at 1/10);
   - search: bench_search.py --ladder — the public search page over one article and two commitment docs per 10
     organisations;
   - import: bench_import.py --ladder — preview, confirm and rollback of a 10,000-row roster into existing
     branches (--import-runs cycles; rolled back, so the rung is unchanged).

Prints, per rung, the data each script describes and one table: column / page / p50 / p95 / queries, with the
1-minute load average after each column (the box may be shared); with several rungs, the p95 of every page by
rung. Each page's p50 / p95 comes from --runs timed requests after 3 warm-up ones, and its query count from one
more (bench_pages.py's method). Timings are for orientation on one machine; tests never assert on them.
"""

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
NATIONAL_ORGS = 4_600_000
NATIONAL_MEMBERS = 90_000_000
RECORDS_PER_ORG = 6  # bench_dashboard's 300,000 records for 50,000 organisations
COLUMNS = {
    "dashboard": ["bench_dashboard.py"],
    "pages": ["bench_pages.py"],
    "wall": ["bench_wall.py", "--ladder"],
    "assessment": ["bench_assessment.py", "--ladder"],
    "search": ["bench_search.py", "--ladder"],
    "import": ["bench_import.py", "--ladder"],
}
# A row of the scripts' tables: | page | `URL` | p50 | p95 | max | queries | slowest query ms |
ROW = re.compile(
    r"^\| (?P<page>[^|]+) \| `[^`]*` \| (?P<p50>[\d.]+) \| (?P<p95>[\d.]+) \| [\d.]+ \| (?P<q>[^|]+) \|"
)


def run(args: list[str], env: dict) -> str:
    started = time.perf_counter()
    out = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True)
    print(f"  ({Path(args[1]).name}: {time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)
    if out.returncode:  # show why before stopping: the output was captured
        print(out.stdout[-2000:], out.stderr[-4000:], sep="\n", file=sys.stderr)
        out.check_returncode()
    return out.stdout


def psql(db: str, sql: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-Atc", sql], capture_output=True, text=True
    )


def has_data(db: str) -> bool:
    """The database exists and generate.py has filled it (a failed psql — no database, no table — is False)."""
    out = psql(db, "SELECT EXISTS (SELECT 1 FROM orgs_organisation)")
    return out.returncode == 0 and out.stdout.strip() == "t"


def build(n: int, db: str, env: dict, orgs: int, members: int) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"DROP DATABASE IF EXISTS {db}", "-qc",
         f"CREATE DATABASE {db}"],
        check=True,
    )  # fmt: skip
    started = time.perf_counter()
    run([str(PYTHON), str(HERE / "generate.py"), "--orgs", str(orgs), "--members", str(members)], env)
    generated = time.perf_counter() - started
    print(run([str(PYTHON), str(HERE / "bench_dashboard.py"), "--setup-only"], env).strip())
    built = time.perf_counter() - started
    print(
        f"\nbuilt in {built / 60:.1f} min (organisations and members {generated / 60:.1f} min), "
        f"load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )


def rung(n: int, args) -> dict[str, str]:
    """Build (or reuse) rung 1/n, run the columns, print its table; the p95 of each page by its label."""
    db = f"ps_ladder_{n}"
    orgs, members = NATIONAL_ORGS // n, NATIONAL_MEMBERS // n
    env = {
        **os.environ,
        "PACESETTER_DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{db}",
        "PACESETTER_DATA_DIR": f"/tmp/ps-ladder-{n}",
        "DJANGO_SETTINGS_MODULE": "pacesetter.settings",
        "BENCH_DASHBOARD_RECORDS": str(orgs * RECORDS_PER_ORG),
        "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}",
        "PACESETTER_STATIC_MANIFEST": "false",  # pages render without a collectstatic
    }
    Path(env["PACESETTER_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    print(f"\n## Rung 1/{n:,}: {orgs:,} organisations, {members:,} members", flush=True)
    if args.reuse and has_data(db):
        print(f"reusing {db}")
        print(run([str(PYTHON), str(HERE / "bench_dashboard.py"), "--setup-only"], env).strip())
    else:
        build(n, db, env, orgs, members)
    rows = []
    for column in args.columns:
        script, *extra = COLUMNS[column]
        runs = args.import_runs if column == "import" else args.runs
        out = run([str(PYTHON), str(HERE / script), *extra, "--runs", str(runs)], env)
        load = os.getloadavg()[0]
        for line in out.splitlines():
            if line.startswith("# ") and "load average" not in line:
                print(f"{column}: {line[2:]}")
            elif m := ROW.match(line):
                rows.append(
                    (column, m["page"].strip(), float(m["p50"]), float(m["p95"]), m["q"].strip(), load)
                )
    size = psql(db, f"SELECT pg_size_pretty(pg_database_size('{db}'))").stdout.strip()
    print(
        f"\n{db}: {size} on disk after the columns; {args.runs} timed runs per page ({args.import_runs} for import)\n"
    )
    print("| column | page | p50 ms | p95 ms | queries | load (1 min) |")
    print("|---|---|---:|---:|---:|---:|")
    for column, page, p50, p95, queries, load in rows:
        print(f"| {column} | {page} | {p50:.0f} | {p95:.0f} | {queries} | {load:.2f} |", flush=True)
    return {f"{column}: {page}": f"{p95:.0f}" for column, page, _p50, p95, _q, _load in rows}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rungs", default="1000,100", help="comma-separated N of the rungs 1/N (1000, 100, 10)")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument(
        "--import-runs", type=int, default=3, help="preview/confirm/rollback cycles of the import"
    )
    ap.add_argument("--reuse", action="store_true", help="keep a rung's database that already holds data")
    ap.add_argument("--columns", default=",".join(COLUMNS), help="comma-separated, of: " + ", ".join(COLUMNS))
    args = ap.parse_args()
    args.columns = [c for c in args.columns.split(",") if c]
    if unknown := set(args.columns) - set(COLUMNS):
        ap.error(f"unknown columns: {', '.join(sorted(unknown))}")
    rungs = [int(x) for x in args.rungs.split(",")]
    p95 = {n: rung(n, args) for n in rungs}
    if len(rungs) > 1:
        print("\n## p95 ms by rung\n")
        print("| page | " + " | ".join(f"1/{n:,}" for n in rungs) + " |")
        print("|---|" + "---:|" * len(rungs))
        for page in p95[rungs[0]]:
            print(f"| {page} | " + " | ".join(p95[n].get(page, "—") for n in rungs) + " |")


if __name__ == "__main__":
    main()
