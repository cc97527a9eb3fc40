"""Chinese full-text search: jieba segmentation with the campaign's user dictionary, the index (SearchDoc,
kept current by the services in their own transaction), and the query on SQLite FTS5 or PostgreSQL.

    >>> segment("开展创先争优活动")
    Segmented(words='开展 创先争优 活动', extra='创先 争优')
    >>> search_public("创先争优")[0].snippet       # HTML-escaped, the matched words in <mark>
    '…深入开展<mark>创先争优</mark>活动…'

jieba loads its dictionary once per process (a few hundred ms), caching it in the data directory.
"""

import html
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
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


def search_words(words, *, kind="", limit=20, offset=0, exclude=None, match_any=False) -> list[Hit]:
    limit, offset = max(1, min(int(limit), 100)), max(0, int(offset))
    if connection.vendor == "postgresql":
        return _search_pg(words, kind, limit, offset, exclude, match_any)
    return _search_sqlite(words, kind, limit, offset, exclude, match_any)


def _search_sqlite(words, kind, limit, offset, exclude, match_any) -> list[Hit]:
    match = (" OR " if match_any else " ").join('"' + w.replace('"', '""') + '"' for w in words)
    sql = (
        "SELECT d.kind, d.object_id, d.title, d.url,"
        " snippet(publicity_searchdoc_fts, 1, char(2), char(3), '…', 24),"
        " bm25(publicity_searchdoc_fts, 8.0, 2.0, 1.0) AS score"
        " FROM publicity_searchdoc_fts JOIN publicity_searchdoc d ON d.id = publicity_searchdoc_fts.rowid"
        " WHERE publicity_searchdoc_fts MATCH %s AND d.is_public"
    )
    params: list = [match]
    if kind:
        sql += " AND d.kind = %s"
        params.append(kind)
    if exclude:
        sql += " AND NOT (d.kind = %s AND d.object_id = %s)"
        params += list(exclude)
    sql += " ORDER BY score LIMIT %s OFFSET %s"
    params += [limit, offset]
    with connection.cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
    return [Hit(k, oid, t, u, _marked(s or ""), -float(sc)) for k, oid, t, u, s, sc in rows]


def _search_pg(words, kind, limit, offset, exclude, match_any) -> list[Hit]:
    from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
    from django.db.models import F, Q

    if match_any:
        query = SearchQuery(" | ".join(_pg_quote(w) for w in words), config="simple", search_type="raw")
    else:
        query = SearchQuery(" ".join(words), config="simple", search_type="plain")
    qs = SearchDoc.objects.filter(vector=query, is_public=True)
    if kind:
        qs = qs.filter(kind=kind)
    if exclude:
        qs = qs.exclude(Q(kind=exclude[0]) & Q(object_id=exclude[1]))
    rows = list(
        qs.annotate(score=SearchRank(F("vector"), query))
        .order_by("-score", "-id")[offset : offset + limit]
        .values_list("pk", "kind", "object_id", "title", "url", "score")
    )
    heads = dict(
        SearchDoc.objects.filter(pk__in=[r[0] for r in rows])
        .annotate(
            head=SearchHeadline(
                "body_seg",
                query,
                config="simple",
                start_sel="\x02",
                stop_sel="\x03",
                max_words=30,
                min_words=12,
            )
        )
        .values_list("pk", "head")
    )
    return [Hit(k, oid, t, u, _marked(heads.get(pk) or ""), float(sc)) for pk, k, oid, t, u, sc in rows]


def _pg_quote(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"
