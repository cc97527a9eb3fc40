"""Time 意见建议 (suggestions) in evaluation rounds: the cost a suggestion adds to a cast, and the office's
review page and the released list over a round with many suggestions.

Builds its own small tree (a city, 5 agencies) and one 民主评议行风政风 round with two rater groups, then:
1. --casts ballots by code without a suggestion and as many with one (p50 / p95 ms each), through
   services.ballot_cast_code, the path of the phone ballot and the API;
2. bulk-inserts --rows suggestions (as the casts would have stored them), closes the round, and times the
   office's review page (first and a deep page, 100 rows each), approving all rows in batches of 1,000 through
   services.suggestions_review, the release, and the released list (the same page for a reader).

    mkdir -p /tmp/ps-bench-sugg && PACESETTER_DATA_DIR=/tmp/ps-bench-sugg \\
      PACESETTER_DATABASE_URL=sqlite:////tmp/ps-bench-sugg/s.sqlite3 .venv/bin/python benchmarks/bench_suggestions.py
    psql -h 127.0.0.1 -U postgres -c 'create database ps_bench_sugg'
    PACESETTER_DATA_DIR=/tmp/ps-bench-sugg-pg PACESETTER_DATABASE_URL=postgres://postgres@127.0.0.1:5432/ps_bench_sugg \\
      .venv/bin/python benchmarks/bench_suggestions.py
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pacesetter.settings")
os.environ.setdefault("PACESETTER_DATA_DIR", "/tmp/ps-bench-sugg")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from pacesetter.evaluations import services  # noqa: E402
from pacesetter.evaluations.enums import GroupKind, GroupMode, RoundKind, RoundStatus, Scale  # noqa: E402
from pacesetter.evaluations.models import RaterGroup, Round, Suggestion  # noqa: E402
from pacesetter.evaluations.selectors import ballot_form  # noqa: E402
from pacesetter.orgs.enums import Role  # noqa: E402
from pacesetter.orgs.models import Organisation, RoleGrant, encode_segment  # noqa: E402

TEXT = "窗口工作人员态度很好，材料一次就讲清楚了，建议周末也开一个窗口。"


def ms(samples: list[float]) -> str:
    samples = sorted(samples)
    p95 = samples[max(0, round(0.95 * len(samples)) - 1)]
    return f"p50 {statistics.median(samples):.1f} ms, p95 {p95:.1f} ms"


def setup():
    n = Organisation.objects.count()
    root = Organisation.objects.create(name=f"基准市委{n}", path=encode_segment(900 + n % 300), depth=0)
    agencies = Organisation.objects.bulk_create(
        [
            Organisation(name=f"市第{i}局机关党委", parent=root, path=root.path + encode_segment(i), depth=1)
            for i in range(1, 6)
        ]
    )
    office, _ = get_user_model().objects.get_or_create(username=f"bench_sugg_office{n}")
    RoleGrant.objects.get_or_create(user=office, role=Role.OFFICE, organisation=root)
    now = timezone.now()
    round_ = services.round_create(
        actor=office,
        organisation=root,
        name="基准民主评议行风政风",
        kind=RoundKind.CONDUCT,
        scale=Scale.SATISFACTION,
        opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(days=1),
        groups=[
            {"name": "服务对象", "kind": GroupKind.PUBLIC, "weight": 70, "mode": GroupMode.CODES},
            {"name": "代表", "kind": GroupKind.DEPUTIES, "weight": 30, "mode": GroupMode.CODES},
        ],
        target_orgs=agencies,
    )
    services.round_transition(actor=office, round_=round_, to_status=RoundStatus.OPEN)
    return office, Round.objects.get(pk=round_.pk)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--casts", type=int, default=200)
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    office, round_ = setup()
    form = ballot_form(round_)
    group = RaterGroup.objects.get(round=round_, name="服务对象")
    codes = services.codes_generate(actor=office, round_=round_, group=group, count=2 * args.casts)
    rng = random.Random(1)

    def sheet():
        return {
            str(t.id): {str(q.position): rng.choice([100, 60, 0]) for q in form.questions}
            for t in form.targets
        }

    plain, with_text = [], []
    for i, code in enumerate(codes):
        answers, text = sheet(), TEXT if i % 2 else ""
        t = time.perf_counter()
        services.ballot_cast_code(
            code=code, answers=answers, client=f"10.0.{i // 250}.{i % 250}", suggestion=text
        )
        (with_text if text else plain).append((time.perf_counter() - t) * 1000)
    print(f"{connection.vendor}: cast without suggestion {ms(plain)}; with suggestion {ms(with_text)}")

    day = timezone.localdate()
    Suggestion.objects.bulk_create(
        [Suggestion(round=round_, group=group, text=f"{TEXT}（{i}）", day=day) for i in range(args.rows)],
        batch_size=2000,
    )
    services.round_transition(actor=office, round_=round_, to_status=RoundStatus.CLOSED)
    client = Client()
    client.force_login(office)
    url = f"/evaluations/{round_.pk}/suggestions/"
    for label, page_url in (("review page 1", url), ("review deep page", f"{url}?page={args.rows // 200}")):
        samples = []
        for _ in range(8):
            t = time.perf_counter()
            assert client.get(page_url).status_code == 200
            samples.append((time.perf_counter() - t) * 1000)
        with CaptureQueriesContext(connection) as ctx:
            client.get(page_url)
        print(f"{label}: {ms(samples[3:])}, {len(ctx.captured_queries)} queries")
    ids = [str(pk) for pk in Suggestion.objects.filter(round=round_).values_list("pk", flat=True)]
    t = time.perf_counter()
    for i in range(0, len(ids), 1000):
        services.suggestions_review(actor=office, round_=round_, ids=ids[i : i + 1000], to_status="approved")
    print(f"review {len(ids)} in batches of 1,000: {(time.perf_counter() - t):.1f} s")
    t = time.perf_counter()
    services.suggestions_release(actor=office, round_=round_)
    print(f"release: {(time.perf_counter() - t) * 1000:.0f} ms")
    samples = []
    for _ in range(8):
        t = time.perf_counter()
        assert client.get(url).status_code == 200
        samples.append((time.perf_counter() - t) * 1000)
    print(f"released page 1: {ms(samples[3:])}")
    print("uptime:", os.popen("uptime").read().strip())


if __name__ == "__main__":
    sys.exit(main())
