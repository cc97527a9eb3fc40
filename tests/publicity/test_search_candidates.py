"""The candidate step of search (the newest `window` matches + the newest `window` title matches) gives the
same rows as a straightforward reference, whichever plan _candidates_pg takes (the newest PG_PROBE rows or a walk
of PG_WALK when the matches are dense, the forced bitmap scan of the GIN indexes when they are not)."""

import random

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from pacesetter.publicity import search
from pacesetter.publicity.models import SearchDoc

pytestmark = pytest.mark.django_db

# how often each word is in a row's body / title: dense words, a rare AND of dense words, rare words
DENSITY = {"党员": 0.9, "建设": 0.5, "机关": 0.3, "作风": 0.05, "夜校": 0.02, "品牌": 0.2}
QUERIES = [
    ["党员"],
    ["建设"],
    ["党员", "建设"],
    ["机关", "作风"],
    ["作风", "夜校"],
    ["夜校"],
    ["品牌", "夜校"],
    ["没有的词"],
    ["党员", "没有的词"],
]


@pytest.fixture
def docs():
    rng = random.Random(16)
    rows = []
    for i in range(1, 601):
        title = [w for w, p in DENSITY.items() if rng.random() < p / 3] or ["动态"]
        body = [w for w, p in DENSITY.items() if rng.random() < p] + ["工作"]
        rng.shuffle(body)
        public = rng.random() < 0.85
        kind = "article" if i % 3 else "commitment"
        rows.append(
            SearchDoc(
                kind=kind,
                object_id=i,
                title="".join(title),
                body="".join(body),
                title_seg=" ".join(title),
                body_seg=" ".join(body),
                extra_seg="",
                url=f"/x/{i}/",
                is_public=public,
                facets=SearchDoc.facets_for(kind, public),
            )
        )
    SearchDoc.objects.bulk_create(rows)
    search.refresh_all_vectors()
    return list(SearchDoc.objects.order_by("-id"))


def reference(docs, words, kind, match_any, window) -> set[int]:
    test = any if match_any else all

    def newest(columns):
        out = []
        for d in docs:  # newest first
            have = set(" ".join(getattr(d, c) for c in columns).split())
            if d.is_public and (not kind or d.kind == kind) and test(w in have for w in words):
                out.append(d.pk)
        return out[:window]

    return set(newest(["title_seg", "body_seg", "extra_seg"])) | set(newest(["title_seg"]))


def candidates(words, kind, match_any, window):
    if connection.vendor == "postgresql":
        return search._candidates_pg(words, kind, match_any, window)
    return search._candidates_sqlite(words, kind, match_any, window)


WALKS = [(10, 40), (40, 400), (2000, 20000)]


@pytest.mark.parametrize(("probe", "walk"), WALKS)
@pytest.mark.parametrize("window", [5, 30])
def test_candidates_are_the_newest_matches_and_the_newest_title_matches(
    docs, monkeypatch, probe, walk, window
):
    monkeypatch.setattr(search, "PG_PROBE", probe)
    monkeypatch.setattr(search, "PG_WALK", walk)
    for words in QUERIES:
        for kind in ("", "article", "commitment"):
            for match_any in (False, True):
                got = candidates(words, kind, match_any, window)
                assert len(got) == len(set(got))
                assert set(got) == reference(docs, words, kind, match_any, window), (words, kind, match_any)


def pg_reference(words, kind, match_any, window) -> set[int]:
    """The query as it was before the two steps: ORDER BY id DESC LIMIT window over the GIN match."""
    op = " | " if match_any else " & "
    ids: set[int] = set()
    with connection.cursor() as cur:
        for weight in ("", ":A"):
            raw = op.join(search._pg_quote(w) + weight for w in words)
            cur.execute(
                "SELECT id FROM publicity_searchdoc WHERE vector @@ to_tsquery('simple', %s) AND is_public"
                + (" AND kind = %s" if kind else "")
                + " ORDER BY id DESC LIMIT %s",
                [raw, *([kind] if kind else []), window],
            )
            ids.update(r[0] for r in cur.fetchall())
    return ids


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL plan and its reference query")
def test_pg_candidates_match_the_reference_query_on_both_plans(docs, monkeypatch):
    plans = set()
    for probe, walk in WALKS:
        monkeypatch.setattr(search, "PG_PROBE", probe)
        monkeypatch.setattr(search, "PG_WALK", walk)
        for words in QUERIES:
            for kind in ("", "article"):
                for match_any in (False, True):
                    with CaptureQueriesContext(connection) as queries:
                        got = search._candidates_pg(words, kind, match_any, 20)
                    sqls = [q["sql"] for q in queries.captured_queries]
                    plans.add((sum("newest" in q for q in sqls), any("set_config" in q for q in sqls)))
                    assert set(got) == pg_reference(words, kind, match_any, 20), (
                        walk,
                        words,
                        kind,
                        match_any,
                    )
    assert {bitmap for _walks, bitmap in plans} == {True, False}, "both the walk and the bitmap are taken"
    assert max(walks for walks, _bitmap in plans) >= 3, "a longer walk after the probe is taken"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL planner settings")
def test_pg_planner_settings_are_put_back_in_a_surrounding_transaction(docs):
    with transaction.atomic(), connection.cursor() as cur:
        search._candidates_pg(["党员", "作风"], "", False, 20)
        cur.execute("SELECT current_setting('enable_seqscan'), current_setting('enable_indexscan')")
        assert cur.fetchone() == ("on", "on")
