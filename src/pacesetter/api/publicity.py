"""Publicity endpoints: information items (信息报送) and articles for drafters and editors, and the public
news site's articles and Chinese search — the same services and selectors as the pages."""

import datetime

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from pacesetter.orgs.enums import Cap
from pacesetter.orgs.selectors import org_get_for
from pacesetter.publicity import search, selectors, services
from pacesetter.publicity.models import Article, InfoItem

router = Router(tags=["宣传 publicity"])
LIMIT = 200


class PublicityItemIn(Schema):
    organisation_id: int
    kind: str = "news"
    title: str
    body: str


class PublicityItemPatch(Schema):
    title: str
    body: str
    kind: str | None = None


class PublicityItemOut(Schema):
    id: int
    organisation_id: int
    organisation: str
    kind: str
    title: str
    body: str
    status: str
    comment: str
    submitted_at: datetime.datetime | None
    accepted_at: datetime.datetime | None


class PublicityTransitionIn(Schema):
    action: str
    comment: str = ""


class PublicityAcceptedCountOut(Schema):
    organisation_id: int
    accepted: int


class PublicityArticleIn(Schema):
    organisation_id: int
    section: str = "news"
    title: str
    summary: str = ""
    body: str
    tags: list[str] = []
    event_kind: str = ""
    event_date: datetime.date | None = None
    event_place: str = ""


class PublicityArticlePatch(Schema):
    section: str = "news"
    title: str
    summary: str = ""
    body: str
    tags: list[str] | None = None
    event_kind: str = ""
    event_date: datetime.date | None = None
    event_place: str = ""


class PublicityArticleOut(Schema):
    id: int
    organisation_id: int
    organisation: str
    section: str
    title: str
    summary: str
    body: str
    tags: list[str]
    event_kind: str
    event_date: datetime.date | None
    event_place: str
    status: str
    published_at: datetime.datetime | None
    url: str


class NewsHitOut(Schema):
    kind: str
    object_id: int
    title: str
    url: str
    snippet: str
    score: float


def _item(i: InfoItem) -> dict:
    return {
        **{k: getattr(i, k) for k in ("id", "organisation_id", "kind", "title", "body", "status", "comment")},
        "organisation": i.organisation.name,
        "submitted_at": i.submitted_at,
        "accepted_at": i.accepted_at,
    }


def _article(a: Article) -> dict:
    from django.urls import reverse

    return {
        **{
            k: getattr(a, k)
            for k in (
                "id",
                "organisation_id",
                "section",
                "title",
                "summary",
                "body",
                "event_kind",
                "event_date",
            )
        },
        "event_place": a.event_place,
        "organisation": a.organisation.name,
        "tags": [t.name for t in a.tags.all()],
        "status": a.status,
        "published_at": a.published_at,
        "url": reverse("news:article", args=[a.pk]) if a.is_public else "",
    }


@router.get("/publicity/items", response=list[PublicityItemOut], url_name="publicity-item-list")
def item_list(request: HttpRequest, status: str = "", offset: int = 0):
    qs = selectors.item_list_for(request.user, status=status)
    return [_item(i) for i in qs[max(offset, 0) : max(offset, 0) + LIMIT]]


@router.post("/publicity/items", response={201: PublicityItemOut}, url_name="publicity-item-list")
def item_create(request: HttpRequest, payload: PublicityItemIn):
    org = org_get_for(request.user, payload.organisation_id, cap=Cap.PUBLICITY_DRAFT)
    item = services.item_create(
        actor=request.user, organisation=org, kind=payload.kind, title=payload.title, body=payload.body
    )
    return Status(201, _item(item))


@router.get("/publicity/items/queue", response=list[PublicityItemOut], url_name="publicity-item-queue")
def item_queue(request: HttpRequest):
    return [_item(i) for i in selectors.item_review_queue_for(request.user)[:LIMIT]]


@router.get("/publicity/items/{int:pk}", response=PublicityItemOut, url_name="publicity-item-detail")
def item_detail(request: HttpRequest, pk: int):
    return _item(selectors.item_get_for(request.user, pk))


