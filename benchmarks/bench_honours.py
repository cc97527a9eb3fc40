"""Time the commendation pages with 50,000 organisations nominating and 100,000 public recommendations,
in-process through Django's test Client (the method of bench_complaints.py).

Builds its own data when the database has no programme: the 50,021 organisations of bench_complaints.py
(示范市委 → 20 districts → 400 towns → 49,600 branches), a programme with its three categories and places
for every district, one nomination from each of 50,000 organisations (bulk_create; every one waiting for
review at the next level up), 100,000 recommendations (one OneCount row each, spread over the nominees, the
counter on the nomination as the service keeps it). Then for each page 3 warm-up requests and --runs timed
ones (p50 / p95 / max ms) and the query count of one more: the office's review list at the root, a
district's review list, the programme page; then 2,000 nominees are put on the 公示 and the public notice
page is timed (first page and a deep page).

    psql -h 127.0.0.1 -U postgres -c 'create database ps_bench_honours'
    PACESETTER_DATA_DIR=/tmp/ps-bench-honours-pg \\
    PACESETTER_DATABASE_URL=postgres://postgres@127.0.0.1:5432/ps_bench_honours .venv/bin/python benchmarks/bench_honours.py

    mkdir -p /tmp/ps-bench-honours
    PACESETTER_DATA_DIR=/tmp/ps-bench-honours \\
    PACESETTER_DATABASE_URL=sqlite:////tmp/ps-bench-honours/h.sqlite3 .venv/bin/python benchmarks/bench_honours.py
"""

import argparse
import datetime
import os
import random
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pacesetter.settings")
os.environ.setdefault("PACESETTER_DATA_DIR", "/tmp/ps-bench-honours")
sys.path.insert(0, os.path.dirname(__file__))

from bench_complaints import accounts, build_orgs, timed  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from pacesetter.campaigns.enums import CampaignStatus, StepKind  # noqa: E402
from pacesetter.campaigns.models import Campaign, Stage, Step  # noqa: E402
from pacesetter.core.models import OneCount  # noqa: E402
from pacesetter.honours.enums import NominationStatus, ProgrammeStatus, Subject  # noqa: E402
from pacesetter.honours.models import Category, Nomination, Programme, Quota  # noqa: E402
from pacesetter.orgs.models import Organisation  # noqa: E402

NOMINATIONS, RECOMMENDATIONS, IN_NOTICE = 50_000, 100_000, 2_000


