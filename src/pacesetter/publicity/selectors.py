"""Reads for publicity, scoped to what the caller may see; the public site reads published articles only."""

import datetime

from django.db.models import Count, Q, QuerySet

from pacesetter.core.errors import NotFoundError
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.models import Organisation
from pacesetter.orgs.selectors import scope_paths, scope_q, subtree_q

from . import search
from .enums import ArticleStatus, ItemStatus, SearchKind
from .models import Article, InfoItem

_READ_CAPS = (Cap.PUBLICITY_DRAFT, Cap.PUBLICITY_PUBLISH)


def _scope(user, field: str) -> Q:
    q = Q(pk__in=[])
    for cap in _READ_CAPS:
        q |= scope_q(user, cap, field)
    return q


def item_list_for(user, *, status: str = "") -> QuerySet[InfoItem]:
    qs = InfoItem.objects.filter(_scope(user, "organisation__path")).select_related("organisation")
    if status:
        qs = qs.filter(status=status)
    return qs


def item_get_for(user, pk) -> InfoItem:
    item = item_list_for(user).prefetch_related("photos").filter(pk=pk).first() if str(pk).isdigit() else None
    if item is None:
        raise NotFoundError()
    return item


def item_review_queue_for(user) -> QuerySet[InfoItem]:
    """Items waiting for this user: submitted by an organisation under their grant (as its parent or an editor),
    or forwarded to the office within their publishing scope."""
    parent_q = Q(pk__in=[])
    for p in scope_paths(user, Cap.PUBLICITY_DRAFT):
        # strictly below the grant: the organisation's parent lies within the subtree
        parent_q |= subtree_q(p, "organisation__path") & ~Q(organisation__path=p)
    editor_q = scope_q(user, Cap.PUBLICITY_PUBLISH, "organisation__path")
    return (
        InfoItem.objects.filter(
            (Q(status=ItemStatus.SUBMITTED) & (parent_q | editor_q))
            | (Q(status=ItemStatus.FORWARDED) & editor_q)
        )
        .select_related("organisation")
        .order_by("submitted_at", "id")
    )


def accepted_items_count(
    org: Organisation,
    *,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
    subtree: bool = False,
) -> int:
    """Items from `org` (with `subtree`, also from organisations under it) accepted in [since, until): the
    figure an assessment source reads (采用信息数)."""
    qs = InfoItem.objects.filter(status=ItemStatus.ACCEPTED)
    qs = qs.filter(subtree_q(org.path, "organisation__path")) if subtree else qs.filter(organisation=org)
    if since is not None:
        qs = qs.filter(accepted_at__gte=since)
    if until is not None:
        qs = qs.filter(accepted_at__lt=until)
    return qs.count()


def accepted_counts_by_org(orgs) -> dict[int, int]:
    """{organisation id: accepted items} for many organisations in one query."""
    rows = (
        InfoItem.objects.filter(status=ItemStatus.ACCEPTED, organisation__in=list(orgs))
        .values("organisation_id")
        .annotate(n=Count("id"))
    )
    return {r["organisation_id"]: r["n"] for r in rows}


def article_list_for(user, *, status: str = "") -> QuerySet[Article]:
    qs = Article.objects.filter(_scope(user, "organisation__path")).select_related("organisation")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-updated_at", "-id")


def article_get_for(user, pk) -> Article:
    qs = article_list_for(user).prefetch_related("photos", "tags")
    a = qs.filter(pk=pk).first() if str(pk).isdigit() else None
    if a is None:
        raise NotFoundError()
    return a


def article_review_queue_for(user) -> QuerySet[Article]:
    return (
        Article.objects.filter(
            scope_q(user, Cap.PUBLICITY_PUBLISH, "organisation__path"), status=ArticleStatus.SUBMITTED
        )
        .select_related("organisation")
        .order_by("updated_at", "id")
    )


# ------------------------------------------------------------------ the public site


def public_articles(*, section: str = "", tag: str = "") -> QuerySet[Article]:
    qs = Article.objects.filter(status=ArticleStatus.PUBLISHED).select_related("organisation")
    if section:
        qs = qs.filter(section=section)
    if tag:
        qs = qs.filter(tags__name=tag)
    return qs.order_by("-published_at", "-id")


def public_article_get(pk) -> Article:
    a = (
        public_articles().prefetch_related("photos", "tags").filter(pk=pk).first()
        if str(pk).isdigit() and int(pk) < 2**63
        else None
    )
    if a is None:
        raise NotFoundError()
    return a


def related_hits(article: Article, *, limit: int = 5) -> list[search.Hit]:
    """Other published things sharing the article's tags or title words, best first."""
    words = [t.name for t in article.tags.all()]
    words += [w for w in search.segment(article.title).words.split() if len(w) > 1 and search._WORD.search(w)]
    words = list(dict.fromkeys(words))[:12]
    if not words:
        return []
    return search.search_words(words, limit=limit, exclude=(SearchKind.ARTICLE, article.pk), match_any=True)