@router.patch("/publicity/items/{int:pk}", response=PublicityItemOut, url_name="publicity-item-detail")
def item_patch(request: HttpRequest, pk: int, payload: PublicityItemPatch):
    item = selectors.item_get_for(request.user, pk)
    return _item(services.item_update(actor=request.user, item=item, **payload.dict()))


@router.post(
    "/publicity/items/{int:pk}/transition", response=PublicityItemOut, url_name="publicity-item-transition"
)
def item_transition(request: HttpRequest, pk: int, payload: PublicityTransitionIn):
    item = selectors.item_get_for(request.user, pk)
    return _item(services.item_transition(actor=request.user, item=item, **payload.dict()))


@router.get(
    "/publicity/orgs/{int:pk}/accepted",
    response=PublicityAcceptedCountOut,
    url_name="publicity-accepted-count",
)
def accepted_count(request: HttpRequest, pk: int):
    """Items accepted from the organisation (an assessment figure: 采用信息数)."""
    org = org_get_for(request.user, pk, cap=Cap.PUBLICITY_DRAFT)
    return {"organisation_id": org.pk, "accepted": selectors.accepted_items_count(org)}


@router.get("/publicity/articles", response=list[PublicityArticleOut], url_name="publicity-article-list")
def article_list(request: HttpRequest, status: str = "", offset: int = 0):
    qs = selectors.article_list_for(request.user, status=status).prefetch_related("tags")
    return [_article(a) for a in qs[max(offset, 0) : max(offset, 0) + LIMIT]]


@router.post("/publicity/articles", response={201: PublicityArticleOut}, url_name="publicity-article-list")
def article_create(request: HttpRequest, payload: PublicityArticleIn):
    data = payload.dict()
    org = org_get_for(request.user, data.pop("organisation_id"), cap=Cap.PUBLICITY_DRAFT)
    return Status(201, _article(services.article_create(actor=request.user, organisation=org, **data)))


@router.get("/publicity/articles/{int:pk}", response=PublicityArticleOut, url_name="publicity-article-detail")
def article_detail(request: HttpRequest, pk: int):
    return _article(selectors.article_get_for(request.user, pk))


@router.patch(
    "/publicity/articles/{int:pk}", response=PublicityArticleOut, url_name="publicity-article-detail"
)
def article_patch(request: HttpRequest, pk: int, payload: PublicityArticlePatch):
    article = selectors.article_get_for(request.user, pk)
    return _article(services.article_update(actor=request.user, article=article, **payload.dict()))


@router.post(
    "/publicity/articles/{int:pk}/transition",
    response=PublicityArticleOut,
    url_name="publicity-article-transition",
)
def article_transition(request: HttpRequest, pk: int, payload: PublicityTransitionIn):
    article = selectors.article_get_for(request.user, pk)
    return _article(services.article_transition(actor=request.user, article=article, **payload.dict()))


# ------------------------------------------------------------------ public


@router.get("/news/articles", response=list[PublicityArticleOut], auth=None, url_name="news-article-list")
def news_list(request: HttpRequest, section: str = "", tag: str = "", offset: int = 0):
    qs = selectors.public_articles(section=section, tag=tag[:30]).prefetch_related("tags")
    return [_article(a) for a in qs[max(offset, 0) : max(offset, 0) + LIMIT]]


@router.get(
    "/news/articles/{int:pk}", response=PublicityArticleOut, auth=None, url_name="news-article-detail"
)
def news_detail(request: HttpRequest, pk: int):
    return _article(selectors.public_article_get(pk))


@router.get("/news/search", response=list[NewsHitOut], auth=None, url_name="news-search")
def news_search(request: HttpRequest, q: str = "", kind: str = "", offset: int = 0):
    """Published articles, commitments and organisations matching every word of `q` (jieba-segmented), best
    first, with an HTML snippet whose matched words are in <mark>. 422 for an empty, punctuation-only or
    over-long query."""
    return [
        h.__dict__ for h in search.search_public(q, kind=kind, limit=30, offset=min(max(offset, 0), 1000))
    ]
