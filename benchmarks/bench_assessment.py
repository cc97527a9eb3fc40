"""Time the whole-city assessment computation and the root ranking page (组织考核).

Needs a database made by benchmarks/generate.py (organisations and members); adds, once, a campaign with
a year of data in bulk — per organisation 12 activity records (about 70 % checked) and 2 organisation
commitments (about 80 % on time); per active member one 学习心得 record (about 70 % checked), a 党性分析
record for about 60 % of members (about 80 % of those checked) and one member commitment (about 80 % on
time), the member rows by INSERT … SELECT — then creates an organisation scheme over all organisation
sources and a member scheme (members assessed by their branch) over the member sources, computes each
in-process (the task's function, `scorecard_run`), publishes them and times the scorecard page of the root
for both schemes (ranking of the districts + the first page of scores) and the district ranking page,
through Django's test Client: 3 warm-up requests, then --runs timed ones (p50 / p95 / max ms).

    export PACESETTER_DATA_DIR=/tmp/ps-bench-assess
    export PACESETTER_DATABASE_URL=sqlite:////tmp/ps-bench-assess/bench.sqlite3
    .venv/bin/python benchmarks/generate.py --orgs 50000 --members 1000000
    .venv/bin/python benchmarks/bench_assessment.py [--schemes org,member]

Memory per computation: the process's peak resident size before and after it (ru_maxrss, a high-water
mark: run one scheme per process with --schemes to see each alone), its current resident size before and
after, and the peak of Python allocations during it (tracemalloc, which slows the run; --no-tracemalloc).

--ladder (PostgreSQL only) runs on a rung of the scale ladder (bench_ladder.py): the organisation data above
(12 records and 2 commitments per organisation, same shares) is inserted by INSERT … SELECT over
generate_series instead of Python objects, the member data is left out (the member scheme would read 9,000,000
members at the 1/10 rung; the ladder computes the organisation scheme only), the scorecard is computed only
if there is no published one yet (a second run adds nothing), and the pages are printed as a table in
bench_pages.py's columns with their query count; the computation is one row of it (one run).
"""

import argparse
import datetime
import math
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
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from pacesetter.assessment import services  # noqa: E402
from pacesetter.assessment.enums import DEFAULT_GRADE_LINES, Subject  # noqa: E402
from pacesetter.assessment.models import Scheme  # noqa: E402
from pacesetter.campaigns.enums import CampaignStatus  # noqa: E402
from pacesetter.campaigns.models import Campaign, CriteriaItem  # noqa: E402
from pacesetter.campaigns.services import criteria_seed_defaults  # noqa: E402
from pacesetter.commitments.models import Commitment  # noqa: E402
from pacesetter.orgs.models import Member, Organisation  # noqa: E402
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
    log("organisation data built")
    member_item = CriteriaItem.objects.filter(
        criteria_set__campaign=campaign, criteria_set__subject="member"
    ).first()
    build_member_data(campaign, member_item or item, start)
    # A bulk load leaves the planner statistics stale and the visibility map unset; in production autovacuum
    # does both a while after such a load, so the benchmark does it explicitly (outside any transaction —
    # VACUUM cannot run inside one; Django's connection is in autocommit here).
    assert connection.get_autocommit()
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    log("vacuumed / analysed")
    return campaign


LADDER_RECORD_SQL = """
    INSERT INTO records_activityrecord (kind, title, occurred_on, place, participants, content, contribution,
        effect, created_at, updated_at, is_deleted, organisation_id, member_id, campaign_id, check_status,
        check_comment)
    SELECT 'study', '学习', %(start)s::date + (30 * m + 1), '', '', '学习', '', '', %(now)s, %(now)s, false, o.id,
        NULL, %(campaign)s, CASE WHEN (o.id * 7919 + m * 104729) %% 100 < 70 THEN 'checked' ELSE 'unchecked' END, ''
    FROM orgs_organisation o CROSS JOIN generate_series(0, 11) m WHERE o.depth > 0
"""
LADDER_COMMITMENT_SQL = """
    INSERT INTO commitments_commitment (kind, title, content, target, deadline, responsible, status, progress,
        created_at, updated_at, campaign_id, criteria_item_id, organisation_id, member_id, overdue_at)
    SELECT 'org', '实事' || k, '', 't', %(start)s::date + (30 + (o.id * 31337 + k * 7919) %% 330)::int, 'r',
        'closed', 100, %(now)s, %(now)s, %(campaign)s, %(item)s, o.id, NULL,
        CASE WHEN (o.id * 104729 + k * 31337) %% 100 < 20 THEN %(now)s END
    FROM orgs_organisation o CROSS JOIN generate_series(0, 1) k WHERE o.depth > 0
"""


