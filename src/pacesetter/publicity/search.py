"""Chinese full-text search: jieba segmentation with the campaign's user dictionary, the index (SearchDoc,
kept current by the services in their own transaction), and the query on SQLite FTS5 or PostgreSQL.

    >>> segment("开展创先争优活动")
    Segmented(words='开展 创先争优 活动', extra='创先 争优')
    >>> search_public("创先争优")[0].snippet       # HTML-escaped, the matched words in <mark>
    '…深入开展<mark>创先争优</mark>活动…'

jieba loads its dictionary once per process (a few hundred ms), caching it in the data directory.
"""

import html
import math
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.core.errors import ValidationError

from .enums import SEARCH_QUERY_LIMIT, SearchKind
from .models import SearchDoc

USER_DICT = Path(__file__).with_name("userdict.txt")
_lock = threading.Lock()
_tokenizer = None
_WORD = re.compile(r"\w", re.UNICODE)
_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
_SPACE_NEAR_CJK = re.compile(rf" (?=[{_CJK}\x02\x03])|(?<=[{_CJK}\x02\x03]) ")


def tokenizer():
    """The process's one jieba tokenizer, with the campaign terms (创先争优, 五个好 …) as words."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import logging

                import jieba

                jieba.setLogLevel(logging.WARNING)
                t = jieba.Tokenizer()
                t.tmp_dir = str(settings.DATA_DIR)
                t.initialize()
                t.load_userdict(str(USER_DICT))
                _tokenizer = t
    return _tokenizer


@dataclass(frozen=True)
class Segmented:
    words: str  # the text's words in order, separated by spaces (punctuation kept, so snippets read well)
    extra: str  # finer words of search mode not already among `words`


def segment(text: str) -> Segmented:
    t = tokenizer()
    text = (text or "").replace("\x00", "").replace("\x02", "").replace("\x03", "")
    words = [w for w in t.cut(text) if w.strip()]
    seen = set(words)
    extra = [w for w in t.cut_for_search(text) if w.strip() and w not in seen and _WORD.search(w)]
    return Segmented(" ".join(words), " ".join(dict.fromkeys(extra)))


def query_words(q: str) -> list[str]:
    """The words of a search, or a ValidationError saying why there are none (empty, punctuation, too long)."""
    q = (q or "").replace("\x00", "").strip()
    if not q:
        raise ValidationError(_("请输入要搜索的文字"), field="q")
    if len(q) > SEARCH_QUERY_LIMIT:
        raise ValidationError(
            _("搜索词不能超过%(n)d个字，请缩短后再试") % {"n": SEARCH_QUERY_LIMIT}, field="q"
        )
    words = list(dict.fromkeys(w.strip() for w in tokenizer().cut(q) if _WORD.search(w)))
    if not words:
        raise ValidationError(_("搜索词只有标点符号，请输入文字"), field="q")
    return words[:20]


def unsegment(text: str) -> str:
    return _SPACE_NEAR_CJK.sub("", text)


# ------------------------------------------------------------------ the index


def index_doc(*, kind: str, object_id: int, title: str, body: str, url: str, is_public: bool, tags: str = ""):
    """Add or refresh one entry; called by the services inside their transaction."""
    t, b = segment(title), segment(body)
    doc, _created = SearchDoc.objects.update_or_create(
        kind=kind,
        object_id=object_id,
        defaults={
            "title": title[:300],
            "body": body,
            "title_seg": t.words,
            "body_seg": b.words,
            "extra_seg": " ".join(filter(None, [t.extra, b.extra, " ".join(segment(tags).words.split())])),
            "url": url,
            "is_public": is_public,
            "tags": tags[:300],
            "facets": SearchDoc.facets_for(kind, is_public),
            "updated_at": timezone.now(),
        },
    )
    if connection.vendor == "postgresql":
        _pg_refresh_vectors(SearchDoc.objects.filter(pk=doc.pk))
    return doc


def unindex_doc(*, kind: str, object_id: int) -> None:
    SearchDoc.objects.filter(kind=kind, object_id=object_id).delete()


def _pg_refresh_vectors(qs) -> None:
    from django.contrib.postgres.search import SearchVector

    qs.update(
        vector=SearchVector("title_seg", weight="A", config="simple")
        + SearchVector("body_seg", weight="B", config="simple")
        + SearchVector("extra_seg", weight="C", config="simple")
    )


def refresh_all_vectors() -> None:
    if connection.vendor == "postgresql":
        _pg_refresh_vectors(SearchDoc.objects.all())


# ------------------------------------------------------------------ the query


@dataclass(frozen=True)
class Hit:
    kind: str
    object_id: int
    title: str
    url: str
    snippet: str  # safe HTML: escaped text with <mark> around matched words
    score: float

    @property
    def kind_label(self) -> str:
        return str(SearchKind(self.kind).label)


def _marked(raw: str) -> str:
    return html.escape(unsegment(raw)).replace("\x02", "<mark>").replace("\x03", "</mark>")


def search_public(q: str, *, kind: str = "", limit: int = 20, offset: int = 0, exclude=None) -> list[Hit]:
    """Published things matching every word of `q`, best first (title matches weigh most)."""
    words = query_words(q)
    if kind and kind not in SearchKind.values:
        raise ValidationError(_("未知的检索范围"), field="kind")
    return search_words(words, kind=kind, limit=limit, offset=offset, exclude=exclude)


# How many of the newest matches are ranked (twice over: the newest matching anywhere and the newest matching in
# the title). A campaign term such as 创先争优 is in nearly every article, and ranking every match costs time
# in proportion to them (FTS5's bm25 also scans each word's whole posting list for its IDF: 30 ms a word at
# 300,000 rows); news readers want the recent items, so a query matching more than this ranks the newest.
WINDOW = 200
_K1, _B = 1.2, 0.75
_WEIGHTS = (8.0, 2.0, 1.0)  # title, body, finer words and tags


def search_words(words, *, kind="", limit=20, offset=0, exclude=None, match_any=False) -> list[Hit]:
    """Matches of `words` (all of them, or any with `match_any`), ranked by BM25 over the title, body and
    finer words with the IDF of jieba's dictionary, best first; snippets for the returned page only."""
    limit, offset = max(1, min(int(limit), 100)), max(0, int(offset))
    window = max(WINDOW, offset + limit + 1)
    if connection.vendor == "postgresql":
        ids = _candidates_pg(words, kind, match_any, window)
    else:
        ids = _candidates_sqlite(words, kind, match_any, window)
    if not ids:
        return []
    rows = list(
        SearchDoc.objects.filter(pk__in=ids).values_list(
            "pk", "kind", "object_id", "title", "url", "title_seg", "body_seg", "extra_seg"
        )
    )
    if exclude:
        rows = [r for r in rows if (r[1], r[2]) != tuple(exclude)]
    lowered = [w.lower() for w in words]
    idf = {w: _idf(w) for w in lowered}
    columns = [[" " + str(r[i] or "").lower() + " " for i in (5, 6, 7)] for r in rows]
    lengths = [[c.count(" ") - 1 if c.strip() else 0 for c in cols] for cols in columns]
    n = len(rows) or 1
    avg = [sum(ls[i] for ls in lengths) / n or 1.0 for i in range(3)]
    scored = sorted(
        ((_bm25(idf, avg, cols, ls), r) for r, cols, ls in zip(rows, columns, lengths, strict=True)),
        key=lambda sr: (-sr[0], -sr[1][0]),
    )
    return [
        Hit(r[1], r[2], r[3], r[4], _snippet(r[6] or r[5], lowered), sc)
        for sc, r in scored[offset : offset + limit]
    ]


