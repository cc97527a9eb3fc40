"""Time the whole-city assessment computation and the root ranking page (组织考核).

Needs a database made by benchmarks/generate.py (organisations and members); adds, once, a campaign with
a year of data in bulk — per organisation 12 activity records (about 70 % checked) and 2 organisation
commitments (about 80 % on time) — then creates an organisation scheme over all organisation sources,
computes it in-process (the task's function, `scorecard_run`), publishes it and times the scorecard page of
the root (ranking of the districts + the first page of scores) and the district ranking page, through
Django's test Client: 3 warm-up requests, then --runs timed ones (p50 / p95 / max ms).

    export PACESETTER_DATA_DIR=/tmp/ps-bench-assess
    export PACESETTER_DATABASE_URL=sqlite:////tmp/ps-bench-assess/bench.sqlite3
    .venv/bin/python benchmarks/generate.py --orgs 50000 --members 1000000
    .venv/bin/python benchmarks/bench_assessment.py

Peak memory: the process's peak resident size before and after the computation (ru_maxrss), and the
peak of Python allocations during it (tracemalloc, which slows the run; --no-tracemalloc to skip).
"""

import argparse
import datetime
import os
import random
import resource
import statistics
import time
import tracemalloc

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pacesetter.settings")
os.environ.setdefault("PACESETTER_DATA_DIR", "/tmp/ps-bench-assess")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from pacesetter.assessment import services  # noqa: E402
from pacesetter.assessment.enums import DEFAULT_GRADE_LINES, Subject  # noqa: E402
from pacesetter.assessment.models import Scheme  # noqa: E402
from pacesetter.campaigns.enums import CampaignStatus  # noqa: E402
from pacesetter.campaigns.models import Campaign, CriteriaItem  # noqa: E402
from pacesetter.campaigns.services import criteria_seed_defaults  # noqa: E402
from pacesetter.commitments.models import Commitment  # noqa: E402
from pacesetter.orgs.models import Organisation  # noqa: E402
from pacesetter.records.models import ActivityRecord  # noqa: E402

CAMPAIGN = "基准：创先争优活动（考核）"


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def build_data(root, rng):
    today = timezone.localdate()
    start = today - datetime.timedelta(days=365)
    campaign = Campaign.objects.create(
        name=CAMPAIGN, organisation=root, starts_on=start, ends_on=today, status=CampaignStatus.ACTIVE
    )
    criteria_seed_defaults(campaign=campaign)
    item = CriteriaItem.objects.filter(criteria_set__campaign=campaign, criteria_set__subject="org").first()
    ids = list(Organisation.objects.exclude(pk=root.pk).values_list("pk", flat=True))
    batch = []
    with transaction.atomic():
        for n, org_id in enumerate(ids):
            for m in range(12):
                batch.append(
                    ActivityRecord(
                        organisation_id=org_id,
                        campaign=campaign,
                        kind="study",
                        title="学习",
                        content="学习",
                        occurred_on=start + datetime.timedelta(days=30 * m + 1),
                        check_status="checked" if rng.random() < 0.7 else "unchecked",
                    )
                )
            if len(batch) >= 20_000:
                ActivityRecord.objects.bulk_create(batch)
                batch = []
            if n % 10_000 == 0:
                log(f"records for {n:,} organisations")
        ActivityRecord.objects.bulk_create(batch)
        batch = []
        for org_id in ids:
            for k in range(2):
                late = rng.random() < 0.2
                batch.append(
                    Commitment(
                        campaign=campaign,
                        kind="org",
                        organisation_id=org_id,
                        criteria_item=item,
                        title=f"实事{k}",
                        target="t",
                        responsible="r",
                        deadline=start + datetime.timedelta(days=rng.randrange(30, 360)),
                        status="closed",
                        overdue_at=timezone.now() if late else None,
                    )
                )
            if len(batch) >= 20_000:
                Commitment.objects.bulk_create(batch)
                batch = []
        Commitment.objects.bulk_create(batch)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return campaign


def timed(client, url, runs):
    for _ in range(3):
        assert client.get(url).status_code == 200, url
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        r = client.get(url)
        times.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200
    times.sort()
    p95 = times[max(0, int(round(0.95 * len(times))) - 1)]
    return statistics.median(times), p95, times[-1]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--no-tracemalloc", action="store_true")
    parser.add_argument(
        "--pages-only", action="store_true", help="time the pages of the last published version"
    )
    args = parser.parse_args(argv)
    rng = random.Random(2010)
    log(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    root = Organisation.objects.get(depth=0)
    campaign = Campaign.objects.filter(name=CAMPAIGN).first()
    if campaign is None:
        t = time.perf_counter()
        campaign = build_data(root, rng)
        log(f"campaign data built in {time.perf_counter() - t:.1f} s")
    log(
        f"{Organisation.objects.count():,} organisations, {ActivityRecord.objects.count():,} records, "
        f"{Commitment.objects.count():,} commitments"
    )
    office = get_user_model().objects.get(username="bench_office")
    scheme = Scheme.objects.filter(campaign=campaign).first() or services.scheme_create(
        actor=office,
        campaign=campaign,
        name="基准年度考核",
        subject=Subject.ORG,
        period_start=campaign.starts_on,
        period_end=campaign.ends_on,
        sources={
            "commitments_on_time": (30, 1),
            "records_checked": (30, 3),
            "leader_review": (15, 1),
            "rectification_on_time": (10, 1),
            "reports_on_time": (10, 1),
            "reporter_satisfaction": (5, 1),
        },
        grade_lines=DEFAULT_GRADE_LINES[Subject.ORG],
    )
    if args.pages_only:
        sc = scheme.scorecards.filter(status="published").order_by("-version").first()
        return time_pages(office, sc, campaign, args.runs)
    sc = services.scorecard_compute(actor=office, scheme=scheme)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if not args.no_tracemalloc:
        tracemalloc.start()
    t = time.perf_counter()
    services.scorecard_run(sc.pk)
    elapsed = time.perf_counter() - t
    peak = tracemalloc.get_traced_memory()[1] if not args.no_tracemalloc else 0
    tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    sc.refresh_from_db()
    log(
        f"computed {sc.done:,} scores in {elapsed:.1f} s (status {sc.status}); "
        f"peak RSS {rss_before / 1024:.0f} → {rss_after / 1024:.0f} MB; "
        f"tracemalloc peak {peak / 1e6:.1f} MB"
    )
    services.scorecard_publish(actor=office, scorecard=sc)
    time_pages(office, sc, campaign, args.runs)


def time_pages(office, sc, campaign, runs):
    client = Client()
    client.force_login(office)
    for label, url in (
        ("root scorecard + ranking", f"/assessment/scorecards/{sc.pk}/"),
        ("district ranking", f"/assessment/districts/?campaign={campaign.pk}"),
    ):
        p50, p95, worst = timed(client, url, runs)
        log(f"{label}: p50 {p50:.0f} ms, p95 {p95:.0f} ms, max {worst:.0f} ms ({runs} runs)")


if __name__ == "__main__":
    main()