def build_ladder_data(root):
    """The organisation half of build_data in SQL (a hash of the id for "random"), for the ladder's rungs."""
    assert connection.vendor == "postgresql", (
        "--ladder needs PostgreSQL (INSERT … SELECT with generate_series)"
    )
    today = timezone.localdate()
    start = today - datetime.timedelta(days=365)
    with transaction.atomic():
        campaign = Campaign.objects.create(
            name=CAMPAIGN, organisation=root, starts_on=start, ends_on=today, status=CampaignStatus.ACTIVE
        )
        criteria_seed_defaults(campaign=campaign)
        item = CriteriaItem.objects.filter(
            criteria_set__campaign=campaign, criteria_set__subject="org"
        ).first()
        params = {"start": start, "now": timezone.now(), "campaign": campaign.pk, "item": item.pk}
        with connection.cursor() as cur:
            cur.execute(LADDER_RECORD_SQL, params)
            log(f"{cur.rowcount:,} organisation records")
            cur.execute(LADDER_COMMITMENT_SQL, params)
            log(f"{cur.rowcount:,} organisation commitments")
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE records_activityrecord, commitments_commitment")
    return campaign


def build_member_data(campaign, item, start):
    """Per active member, in SQL (no per-member Python objects): a 学习心得 record (70 % checked), a 党性分析
    record for 60 % of members (80 % checked), a closed member commitment (20 % flagged overdue once).
    "Random" is a hash of the member id, so every database gets the same rows."""
    now = timezone.now()
    record_sql = """
        INSERT INTO records_activityrecord (kind, title, occurred_on, place, participants, content,
            contribution, effect, created_at, updated_at, is_deleted, organisation_id, member_id, campaign_id,
            check_status, check_comment)
        SELECT %s, %s, %s, '', '', %s, '', '', %s, %s, %s, m.organisation_id, m.id, %s,
            CASE WHEN (m.id * 7919) %% 100 < %s THEN 'checked' ELSE 'unchecked' END, ''
        FROM orgs_member m WHERE m.is_active AND (m.id * 104729) %% 100 < %s
    """
    commitment_sql = """
        INSERT INTO commitments_commitment (kind, title, content, target, deadline, responsible, status,
            progress, created_at, updated_at, campaign_id, criteria_item_id, organisation_id, member_id,
            overdue_at)
        SELECT 'member', %s, '', 't', %s, 'r', 'closed', 100, %s, %s, %s, %s, m.organisation_id, m.id,
            CASE WHEN (m.id * 31337) %% 100 < 20 THEN %s ELSE NULL END
        FROM orgs_member m WHERE m.is_active
    """
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            record_sql,
            ["study_notes", "学习心得", start + datetime.timedelta(days=100), "学习心得", now, now, False]
            + [campaign.pk, 70, 100],
        )
        log(f"{cur.rowcount:,} personal records (学习心得)")
        cur.execute(
            record_sql,
            ["party_analysis", "党性分析", start + datetime.timedelta(days=200), "党性分析", now, now, False]
            + [campaign.pk, 80, 60],
        )
        log(f"{cur.rowcount:,} personal records (党性分析)")
        cur.execute(
            commitment_sql,
            ["个人承诺", start + datetime.timedelta(days=180), now, now, campaign.pk, item.pk, now],
        )
        log(f"{cur.rowcount:,} member commitments")


def timed(client, url, runs, keep=False):
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
    if keep:
        return statistics.median(times), p95, times[-1], times
    return statistics.median(times), p95, times[-1]


SCHEMES = {
    Subject.ORG: (
        "基准年度考核",
        {
            "commitments_on_time": (30, 1),
            "records_checked": (30, 3),
            "leader_review": (15, 1),
            "rectification_on_time": (10, 1),
            "reports_on_time": (10, 1),
            "reporter_satisfaction": (5, 1),
        },
    ),
    Subject.MEMBER: (
        "基准年度党员考核",
        {
            "member_commitments_on_time": (35, 1),
            "member_records_checked": (30, 1),
            "party_analysis": (20, 1),
            "member_review": (10, 1),
            "honours_members": (5, 1),
        },
    ),
}


def scheme_for(office, campaign, subject):
    name, sources = SCHEMES[subject]
    return Scheme.objects.filter(campaign=campaign, subject=subject).first() or services.scheme_create(
        actor=office,
        campaign=campaign,
        name=name,
        subject=subject,
        period_start=campaign.starts_on,
        period_end=campaign.ends_on,
        sources=sources,
        grade_lines=DEFAULT_GRADE_LINES[subject],
    )


