"""Search p50/p95 (publicity.search.search_public) over generated SearchDoc rows, and the public article page.

The rows are built from a campaign vocabulary already in segmented form (as the services would store it), so
generation does not spend its minutes in jieba; every query is segmented by jieba as in production.

    PACESETTER_DATA_DIR=/tmp/ps-bench-search PYTHONPATH=src python benchmarks/bench_search.py --articles 30000 --commitments 60000
    PACESETTER_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_search PYTHONPATH=src python benchmarks/bench_search.py ...
"""

import argparse
import os
import random
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pacesetter.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

WORDS = [
    "创先争优",
    "五个好",
    "五带头",
    "四比四看",
    "党支部",
    "党员",
    "群众",
    "服务",
    "发展",
    "村",
    "社区",
    "学校",
    "医院",
    "企业",
    "承诺",
    "践诺",
    "述诺",
    "评诺",
    "强村富民",
    "为民服务",
    "示范岗",
    "先锋岗",
    "窗口",
    "品牌",
    "基层",
    "组织",
    "活动",
    "开展",
    "推进",
    "落实",
    "经验",
    "做法",
    "典型",
    "培育",
    "学习",
    "教育",
    "卫生",
    "农业",
    "工业",
    "环境",
    "整治",
    "道路",
    "修缮",
    "帮扶",
    "困难",
    "家庭",
    "志愿",
    "服务队",
    "夜校",
    "培训",
    "技术",
    "产业",
    "合作社",
]
QUERIES = [
    "创先争优",
    "五个好",
    "四比四看",
    "强村富民",
    "党员 示范岗",
    "志愿 服务队",
    "合作社 产业",
    "窗口 品牌",
    "夜校",
]


def text(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n)) + " 。"


def generate(articles: int, commitments: int) -> None:
    from pacesetter.publicity.models import SearchDoc
    from pacesetter.publicity.search import refresh_all_vectors

    rng = random.Random(2010)
    SearchDoc.objects.all().delete()
    batch = []
    with transaction.atomic():
        for kind, count in (("article", articles), ("commitment", commitments)):
            for i in range(1, count + 1):
                title = text(rng, 6)
                body = text(rng, 80 if kind == "article" else 25)
                batch.append(
                    SearchDoc(
                        kind=kind,
                        object_id=i,
                        title=title.replace(" ", ""),
                        body=body.replace(" ", ""),
                        title_seg=title,
                        body_seg=body,
                        extra_seg="",
                        url=f"/x/{i}/",
                        is_public=rng.random() < 0.9,
                    )
                )
                if len(batch) == 5000:
                    SearchDoc.objects.bulk_create(batch)
                    batch = []
        SearchDoc.objects.bulk_create(batch)
        refresh_all_vectors()
    with connection.cursor() as cur:
        cur.execute("ANALYZE")


def measure(rounds: int) -> list[float]:
    from pacesetter.publicity.search import search_public

    search_public("热身")  # jieba loads once per process
    times = []
    for r in range(rounds):
        q = QUERIES[r % len(QUERIES)]
        t = time.perf_counter()
        search_public(q, limit=20)
        times.append((time.perf_counter() - t) * 1000)
    return times


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--articles", type=int, default=30_000)
    p.add_argument("--commitments", type=int, default=60_000)
    p.add_argument("--rounds", type=int, default=180)
    p.add_argument("--skip-generate", action="store_true")
    a = p.parse_args()
    call_command("migrate", verbosity=0)
    if not a.skip_generate:
        t = time.perf_counter()
        generate(a.articles, a.commitments)
        print(
            f"generated {a.articles} articles + {a.commitments} commitments in {time.perf_counter() - t:.0f} s"
        )
    ts = sorted(measure(a.rounds))
    p95 = ts[int(len(ts) * 0.95) - 1]
    print(
        f"{connection.vendor}: search p50 {statistics.median(ts):.1f} ms, p95 {p95:.1f} ms, max {ts[-1]:.1f} ms"
    )


if __name__ == "__main__":
    main()
