"""Time the progress dashboard (issue #3) on a generated benchmark database (see generate.py), in-process.

First adds campaign data to the database if it is not there yet (idempotent; one transaction):

- one ACTIVE campaign run by the root (示范市委), plan deadline 2026-03-31 (past, so there are overdue
  organisations), one stage and one step with capabilities ["plans", "records"] open now;
- plans for 60 % of the organisations below the root (deterministic, seed 2010): approved 30 %,
  submitted 15 %, returned 5 %, draft 10 % of all organisations; approvals (decided_at) spread over
  the 12 months 2025-12 … 2026-11; one PlanVersion for every submitted/returned/approved plan, a
  PlanDecision "approve" for each approved one and "return" for each returned one;
- 300,000 ActivityRecords with the campaign set, on 70 % of the branches (党支部), dates spread over
  the same 12 months, a quarter of them personal records of a member of that branch;

inserted with COPY on PostgreSQL, bulk_create in batches elsewhere (explicit ids), then ANALYZE of the new
tables only; then the
dashboard's roll-up counters (campaigns.tallies, #23) rebuilt from them, timed (the bulk load bypasses the
services that keep them).

--compare-live times the root, district and town dashboards a second time with the live aggregation the
counters replaced (progress.selectors.progress_data_live and timeline_live), on the same data in the same run.

Then each page is requested through Django's test Client signed in as `bench_office` (活动办公室 at the
root): --warmup requests, --runs timed requests (p50 / p95 / max ms), then one request inside
CaptureQueriesContext for the number of queries and the slowest query.

    PACESETTER_DATA_DIR=/tmp/ps-bench-sqlite \\
    PACESETTER_DATABASE_URL=sqlite:////tmp/ps-bench-sqlite/bench.sqlite3 \\
    .venv/bin/python benchmarks/bench_dashboard.py [--runs 30] [--show-sql] [--explain] [--setup-only]

Timings are for orientation on one machine; tests never assert on them.
"""

import argparse
import datetime
import os
import platform
import random
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pacesetter.settings")
os.environ.setdefault("PACESETTER_DATA_DIR", "/tmp/ps-bench")
os.environ.setdefault("PACESETTER_STATIC_MANIFEST", "false")  # no collectstatic for the data directory

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management.color import no_style  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count, Max  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from pacesetter.campaigns import tallies  # noqa: E402
from pacesetter.campaigns.enums import CampaignStatus, StepCapability, StepKind  # noqa: E402
from pacesetter.campaigns.models import Campaign, Stage, Step, Tally  # noqa: E402
from pacesetter.orgs.enums import OrgType  # noqa: E402
from pacesetter.orgs.models import Member, Organisation  # noqa: E402
from pacesetter.plans.enums import PlanAction, PlanStatus  # noqa: E402
from pacesetter.plans.models import Plan, PlanDecision, PlanVersion  # noqa: E402
from pacesetter.progress import selectors as progress_selectors  # noqa: E402
from pacesetter.records.enums import MEETING_KINDS, PERSONAL_KINDS, RecordKind  # noqa: E402
from pacesetter.records.models import ActivityRecord  # noqa: E402
from pacesetter.supervision import coverage_tally  # noqa: E402
from pacesetter.supervision.models import CoverageTally  # noqa: E402

CAMPAIGN_NAME = "深入开展创先争优活动（基准）"
FIRST_DAY = datetime.date(2025, 12, 1)
LAST_DAY = datetime.date(2026, 11, 24)
PLAN_DEADLINE = datetime.date(2026, 3, 31)
# Share of all organisations below the root, by plan status; the remaining 40 % have no plan.
PLAN_MIX = [
    (PlanStatus.APPROVED, 0.30),
    (PlanStatus.SUBMITTED, 0.15),
    (PlanStatus.RETURNED, 0.05),
    (PlanStatus.DRAFT, 0.10),
]
RECORDS = int(os.environ.get("BENCH_DASHBOARD_RECORDS", "300000"))  # bench_ladder.py scales it
RECORD_BRANCH_SHARE = 0.70
PERSONAL_SHARE = 0.25
BATCH = 2_000
PLAN_BODY = (
    "<h2>一、指导思想</h2><p>深入贯彻落实科学发展观，围绕推动科学发展、促进社会和谐、服务人民群众、"
    "加强基层组织的总体要求，深入开展创先争优活动。</p><h2>二、目标要求</h2><p>创建“五个好”先进基层"
    "党组织，争做“五带头”优秀共产党员。</p>"
)
TITLES = {
    RecordKind.BRANCH_ASSEMBLY: "支部党员大会：讨论公开承诺事项",
    RecordKind.COMMITTEE_MEETING: "支委会：研究创先争优推进工作",
    RecordKind.GROUP_MEETING: "党小组会：交流践诺情况",
    RecordKind.PARTY_LECTURE: "书记讲党课：争做优秀共产党员",
    RecordKind.THEME_DAY: "主题党日：走访慰问困难群众",
    RecordKind.MOBILISATION: "创先争优活动动员大会",
    RecordKind.STUDY: "学习杨善洲同志先进事迹",
    RecordKind.SERVICE: "为群众代办社保、医保手续",
    RecordKind.VOLUNTEER: "党员志愿服务队清理卫生死角",
    RecordKind.OTHER: "参加社区共建活动",
    RecordKind.PARTY_ANALYSIS: "党性分析：对照检查找差距",
    RecordKind.STUDY_NOTES: "学习心得：读原著学原文",
}

