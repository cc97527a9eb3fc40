"""Search p50/p95 (publicity.search.search_public) over generated SearchDoc rows, and the public article page.

The rows are built from sentences of the seed speeches (/work/shared/seed, segmented by jieba once), or with
`--corpus vocabulary` from a small campaign vocabulary where every query matches most rows (the worst case);
every query is segmented by jieba as in production. Then the public article page with its related items.

    PACESETTER_DATA_DIR=/tmp/ps-bench-search PYTHONPATH=src python benchmarks/bench_search.py --articles 100000 --commitments 200000
    PACESETTER_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_search PYTHONPATH=src python benchmarks/bench_search.py ...

--ladder runs on a rung of the scale ladder (bench_ladder.py, a database made by generate.py): it adds, once,
one article doc per 10 organisations and two commitment docs per 10 organisations (the default's 1 : 2), built
as above from the speeches, and keeps every SearchDoc already there (a second run finds the docs and adds
nothing); then it times the public search page /news/search/?q= through Django's test Client for four kinds of
search (a term in most docs, two words, a rare word, a long word) — --runs timed requests each after 3 warm-up,
and the query count of one more — printed in bench_pages.py's columns. No article page, no collectstatic
(it would add an article and an organisation to the rung; bench_ladder sets PACESETTER_STATIC_MANIFEST=false).
"""

import argparse
import os
import random
import re
import statistics
import time
from pathlib import Path

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
SEED = Path("/work/shared/seed")
# Realistic searches: campaign terms that are in nearly every item, ordinary words, two-word searches and rare
# words (the worst case of the ranking window is the first kind, the worst case of the index the last).
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
    "为民服务",
    "基层党组织 建设",
    "机关 作风",
    "群众 满意",
    "学习型党组织",
    "承诺 践诺",
]


def text(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n)) + " 。"


def speech_sentences() -> list[str]:
    """The seed speeches cut into sentences and segmented by jieba (as the services store text)."""
    from pacesetter.publicity.search import segment

    raw = "\n".join(p.read_text(encoding="utf-8", errors="ignore") for p in sorted(SEED.glob("*.txt")))
    parts = [s.strip() for s in re.split(r"[。！？\n]", raw) if len(s.strip()) >= 8]
    return [segment(s + "。").words for s in parts]


def generate(articles: int, commitments: int, corpus: str, replace: bool = True) -> None:
    from pacesetter.publicity.models import SearchDoc
    from pacesetter.publicity.search import refresh_all_vectors

    rng = random.Random(2010)
    sentences = speech_sentences() if corpus == "speeches" else []

    def doc_text(n_words: int, n_sentences: int) -> str:
        if sentences:
            return " ".join(rng.choice(sentences) for _ in range(n_sentences))
        return text(rng, n_words)

    if replace:
        SearchDoc.objects.all().delete()
    batch = []
    with transaction.atomic():
        for kind, count in (("article", articles), ("commitment", commitments)):
            for i in range(1, count + 1):
                title = doc_text(6, 1).split(" ")[:12]
                title = " ".join(title)
                body = doc_text(80 if kind == "article" else 25, 8 if kind == "article" else 2)
                public = rng.random() < 0.9
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
                        is_public=public,
                        facets=SearchDoc.facets_for(kind, public),
                    )
                )
                if len(batch) == 5000:
                    SearchDoc.objects.bulk_create(batch)
                    batch = []
        SearchDoc.objects.bulk_create(batch)
        refresh_all_vectors()
    with connection.cursor() as cur:
        cur.execute("ANALYZE")


def percentiles(ts: list[float]) -> str:
    ts = sorted(ts)
    p95 = ts[max(0, int(len(ts) * 0.95) - 1)]
    return f"p50 {statistics.median(ts):.1f} ms, p95 {p95:.1f} ms, max {ts[-1]:.1f} ms"


def measure(rounds: int) -> dict[str, list[float]]:
    from pacesetter.publicity.search import search_public

    search_public("热身")  # jieba loads once per process
    times: dict[str, list[float]] = {}
    for r in range(rounds):
        q = QUERIES[r % len(QUERIES)]
        t = time.perf_counter()
        search_public(q, limit=20)
        times.setdefault(q, []).append((time.perf_counter() - t) * 1000)
    return times