def _idf(word: str) -> float:
    t = tokenizer()
    return math.log(1 + t.total / (1 + t.FREQ.get(word, 0)))


def _bm25(idf: dict[str, float], avg: list[float], columns: list[str], lengths: list[int]) -> float:
    """BM25F over the three segmented columns (` word ` counted in each, lowered and padded with spaces)."""
    score = 0.0
    for w, w_idf in idf.items():
        needle = f" {w} "
        tf = sum(
            wt * col.count(needle) / (1 - _B + _B * n / a)
            for wt, col, n, a in zip(_WEIGHTS, columns, lengths, avg, strict=True)
        )
        if tf:
            score += w_idf * tf * (_K1 + 1) / (tf + _K1)
    return score


def _snippet(segmented: str, words: list[str], width: int = 24) -> str:
    """About `width` words around the first match, escaped, each word containing a query word in <mark>."""
    low = segmented.lower()
    found = [p for p in (low.find(w) for w in words) if p >= 0]
    pos = segmented.rfind(" ", 0, min(found)) + 1 if found else 0
    before = segmented[:pos].split(" ")[:-1] if pos else []
    before = before[-(width // 3) :]
    after = segmented[pos:].split(" ", width)
    tokens = before + after[: width - len(before)]
    more_before = pos > 0 and len(segmented[:pos].split(" ")) - 1 > len(before)
    more_after = len(after) > width - len(before)
    parts = [f"\x02{t}\x03" if any(w in t.lower() for w in words) else t for t in tokens]
    return ("…" if more_before else "") + _marked(" ".join(parts)) + ("…" if more_after else "")


def _fts_phrase(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _candidates_sqlite(words, kind, match_any, window) -> list[int]:
    """The newest `window` matches, and the newest `window` with the words in the title: FTS5 walks its
    posting lists newest first and stops (the `facets` column filters public items and the kind)."""
    terms = "(" + (" OR " if match_any else " AND ").join(_fts_phrase(w) for w in words) + ")"
    facets = " AND facets : xpub" + (" AND facets : " + _fts_phrase("xk" + kind) if kind else "")
    sql = (
        "SELECT rowid FROM publicity_searchdoc_fts WHERE publicity_searchdoc_fts MATCH %s"
        " ORDER BY rowid DESC LIMIT %s"
    )
    ids: dict[int, None] = {}
    with connection.cursor() as cur:
        for columns in ("{title_seg body_seg extra_seg}", "{title_seg}"):
            cur.execute(sql, [f"{columns} : {terms}{facets}", window])
            ids.update((r[0], None) for r in cur.fetchall())
    return list(ids)


# _candidates_pg: the newest public rows tested one by one first (the walk stops as soon as `window` match), a
# longer walk when at least PG_DENSE of those matched, and the GIN index when either walk falls short.
PG_PROBE = 2000
PG_WALK = 20000
PG_DENSE = 0.015


def _candidates_pg(words, kind, match_any, window) -> list[int]:
    """As on SQLite: the newest `window` matches of the GIN-indexed vector, and the newest `window` with the
    words in the title (weight A; through the title's own GIN index, migration 0007, when they are sparse).

    The planner cannot tell a rare AND of common words (机关 & 作风, or 基层党组织 & 建设 in titles) from a
    frequent one: it walked the primary key backwards testing `vector @@` row by row for both, hundreds of ms
    when the AND is rare, while a bitmap over the GIN index visits a heap page per match, over 100 ms for a word
    in a tenth of the rows. So the choice is made here from what the newest rows show: the newest PG_PROBE public
    rows are tested; `window` matches among them are the newest `window`; if the matches are dense enough
    (PG_DENSE) a walk of up to PG_WALK rows finds them; otherwise, or if that falls short too, a bitmap scan of
    the GIN index, forced (the planner would walk the primary key), reads every match and keeps the newest."""
    op = " | " if match_any else " & "
    every = op.join(_pg_quote(w) for w in words)
    in_title = op.join(_pg_quote(w) + ":A" for w in words)
    kind_sql, kind_params = (" AND kind = %s", [kind]) if kind else ("", [])
    walk_sql = (
        "SELECT id FROM (SELECT id, vector FROM publicity_searchdoc"
        f" WHERE is_public{kind_sql} ORDER BY id DESC LIMIT %s) newest"
        " WHERE vector @@ to_tsquery('simple', %s) ORDER BY id DESC LIMIT %s"
    )
    ids: dict[int, None] = {}
    sparse: list[str] = []
    with connection.cursor() as cur:
        for raw, gin_match in (
            (every, "vector @@ to_tsquery('simple', %s)"),
            (in_title, "to_tsvector('simple'::regconfig, title_seg) @@ to_tsquery('simple', %s)"),
        ):
            if sparse:  # the title matches are among the matches, sparse too
                sparse.append(gin_match)
                continue
            for rows_to_test in (PG_PROBE, PG_WALK):
                cur.execute(walk_sql, [*kind_params, rows_to_test, raw, window])
                found = [r[0] for r in cur.fetchall()]
                if len(found) == window or len(found) < PG_PROBE * PG_DENSE:
                    break
            if len(found) == window:
                ids.update(dict.fromkeys(found))
            else:
                sparse.append(gin_match)
        if sparse:
            with transaction.atomic():
                cur.execute("SELECT current_setting('enable_seqscan'), current_setting('enable_indexscan')")
                seqscan, indexscan = cur.fetchone()
                cur.execute(
                    "SELECT set_config('enable_seqscan', 'off', true), set_config('enable_indexscan', 'off', true)"
                )
                for gin_match in sparse:
                    cur.execute(
                        f"SELECT id FROM publicity_searchdoc WHERE {gin_match} AND is_public{kind_sql}"
                        " ORDER BY id DESC LIMIT %s",
                        [every, *kind_params, window],
                    )
                    ids.update((r[0], None) for r in cur.fetchall())
                # back as they were for the rest of a surrounding transaction (an error rolls them back)
                cur.execute(
                    "SELECT set_config('enable_seqscan', %s, true), set_config('enable_indexscan', %s, true)",
                    [seqscan, indexscan],
                )
    return list(ids)


def _pg_quote(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"