def build(root) -> Programme:
    today, now = timezone.localdate(), timezone.now()
    with transaction.atomic():
        campaign = Campaign.objects.create(
            name="基准活动",
            organisation=root,
            status=CampaignStatus.ACTIVE,
            starts_on=today - datetime.timedelta(days=30),
            ends_on=today + datetime.timedelta(days=300),
        )
        stage = Stage.objects.create(
            campaign=campaign, name="一", starts_on=campaign.starts_on, ends_on=campaign.ends_on, order=1
        )
        Step.objects.create(
            campaign=campaign,
            stage=stage,
            kind=StepKind.COMMEND,
            capabilities=["nominations"],
            opens_at=now - datetime.timedelta(days=1),
            closes_at=now + datetime.timedelta(days=60),
        )
        p = Programme.objects.create(
            campaign=campaign,
            organisation=root,
            title="基准表彰",
            issuer_name="中共示范市委",
            year=today.year,
            nominate_until=today + datetime.timedelta(days=10),
            status=ProgrammeStatus.NOMINATING,
        )
        cats = [
            Category.objects.create(
                programme=p,
                name="先进基层党组织",
                subject=Subject.ORGANISATION,
                quota=NOMINATIONS,
                position=0,
            ),
            Category.objects.create(
                programme=p, name="优秀共产党员", subject=Subject.MEMBER, quota=10, position=1
            ),
        ]
        districts = list(Organisation.objects.filter(parent=root))
        Quota.objects.bulk_create(
            [
                Quota(
                    category=cats[0],
                    organisation=d,
                    amount=NOMINATIONS // len(districts) + 1,
                    allocated_by=root,
                )
                for d in districts
            ]
        )
        orgs = list(
            Organisation.objects.filter(depth__gte=2)
            .select_related("parent__parent")
            .order_by("path")[:NOMINATIONS]
        )
        rng = random.Random(7)
        Nomination.objects.bulk_create(
            [
                Nomination(
                    programme=p,
                    category=cats[0],
                    nominator=o.parent if o.depth == 3 else o,
                    path=o.path,
                    subject_org=o,
                    display_name=o.name,
                    org_label=f"{o.parent.name} / {o.name}",
                    deed="事迹" * 60,
                    summary="扎根基层，服务群众。",
                    reviewer=o.parent,
                    recommendations=0,
                )
                for o in orgs
            ],
            batch_size=2000,
        )
        ids = list(Nomination.objects.filter(programme=p).values_list("pk", flat=True))
        counts: dict[int, int] = {}
        rows = []
        for k in range(RECOMMENDATIONS):
            n = ids[int(rng.paretovariate(1.2)) % len(ids)]
            counts[n] = counts.get(n, 0) + 1
            rows.append(OneCount(subject=f"honours-recommend:{n}", person_key=f"bench:{k}"))
        OneCount.objects.bulk_create(rows, batch_size=5000)
        for n, c in counts.items():
            Nomination.objects.filter(pk=n).update(recommendations=c)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return p


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # the pages name hashed static files
    root = Organisation.objects.filter(depth=0, name="示范市委").first()
    if root is None:
        t = time.perf_counter()
        root = build_orgs()
        print(f"organisations: {Organisation.objects.count()} in {time.perf_counter() - t:.1f} s")
    p = Programme.objects.filter(title="基准表彰").first()
    if p is None:
        t = time.perf_counter()
        p = build(root)
        print(
            f"nominations: {Nomination.objects.count()}, recommendations: {OneCount.objects.count()} in {time.perf_counter() - t:.1f} s"
        )
    users, district, _branch = accounts(root)
    Programme.objects.filter(pk=p.pk).update(
        status=ProgrammeStatus.NOMINATING, notice_starts_on=None, notice_ends_on=None
    )
    Nomination.objects.filter(programme=p).update(status=NominationStatus.UNDER_REVIEW)
    pages = [
        ("office review list (root)", "office", f"/honours/{p.pk}/queue/"),
        ("district review list", "district", f"/honours/{p.pk}/queue/"),
        ("programme page (office)", "office", f"/honours/{p.pk}/"),
        ("public recommendation page", None, f"/h/{p.pk}/"),
    ]
    notice_pages = [
        ("public 公示 page, first page", None, f"/h/{p.pk}/"),
        ("public 公示 page, page 20", None, f"/h/{p.pk}/?page=20"),
    ]
    print(f"database: {connection.vendor}; nominations {Nomination.objects.count()}; runs {args.runs}")
    print(f"{'page':40} {'p50':>7} {'p95':>7} {'max':>7} {'queries':>8}")

    def run(rows):
        for label, who, url in rows:
            c = Client()
            if who:
                c.force_login(users[who])
            p50, p95, mx, n, _ctx = timed(c, url, args.runs)
            print(f"{label:40} {p50:7.1f} {p95:7.1f} {mx:7.1f} {n:8d}")

    run(pages)
    with transaction.atomic():
        today = timezone.localdate()
        Programme.objects.filter(pk=p.pk).update(
            status=ProgrammeStatus.NOTICE,
            notice_starts_on=today,
            notice_ends_on=today + datetime.timedelta(days=6),
        )
        first = Nomination.objects.filter(programme=p).order_by("pk").values_list("pk", flat=True)[:IN_NOTICE]
        Nomination.objects.filter(pk__in=list(first)).update(status=NominationStatus.IN_NOTICE, reviewer=None)
    run(notice_pages)


if __name__ == "__main__":
    main()