def current_rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def compute(office, scheme, trace: bool):
    sc = services.scorecard_compute(actor=office, scheme=scheme)
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    now_before = current_rss_mb()
    if trace:
        tracemalloc.start()
    t = time.perf_counter()
    services.scorecard_run(sc.pk)
    elapsed = time.perf_counter() - t
    peak = tracemalloc.get_traced_memory()[1] if trace else 0
    tracemalloc.stop()
    peak_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    sc.refresh_from_db()
    log(
        f"{scheme.subject} scheme: computed {sc.done:,} scores in {elapsed:.1f} s (status {sc.status}); "
        f"peak RSS {peak_before / 1024:.0f} → {peak_after / 1024:.0f} MB; "
        f"current RSS {now_before:.0f} → {current_rss_mb():.0f} MB; "
        + (f"tracemalloc peak {peak / 1e6:.1f} MB" if trace else "no tracemalloc")
    )
    services.scorecard_publish(actor=office, scorecard=sc)
    return sc


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--no-tracemalloc", action="store_true")
    parser.add_argument(
        "--schemes", default="org,member", help="which schemes to compute, in order (org, member)"
    )
    parser.add_argument(
        "--pages-only", action="store_true", help="time the pages of the last published versions"
    )
    parser.add_argument("--ladder", action="store_true", help="on a bench_ladder.py rung (see the docstring)")
    args = parser.parse_args(argv)
    if args.ladder:
        return ladder(args.runs)
    rng = random.Random(2010)
    log(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    root = Organisation.objects.get(depth=0)
    campaign = Campaign.objects.filter(name=CAMPAIGN).first()
    if campaign is None:
        t = time.perf_counter()
        campaign = build_data(root, rng)
        log(f"campaign data built in {time.perf_counter() - t:.1f} s")
    log(
        f"{Organisation.objects.count():,} organisations, {Member.objects.count():,} members, "
        f"{ActivityRecord.objects.count():,} records, {Commitment.objects.count():,} commitments"
    )
    office = get_user_model().objects.get(username="bench_office")
    schemes = {subject: scheme_for(office, campaign, subject) for subject in SCHEMES}
    cards = {}
    for subject in [s for s in args.schemes.split(",") if s] if not args.pages_only else []:
        cards[subject] = compute(office, schemes[subject], trace=not args.no_tracemalloc)
    for subject, scheme in schemes.items():
        if subject not in cards:
            cards[subject] = scheme.scorecards.filter(status="published").order_by("-version").first()
    time_pages(office, cards, campaign, args.runs)


def ladder(runs):
    """The organisation scheme on a rung: data and one computation once, then the pages as a table."""
    log(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    campaign = Campaign.objects.filter(name=CAMPAIGN).first()
    if campaign is None:
        t = time.perf_counter()
        campaign = build_ladder_data(Organisation.objects.get(depth=0))
        print(f"# campaign data (organisation year) built in {time.perf_counter() - t:.1f} s")
    else:
        log(f"campaign {CAMPAIGN} already there; not adding data")
    office = get_user_model().objects.get(username="bench_office")
    scheme = scheme_for(office, campaign, Subject.ORG)
    card = scheme.scorecards.filter(status="published").order_by("-version").first()
    rows = []
    if card is None:
        t = time.perf_counter()
        card = compute(office, scheme, trace=False)
        ms = (time.perf_counter() - t) * 1000
        rows.append(
            ("compute + publish the organisation scorecard (one run)", "scorecard_run", ms, ms, ms, "—")
        )
    print(
        f"# {Organisation.objects.count():,} organisations, {Member.objects.count():,} members, "
        f"{ActivityRecord.objects.filter(campaign=campaign).count():,} records and "
        f"{Commitment.objects.filter(campaign=campaign).count():,} commitments of the campaign; "
        f"scorecard {card.pk} with {card.done:,} scores"
    )
    client = Client()
    client.force_login(office)
    for label, url in [
        ("assessment: root scorecard + ranking (org)", f"/assessment/scorecards/{card.pk}/"),
        ("assessment: district ranking", f"/assessment/districts/?campaign={campaign.pk}"),
    ]:
        p50, _p95, worst, times = timed(client, url, runs, keep=True)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        rows.append((label, url, p50, percentile(times, 0.95), worst, len(ctx.captured_queries)))
    print(f"# load average after: {os.getloadavg()[0]:.2f}")
    print("| page | URL | p50 ms | p95 ms | max ms | queries | slowest query ms |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for label, url, p50, p95, worst, queries in rows:
        print(f"| {label} | `{url}` | {p50:.0f} | {p95:.0f} | {worst:.0f} | {queries} | — |")


def percentile(values, p):
    """Linear interpolation, as bench_pages.py (the ladder's tables compare its columns)."""
    values = sorted(values)
    k = (len(values) - 1) * p
    f = math.floor(k)
    c = min(f + 1, len(values) - 1)
    return values[f] + (values[c] - values[f]) * (k - f)


def time_pages(office, cards, campaign, runs):
    client = Client()
    client.force_login(office)
    pages = [
        (f"root scorecard + ranking ({subject})", f"/assessment/scorecards/{sc.pk}/")
        for subject, sc in cards.items()
        if sc is not None
    ]
    pages.append(("district ranking", f"/assessment/districts/?campaign={campaign.pk}"))
    for label, url in pages:
        p50, p95, worst = timed(client, url, runs)
        log(f"{label}: p50 {p50:.0f} ms, p95 {p95:.0f} ms, max {worst:.0f} ms ({runs} runs)")


if __name__ == "__main__":
    main()
