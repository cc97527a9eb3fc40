"""Time the heavy pages on a generated benchmark database (see generate.py), in-process.

Each page is requested through Django's test Client (the whole stack: middleware, views, selectors,
templates; no network, no gunicorn) signed in as `bench_office` (活动办公室 at the root):
a few warm-up requests, then --runs timed requests (p50 / p95 / max in milliseconds), then one more
request inside CaptureQueriesContext for the number of queries and the slowest query.

    PACESETTER_DATA_DIR=/tmp/ps-bench-sqlite \\
    PACESETTER_DATABASE_URL=sqlite:////tmp/ps-bench-sqlite/bench.sqlite3 \\
    .venv/bin/python benchmarks/bench_pages.py [--runs 30] [--user bench_office] [--show-sql]

Timings are for orientation on one machine; tests never assert on them.
"""

import argparse
import os
import platform
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pacesetter.settings")
os.environ.setdefault("PACESETTER_DATA_DIR", "/tmp/ps-bench")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from pacesetter.orgs.models import Member, Organisation  # noqa: E402


def pages():
    root = Organisation.objects.get(depth=0)
    district = Organisation.objects.filter(depth=1).order_by("path").first()
    return [
        ("tree page", "/orgs/"),
        ("org detail (root, children with subtree counts)", f"/orgs/{root.pk}/"),
        ("expand a district's children", f"/orgs/{district.pk}/children/"),
        ("member list, whole root subtree", f"/members/?org={root.pk}"),
        ("member list, root subtree, page 50", f"/members/?org={root.pk}&page=50"),
        ("member list, one district", f"/members/?org={district.pk}"),
        ("org name search", "/orgs/?q=" + "和林镇"),
        ("API members of one district", f"/api/members?org_id={district.pk}"),
    ]


def percentile(values, p):
    values = sorted(values)
    k = (len(values) - 1) * p
    f = int(k)
    c = min(f + 1, len(values) - 1)
    return values[f] + (values[c] - values[f]) * (k - f)


def measure(client, url, runs, warmup):
    for _ in range(warmup):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    slowest = max(ctx.captured_queries, key=lambda q: float(q["time"]), default=None)
    return {
        "p50": statistics.median(times),
        "p95": percentile(times, 0.95),
        "max": max(times),
        "queries": len(ctx.captured_queries),
        "bytes": len(response.content),
        "slowest": slowest,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--user", default="bench_office")
    parser.add_argument("--show-sql", action="store_true", help="print the slowest query of each page")
    parser.add_argument("--only", default="", help="run only pages whose label contains this text")
    args = parser.parse_args(argv)

    client = Client()
    client.force_login(get_user_model().objects.get(username=args.user))
    orgs, members = Organisation.objects.count(), Member.objects.count()
    print(
        f"# {connection.vendor} ({connection.settings_dict['NAME']}), {orgs:,} organisations, "
        f"{members:,} members; user {args.user}; {args.runs} timed runs after {args.warmup} warm-up; "
        f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs"
    )
    print()
    print("| page | URL | p50 ms | p95 ms | max ms | queries | slowest query ms |")
    print("|---|---|---:|---:|---:|---:|---:|")
    slow = []
    for label, url in pages():
        if args.only and args.only not in label:
            continue
        r = measure(client, url, args.runs, args.warmup)
        q = r["slowest"]
        print(
            f"| {label} | `{url}` | {r['p50']:.0f} | {r['p95']:.0f} | {r['max']:.0f} | {r['queries']} "
            f"| {float(q['time']) * 1000 if q else 0:.0f} |",
            flush=True,
        )
        if q:
            slow.append((label, q))
    if args.show_sql:
        print()
        for label, q in slow:
            print(f"-- {label}: {float(q['time']) * 1000:.0f} ms\n{q['sql']}\n")


if __name__ == "__main__":
    main()
