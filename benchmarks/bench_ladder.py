"""The scale ladder (issue #23): build a rung of the national scale on PostgreSQL and time the pages on it.

    .venv/bin/python benchmarks/bench_ladder.py [--rungs 1000,100] [--runs 20]

A national campaign is about 4,600,000 organisations and 90,000,000 members. Rung 1/N holds 4,600,000 / N
organisations and 90,000,000 / N members (generate.py: COPY for members), and a year of campaign data in the
proportion of bench_dashboard.py's 50,000-organisation city (300,000 records there: 6 per organisation; plans
for 60 % of the organisations). For each rung, in ONE run:

1. the database `ps_ladder_<N>` afresh; generate.py, then bench_dashboard.py --setup-only (the campaign,
   plans, records, and the dashboard's roll-up counters), each timed (build minutes) and the database's
   size on disk;
2. bench_dashboard.py: the root, a district and a town dashboard, the Excel export, the overdue list and the
   campaign page, p50 / p95 and query count (its table is printed as it is);
3. bench_pages.py: the heavy pages (member list, organisation tree, …) the same way.

Prints each script's tables under a heading per rung. Timings are for orientation on one machine; tests never
assert on them.
"""

import argparse
import os
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


def run(args: list[str], env: dict) -> str:
    started = time.perf_counter()
    out = subprocess.run(args, env=env, cwd=ROOT, check=True, capture_output=True, text=True)
    print(f"  ({Path(args[1]).name}: {time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)
    return out.stdout


def rung(n: int, runs: int) -> None:
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
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"DROP DATABASE IF EXISTS {db}", "-qc",
         f"CREATE DATABASE {db}"],
        check=True,
    )  # fmt: skip
    print(f"\n## Rung 1/{n:,}: {orgs:,} organisations, {members:,} members", flush=True)
    started = time.perf_counter()
    run([str(PYTHON), str(HERE / "generate.py"), "--orgs", str(orgs), "--members", str(members)], env)
    generated = time.perf_counter() - started
    print(run([str(PYTHON), str(HERE / "bench_dashboard.py"), "--setup-only"], env).strip())
    built = time.perf_counter() - started
    size = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc", f"SELECT pg_size_pretty(pg_database_size('{db}'))"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    print(
        f"\nbuilt in {built / 60:.1f} min (organisations and members {generated / 60:.1f} min), {size} on disk, "
        f"load average {os.getloadavg()[0]:.1f}\n",
        flush=True,
    )
    print(run([str(PYTHON), str(HERE / "bench_dashboard.py"), "--runs", str(runs)], env))
    print(run([str(PYTHON), str(HERE / "bench_pages.py"), "--runs", str(runs)], env))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rungs", default="1000,100", help="comma-separated N of the rungs 1/N (1000, 100, 10)")
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args()
    for n in (int(x) for x in args.rungs.split(",")):
        rung(n, args.runs)


if __name__ == "__main__":
    main()
