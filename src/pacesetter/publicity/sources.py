"""What goes into the search index from each source: articles (kept current by publicity.services), published
commitments and organisations (kept by `pacesetter manage search_rebuild` and `search_refresh_since`, because
their services lie below this app and cannot call it)."""

from collections.abc import Callable, Iterable, Iterator

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from pacesetter.commitments.enums import PUBLIC_STATES
from pacesetter.commitments.models import Commitment
from pacesetter.orgs.models import Organisation

from . import search
from .enums import ArticleStatus, SearchKind
from .models import Article, Exemplar, SearchDoc
from .text import plain

CHUNK = 2000


def _article_docs(qs) -> Iterator[dict]:
    for a in qs.prefetch_related("tags").iterator(chunk_size=CHUNK):
        yield {
            "kind": SearchKind.ARTICLE,
            "object_id": a.pk,
            "title": a.title,
            "body": "\n".join(filter(None, [a.summary, plain(a.body), a.event_place])),
            "url": reverse("news:article", args=[a.pk]),
            "is_public": a.status == ArticleStatus.PUBLISHED,
            "tags": " ".join(t.name for t in a.tags.all()),
        }


def _commitment_docs(qs) -> Iterator[dict]:
    qs = qs.filter(status__in=PUBLIC_STATES).select_related("organisation", "member", "criteria_item")
    for c in qs.iterator(chunk_size=CHUNK):
        owner = c.member.name if c.member_id else c.organisation.name
        yield {
            "kind": SearchKind.COMMITMENT,
            "object_id": c.pk,
            "title": c.title,
            "body": "\n".join(
                filter(None, [owner, c.organisation.name, c.criteria_item.name, c.target, c.content])
            ),
            "url": reverse("wall:commitment", args=[c.pk]),
            "is_public": True,
            "tags": "",
        }


def _org_docs(qs) -> Iterator[dict]:
    for o in qs.filter(is_active=True).iterator(chunk_size=CHUNK):
        yield {
            "kind": SearchKind.ORGANISATION,
            "object_id": o.pk,
            "title": o.name,
            "body": f"{o.get_org_type_display()} {o.get_sector_display()}",
            "url": reverse("web:public-org", args=[o.pk]),
            "is_public": True,
            "tags": "",
        }


def exemplar_doc(e: Exemplar) -> dict:
    """An exemplar's entry (also written by exemplars.index_exemplar when the exemplar changes)."""
    return {
        "kind": SearchKind.EXEMPLAR,
        "object_id": e.pk,
        "title": e.name,
        "body": "\n".join(
            filter(
                None,
                [
                    e.get_level_display(),
                    e.get_sector_display(),
                    e.trade,
                    e.post,
                    e.organisation.name,
                    e.summary,
                ],
            )
        ),
        "url": reverse("news:exemplar", args=[e.pk]),
        "is_public": e.is_public,
        "tags": " ".join(filter(None, [e.trade, e.post])),
    }


def _exemplar_docs(qs) -> Iterator[dict]:
    for e in qs.select_related("organisation").iterator(chunk_size=CHUNK):
        yield exemplar_doc(e)


def _build(d: dict) -> SearchDoc:
    t, b, g = search.segment(d["title"]), search.segment(d["body"]), search.segment(d["tags"])
    return SearchDoc(
        kind=d["kind"],
        object_id=d["object_id"],
        title=d["title"][:300],
        body=d["body"],
        title_seg=t.words,
        body_seg=b.words,
        extra_seg=" ".join(filter(None, [t.extra, b.extra, g.words])),
        url=d["url"],
        is_public=d["is_public"],
        tags=d["tags"][:300],
        facets=SearchDoc.facets_for(d["kind"], d["is_public"]),
        updated_at=timezone.now(),
    )


def _load(docs: Iterable[dict]) -> int:
    n, batch = 0, []
    for d in docs:
        batch.append(_build(d))
        if len(batch) >= CHUNK:
            SearchDoc.objects.bulk_create(batch)
            n, batch = n + len(batch), []
    SearchDoc.objects.bulk_create(batch)
    return n + len(batch)


def rebuild(kinds: Iterable[str] = tuple(SearchKind.values)) -> dict[str, int]:
    """Drop and rebuild the index of `kinds` in one transaction; {kind: entries}."""
    producers: dict[str, Callable[[], Iterator[dict]]] = {
        SearchKind.ARTICLE: lambda: _article_docs(Article.objects.all()),
        SearchKind.COMMITMENT: lambda: _commitment_docs(Commitment.objects.all()),
        SearchKind.ORGANISATION: lambda: _org_docs(Organisation.objects.all()),
        SearchKind.EXEMPLAR: lambda: _exemplar_docs(Exemplar.objects.all()),
    }
    counts: dict[str, int] = {}
    with transaction.atomic():
        for kind in kinds:
            SearchDoc.objects.filter(kind=kind).delete()
            counts[kind] = _load(producers[kind]())
        search.refresh_all_vectors()
    return counts


def refresh_since(since) -> dict[str, int]:
    """Re-index commitments and organisations changed since `since` (a sweep between rebuilds)."""
    counts: dict[str, int] = {}
    with transaction.atomic():
        changed_c = Commitment.objects.filter(updated_at__gte=since)
        SearchDoc.objects.filter(kind=SearchKind.COMMITMENT, object_id__in=changed_c.values("pk")).delete()
        counts[SearchKind.COMMITMENT] = _load(_commitment_docs(changed_c))
        changed_o = Organisation.objects.filter(updated_at__gte=since)
        SearchDoc.objects.filter(kind=SearchKind.ORGANISATION, object_id__in=changed_o.values("pk")).delete()
        counts[SearchKind.ORGANISATION] = _load(_org_docs(changed_o))
        search.refresh_all_vectors()
    return counts