STARTED = time.perf_counter()


def log(msg):
    print(f"[{time.perf_counter() - STARTED:7.1f}s] {msg}", flush=True)


def _at(day: datetime.date, rng: random.Random) -> datetime.datetime:
    t = datetime.time(rng.randint(8, 18), rng.randint(0, 59))
    return datetime.datetime.combine(day, t, tzinfo=timezone.get_current_timezone())


def _day(rng: random.Random, first=FIRST_DAY, last=LAST_DAY) -> datetime.date:
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))


def bulk_insert(model, rows: list[dict], **common) -> None:
    """Insert `rows` ({attname: value}, explicit ids; `common` the same for every row): COPY on PostgreSQL,
    the other columns taken from one prepared template instance (the 1/10 rung's 2,760,000 records in a few
    minutes: no model instance per row), bulk_create elsewhere."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**common, **r) for r in rows], batch_size=BATCH)
        return
    fields = model._meta.concrete_fields
    template_obj = model(**common, **rows[0])
    template = [f.get_db_prep_save(f.pre_save(template_obj, True), connection) for f in fields]
    where = {f.attname: i for i, f in enumerate(fields)}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"COPY {model._meta.db_table} ({columns}) FROM STDIN"
    with connection.cursor() as cur, cur.cursor.copy(sql) as copy:
        for r in rows:
            row = template.copy()
            for k, v in r.items():
                row[where[k]] = v
            copy.write_row(row)


def _next_id(model) -> int:
    return (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1


def ensure_data(seed: int = 2010) -> Campaign:
    """The benchmark campaign with its plans and records; built once, later runs return it untouched."""
    existing = Campaign.objects.filter(name=CAMPAIGN_NAME).first()
    if existing is not None:
        log(f"campaign {existing.pk} already there; not adding data")
        return existing
    rng = random.Random(seed)
    office = get_user_model().objects.get(username="bench_office")
    root = Organisation.objects.get(depth=0)
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("PRAGMA synchronous=OFF")
    with transaction.atomic():
        campaign = Campaign.objects.create(
            name=CAMPAIGN_NAME,
            organisation=root,
            starts_on=FIRST_DAY,
            ends_on=datetime.date(2027, 6, 30),
            status=CampaignStatus.ACTIVE,
            plan_deadline=PLAN_DEADLINE,
            created_by=office,
        )
        stage = Stage.objects.create(
            campaign=campaign, name="第一阶段", starts_on=FIRST_DAY, ends_on=datetime.date(2026, 12, 31)
        )
        Step.objects.create(
            campaign=campaign,
            stage=stage,
            kind=StepKind.STRIVE,
            capabilities=[StepCapability.PLANS, StepCapability.RECORDS],
            opens_at=_at(FIRST_DAY, rng),
            closes_at=_at(datetime.date(2026, 12, 31), rng),
            opened_announced_at=timezone.now(),
        )
        n_plans = _plans(campaign, root, office, rng)
        n_records = _records(campaign, rng, office)
        with connection.cursor() as cur:
            for sql in connection.ops.sequence_reset_sql(
                no_style(), [Plan, PlanVersion, PlanDecision, ActivityRecord]
            ):
                cur.execute(sql)
    tables = [
        "plans_plan",
        "plans_planversion",
        "plans_plandecision",
        "records_activityrecord",
        "campaigns_campaign",
        "campaigns_stage",
        "campaigns_step",
    ]
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("ANALYZE " + ", ".join(tables))
        else:
            for t in tables:
                cur.execute(f"ANALYZE {t}")
    log(f"campaign {campaign.pk}: {n_plans:,} plans, {n_records:,} records; analyzed")
    return campaign


def ensure_tallies(campaign: Campaign) -> None:
    """The dashboard's roll-up counters (#23) for the bulk-loaded rows above (written past the services):
    rebuilt once, timed, then ANALYZE."""
    if not CoverageTally.objects.exists():  # generate.py's organisations are bulk-loaded too
        started = time.perf_counter()
        with transaction.atomic():
            n = coverage_tally.rebuild()
        log(f"集中点评 coverage counters rebuilt: {n:,} rows in {time.perf_counter() - started:.1f} s")
        with connection.cursor() as cur:
            cur.execute("ANALYZE supervision_coveragetally")
    from pacesetter.supervision import stats_tally  # the supervision figures' counters (links, orders)

    if not stats_tally.SupervisionTally.objects.exists():
        with transaction.atomic():
            log(f"supervision counters rebuilt: {stats_tally.rebuild():,} rows")
    from pacesetter.orgs import subtree_tally  # the organisations' subtree totals

    if not subtree_tally.SubtreeTally.objects.exists():
        with transaction.atomic():
            log(f"subtree counters rebuilt: {subtree_tally.rebuild():,} rows")
    if Tally.objects.filter(campaign=campaign).exists():
        return
    started = time.perf_counter()
    with transaction.atomic():
        n = tallies.rebuild(campaign)
    log(f"tallies rebuilt: {n:,} rows in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cur:
        cur.execute("ANALYZE campaigns_tally")
        cur.execute("ANALYZE campaigns_tallymonth")


def _plans(campaign, root, office, rng) -> int:
    orgs = list(
        Organisation.objects.filter(depth__gt=root.depth, is_active=True)
        .order_by("path")
        .values_list("id", "name")
    )
    rng.shuffle(orgs)
    statuses = []
    for status, share in PLAN_MIX:
        statuses += [status] * round(share * len(orgs))
    plans, versions, decisions = [], [], []
    plan_id, version_id, decision_id = _next_id(Plan), _next_id(PlanVersion), _next_id(PlanDecision)
    for (org_id, name), status in zip(orgs, statuses, strict=False):
        title = f"{name}深入开展创先争优活动实施方案"
        created = _at(FIRST_DAY + datetime.timedelta(days=rng.randint(0, 60)), rng)
        submitted_at = decided_at = None
        if status == PlanStatus.APPROVED:
            decided_at = _at(_day(rng), rng)  # 12 months of approvals
            submitted_at = max(created, decided_at - datetime.timedelta(days=rng.randint(1, 14)))
        elif status == PlanStatus.RETURNED:
            decided_at = _at(_day(rng, FIRST_DAY + datetime.timedelta(days=20)), rng)
            submitted_at = max(created, decided_at - datetime.timedelta(days=rng.randint(1, 14)))
        elif status == PlanStatus.SUBMITTED:
            submitted_at = _at(_day(rng, FIRST_DAY + datetime.timedelta(days=10)), rng)
        created = min(created, submitted_at or created)
        is_late = submitted_at is not None and timezone.localtime(submitted_at).date() > PLAN_DEADLINE
        version = None
        if submitted_at is not None:
            version = version_id
            versions.append(
                dict(
                    id=version_id,
                    plan_id=plan_id,
                    number=1,
                    title=title,
                    body=PLAN_BODY,
                    submitted_at=submitted_at,
                    is_late=is_late,
                )
            )
            version_id += 1
        if decided_at is not None:
            approve = status == PlanStatus.APPROVED
            decisions.append(
                dict(
                    id=decision_id,
                    plan_id=plan_id,
                    version_id=version,
                    decision=PlanAction.APPROVE if approve else PlanAction.RETURN,
                    comment="同意。" if approve else "请细化活动载体，明确时间节点和责任人。",
                    decided_at=decided_at,
                )
            )
            decision_id += 1
        plans.append(
            dict(
                id=plan_id,
                organisation_id=org_id,
                title=title,
                body=PLAN_BODY,
                status=status,
                current_version_id=version,
                submitted_at=submitted_at,
                is_late=is_late,
                decided_at=decided_at,
                created_at=created,
                updated_at=decided_at or submitted_at or created,
            )
        )
        plan_id += 1
    # Plans and versions reference each other; both FKs are deferred to the end of the transaction.
    bulk_insert(Plan, plans, campaign=campaign)
    bulk_insert(PlanVersion, versions)
    bulk_insert(PlanDecision, decisions, decided_by=office)
    log(f"{len(plans):,} plans, {len(versions):,} versions, {len(decisions):,} decisions inserted")
    return len(plans)


def _records(campaign, rng, office) -> int:
    branches = list(
        Organisation.objects.filter(org_type=OrgType.BRANCH, is_active=True)
        .order_by("path")
        .values_list("id", flat=True)
    )
    chosen = rng.sample(branches, round(RECORD_BRANCH_SHARE * len(branches)))
    members: dict[int, list[int]] = {b: [] for b in chosen}
    for member_id, org_id in Member.objects.filter(is_active=True).values_list("id", "organisation_id"):
        if org_id in members:
            members[org_id].append(member_id)
    log(f"{len(chosen):,} of {len(branches):,} branches get records")
    org_kinds = list(RecordKind.values)
    personal_kinds = sorted(PERSONAL_KINDS)
    next_id = _next_id(ActivityRecord)
    batch = []
    for i in range(RECORDS):
        org_id = rng.choice(chosen)
        member_id = None
        if rng.random() < PERSONAL_SHARE and members[org_id]:
            member_id = rng.choice(members[org_id])
            kind = rng.choice(personal_kinds)
        else:
            kind = rng.choice(org_kinds)
        day = _day(rng)
        batch.append(
            dict(
                id=next_id + i,
                organisation_id=org_id,
                member_id=member_id,
                kind=kind,
                title=TITLES[kind],
                occurred_on=day,
                place="党员活动室" if kind in MEETING_KINDS else "",
                content="围绕创先争优活动开展。",
                created_at=_at(day, rng),
            )
        )
        if len(batch) == 20_000:
            bulk_insert(ActivityRecord, batch, campaign=campaign, logged_by=office)
            batch = []
            if (i + 1) % 100_000 == 0:
                log(f"  {i + 1:,} records")
    bulk_insert(ActivityRecord, batch, campaign=campaign, logged_by=office)
    return RECORDS


# ---------------------------------------------------------------- timing


def pages(campaign):
    root = Organisation.objects.get(depth=0)
    district = Organisation.objects.filter(depth=1).order_by("path").first()
    town = Organisation.objects.filter(depth=2).order_by("path").first()
    c = campaign.pk
    return [
        ("dashboard, root", f"/progress/?campaign={c}&org={root.pk}"),
        (f"dashboard, district ({district.name})", f"/progress/?campaign={c}&org={district.pk}"),
        (f"dashboard, town ({town.name})", f"/progress/?campaign={c}&org={town.pk}"),
        ("Excel export, root", f"/progress.xlsx?campaign={c}&org={root.pk}"),
        ("overdue list, root, page 1", f"/plans/overdue/?campaign={c}"),
        ("campaign page", f"/campaigns/{c}/"),
    ]


def live_pages(campaign):
    """The three dashboards once more, to be timed with the live aggregation (progress_data_live)."""
    return [(f"{label} — live aggregation", url) for label, url in pages(campaign)[:3]]


class live_aggregation:  # noqa: N801 - used as `with live_aggregation():`
    """Serve the dashboard from the raw rows, as before the roll-up counters (#23), for a side-by-side run
    on the same data: the page calls progress.selectors.progress_data through the module."""

    def __enter__(self):
        self.saved = progress_selectors.progress_data, progress_selectors.timeline
        progress_selectors.progress_data = progress_selectors.progress_data_live
        progress_selectors.timeline = progress_selectors.timeline_live

    def __exit__(self, *exc):
        progress_selectors.progress_data, progress_selectors.timeline = self.saved


def time_selectors(campaign, runs: int) -> None:
    """The dashboard's read alone (no page): progress_data from the counters and progress_data_live, for
    the root, the first district and the first town, p50 / p95 ms over `runs` calls each."""
    print("\n| dashboard read (selector only) | counters p50 / p95 ms | live aggregation p50 / p95 ms |")
    print("|---|---:|---:|")
    nodes = [
        ("root", Organisation.objects.get(depth=0)),
        ("district", Organisation.objects.filter(depth=1).order_by("path").first()),
        ("town", Organisation.objects.filter(depth=2).order_by("path").first()),
    ]
    for label, org in nodes:
        figures = []
        for fn in (progress_selectors.progress_data, progress_selectors.progress_data_live):
            fn(campaign=campaign, org=org)
            times = []
            for _ in range(runs):
                t = time.perf_counter()
                fn(campaign=campaign, org=org)
                times.append((time.perf_counter() - t) * 1000)
            figures.append(f"{statistics.median(times):.1f} / {percentile(times, 0.95):.1f}")
        print(f"| {label} ({org.name}) | {figures[0]} | {figures[1]} |", flush=True)


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
    queries = list(ctx.captured_queries)
    return {
        "p50": statistics.median(times),
        "p95": percentile(times, 0.95),
        "max": max(times),
        "queries": queries,
        "bytes": len(response.content),
        "slowest": max(queries, key=lambda q: float(q["time"]), default=None),
    }


def explain(sql: str) -> str:
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    with connection.cursor() as cur:
        cur.execute(prefix + sql)
        rows = cur.fetchall()
    if connection.vendor == "sqlite":
        return "\n".join(f"{r[0]:>3} {r[1]:>3} {r[3]}" for r in rows)
    return "\n".join(r[0] for r in rows)


def describe_data(campaign) -> str:
    plans = dict(
        Plan.objects.filter(campaign=campaign)
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    below = Organisation.objects.filter(depth__gt=campaign.organisation.depth).count()
    records = ActivityRecord.objects.filter(campaign=campaign).count()
    orgs_with = ActivityRecord.objects.filter(campaign=campaign).values("organisation_id").distinct().count()
    return (
        f"{below:,} organisations below the root; plans: "
        + ", ".join(f"{s} {plans.get(s, 0):,}" for s in PlanStatus.values)
        + f" (none: {below - sum(plans.values()):,}); "
        f"{PlanVersion.objects.filter(plan__campaign=campaign).count():,} versions, "
        f"{PlanDecision.objects.filter(plan__campaign=campaign).count():,} decisions; "
        f"{records:,} records on {orgs_with:,} organisations"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--user", default="bench_office")
    parser.add_argument("--show-sql", action="store_true", help="print the slowest query of each page")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN the slowest query of each page")
    parser.add_argument("--all-queries", action="store_true", help="list every query's time per page")
    parser.add_argument("--only", default="", help="run only pages whose label contains this text")
    parser.add_argument("--setup-only", action="store_true", help="add the data, time nothing")
    parser.add_argument(
        "--compare-live",
        action="store_true",
        help="also time the three dashboards with the live aggregation (before the roll-up counters, #23)",
    )
    args = parser.parse_args(argv)

    campaign = ensure_data()
    ensure_tallies(campaign)
    print("# " + describe_data(campaign))
    if args.setup_only:
        return
    client = Client()
    client.force_login(get_user_model().objects.get(username=args.user))
    print(
        f"# {connection.vendor} ({connection.settings_dict['NAME']}); user {args.user}; {args.runs} timed runs "
        f"after {args.warmup} warm-up; {platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}"
    )
    print()
    print("| page | URL | p50 ms | p95 ms | max ms | queries | slowest query ms |")
    print("|---|---|---:|---:|---:|---:|---:|")
    slow = []
    runs = [(label, url, False) for label, url in pages(campaign)]
    if args.compare_live:
        runs += [(label, url, True) for label, url in live_pages(campaign)]
    for label, url, live in runs:
        if args.only and args.only not in label:
            continue
        if live:
            with live_aggregation():
                r = measure(client, url, args.runs, args.warmup)
        else:
            r = measure(client, url, args.runs, args.warmup)
        q = r["slowest"]
        print(
            f"| {label} | `{url}` | {r['p50']:.0f} | {r['p95']:.0f} | {r['max']:.0f} | {len(r['queries'])} "
            f"| {float(q['time']) * 1000 if q else 0:.0f} |",
            flush=True,
        )
        slow.append((label, r))
    if args.compare_live:
        time_selectors(campaign, args.runs)
    print(f"\n# load average after: {os.getloadavg()[0]:.2f}")
    for label, r in slow:
        q = r["slowest"]
        if args.all_queries:
            print(f"\n-- {label}: every query (ms)")
            for x in r["queries"]:
                print(f"{float(x['time']) * 1000:8.1f}  {x['sql'][:160]}")
        if q and (args.show_sql or args.explain):
            print(f"\n-- {label}: slowest {float(q['time']) * 1000:.0f} ms\n{q['sql']}")
        if q and args.explain:
            print(explain(q["sql"]))


if __name__ == "__main__":
    main()