def article_page(rounds: int) -> list[float]:
    """GET /news/a/<pk>/ of a published article (with its related items) through Django's test Client."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    from pacesetter.orgs.models import Organisation
    from pacesetter.publicity import services
    from pacesetter.publicity.enums import ArticleStatus
    from pacesetter.publicity.models import Article, Tag

    user = get_user_model().objects.filter(
        is_superuser=True
    ).first() or get_user_model().objects.create_superuser("bench-search", password="x")
    org = Organisation.objects.filter(name="宣传基准党委").first() or Organisation.objects.create(
        name="宣传基准党委", path="zz", org_type="committee"
    )
    a = Article.objects.create(
        organisation=org,
        title="全市深入开展创先争优活动 党员示范岗亮身份",
        body="<p>" + "各级党组织认真落实五个好目标要求，广大党员做到五带头，争当示范岗。" * 20 + "</p>",
        status=ArticleStatus.PUBLISHED,
        published_at=timezone.now(),
        created_by=user,
    )
    a.tags.set([Tag.objects.get_or_create(name=n)[0] for n in ("创先争优", "五个好")])
    services.index_article(a)
    c = Client()
    url = f"/news/a/{a.pk}/"
    assert c.get(url).status_code == 200
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        r = c.get(url)
        times.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200
    return times


LADDER_SEARCHES = [
    ("search: a term in most docs", "创先争优"),
    ("search: two words", "党员 示范岗"),
    ("search: a rare word", "夜校"),
    ("search: a long word", "学习型党组织"),
]


def ladder(runs: int) -> None:
    """Docs in proportion to the rung's organisations (once), then the search page as a table."""
    from urllib.parse import quote

    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from pacesetter.orgs.models import Organisation
    from pacesetter.publicity.models import SearchDoc

    orgs = Organisation.objects.count()
    if SearchDoc.objects.filter(url__startswith="/x/").exists():
        print("search docs already there; not adding any")
    else:
        t = time.perf_counter()
        generate(orgs // 10, orgs // 5, "speeches", replace=False)
        print(
            f"# added {orgs // 10:,} article + {orgs // 5:,} commitment docs in {time.perf_counter() - t:.0f} s"
        )
    print(
        f"# {connection.vendor} ({connection.settings_dict['NAME']}): {SearchDoc.objects.count():,} search docs"
    )
    client = Client()
    rows = []
    for label, q in LADDER_SEARCHES:
        url = f"/news/search/?q={quote(q)}"
        for _ in range(3):
            assert client.get(url).status_code == 200, url
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            assert client.get(url).status_code == 200
            times.append((time.perf_counter() - t) * 1000)
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        slowest = max(float(x["time"]) for x in ctx.captured_queries) * 1000
        times.sort()
        k = (len(times) - 1) * 0.95  # interpolated, as bench_pages.py
        p95 = times[int(k)] + (times[min(int(k) + 1, len(times) - 1)] - times[int(k)]) * (k - int(k))
        rows.append(
            (
                f"{label} ({q})",
                f"/news/search/?q={q}",
                statistics.median(times),
                p95,
                times[-1],
                len(ctx.captured_queries),
                slowest,
            )
        )
    print(f"# load average after: {os.getloadavg()[0]:.2f}")
    print("| page | URL | p50 ms | p95 ms | max ms | queries | slowest query ms |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for label, url, p50, p95, worst, queries, slowest in rows:
        print(f"| {label} | `{url}` | {p50:.0f} | {p95:.0f} | {worst:.0f} | {queries} | {slowest:.0f} |")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--articles", type=int, default=30_000)
    p.add_argument("--commitments", type=int, default=60_000)
    p.add_argument("--rounds", type=int, default=180)
    p.add_argument("--skip-generate", action="store_true")
    p.add_argument("--corpus", choices=["speeches", "vocabulary"], default="speeches")
    p.add_argument("--ladder", action="store_true", help="on a bench_ladder.py rung (see the docstring)")
    p.add_argument("--runs", type=int, default=20, help="timed requests per search with --ladder")
    a = p.parse_args()
    call_command("migrate", verbosity=0)
    if a.ladder:
        return ladder(a.runs)
    call_command("collectstatic", interactive=False, verbosity=0)  # the pages name hashed static files
    if not a.skip_generate:
        t = time.perf_counter()
        generate(a.articles, a.commitments, a.corpus)
        print(
            f"generated {a.articles} articles + {a.commitments} commitments ({a.corpus})"
            f" in {time.perf_counter() - t:.0f} s"
        )
    times = measure(a.rounds)
    for q, ts in times.items():
        print(f"  {q}: {percentiles(ts)}")
    every = [x for ts in times.values() for x in ts]
    print(f"{connection.vendor}: search {percentiles(every)}")
    print(f"{connection.vendor}: article page {percentiles(article_page(max(30, a.rounds // 3)))}")
    print("load average:", " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
