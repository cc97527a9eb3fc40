"""Publicity endpoints: information items (信息报送) and articles for drafters and editors, and the public
news site's articles and Chinese search — the same services and selectors as the pages."""

import datetime

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.responses import Status

from pacesetter.core.errors import NotFoundError, ValidationError
from pacesetter.core.paging import offset_param
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.selectors import org_get_for
from pacesetter.publicity import bulletins, exemplars, search, selectors, services
from pacesetter.publicity.models import Article, InfoItem

from ._common import fields_from, window
from .schemas import ActionIn

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


class PublicityTransitionIn(ActionIn):
    pass


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
    return fields_from(i, PublicityItemOut, organisation=i.organisation.name)


def _article(a: Article) -> dict:
    return fields_from(
        a,
        PublicityArticleOut,
        organisation=a.organisation.name,
        tags=[t.name for t in a.tags.all()],
        url=reverse("news:article", args=[a.pk]) if a.is_public else "",
    )


@router.get("/publicity/items", response=list[PublicityItemOut], url_name="publicity-item-list")
def item_list(request: HttpRequest, status: str = "", org: str = "", offset: int = offset_param()):
    qs = selectors.item_list_for(request.user, status=status, org=org)
    return [_item(i) for i in qs[window(offset, LIMIT)]]


@router.post("/publicity/items", response={201: PublicityItemOut}, url_name="publicity-item-list")
def item_create(request: HttpRequest, payload: PublicityItemIn):
    org = org_get_for(request.user, payload.organisation_id, cap=Cap.PUBLICITY_DRAFT)
    item = services.item_create(
        actor=request.user, organisation=org, **payload.dict(exclude={"organisation_id"})
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
def article_list(request: HttpRequest, status: str = "", offset: int = offset_param()):
    qs = selectors.article_list_for(request.user, status=status).prefetch_related("tags")
    return [_article(a) for a in qs[window(offset, LIMIT)]]


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
def news_list(request: HttpRequest, section: str = "", tag: str = "", offset: int = offset_param()):
    qs = selectors.public_articles(section=section, tag=tag[:30]).prefetch_related("tags")
    return [_article(a) for a in qs[window(offset, LIMIT)]]


@router.get(
    "/news/articles/{int:pk}", response=PublicityArticleOut, auth=None, url_name="news-article-detail"
)
def news_detail(request: HttpRequest, pk: int):
    return _article(selectors.public_article_get(pk))


@router.get("/news/search", response=list[NewsHitOut], auth=None, url_name="news-search")
def news_search(request: HttpRequest, q: str = "", kind: str = "", offset: int = offset_param()):
    """Published articles, commitments and organisations matching every word of `q` (jieba-segmented), best
    first, with an HTML snippet whose matched words are in <mark>. 422 for an empty, punctuation-only or
    over-long query."""
    return [
        h.__dict__ for h in search.search_public(q, kind=kind, limit=30, offset=min(max(offset, 0), 1000))
    ]


# ------------------------------------------------------------------ bulletins


class PublicityBulletinIn(Schema):
    title: str
    editor: str
    campaign_id: int | None = None
    intro: str = ""
    report_to: str = ""
    copy_to: str = ""
    items: list[int] = []
    distribute_to: list[int] = []


class PublicityBulletinPatch(Schema):
    title: str
    editor: str
    intro: str = ""
    report_to: str = ""
    copy_to: str = ""
    items: list[int] | None = None
    distribute_to: list[int] | None = None
    refresh_figures: bool = False


class PublicityBulletinOut(Schema):
    id: int
    issuer_id: int
    issuer_name: str
    title: str
    editor: str
    intro: str
    figures: str
    report_to: str
    copy_to: str
    items: list[int]
    distribute_to: list[int]
    status: str
    year: int | None
    number: int | None
    issued_on: datetime.date | None
    docx_url: str


def _bulletin(b) -> dict:
    return fields_from(
        b,
        PublicityBulletinOut,
        items=sorted(b.items.values_list("pk", flat=True)),
        distribute_to=sorted(b.distribute_to.values_list("pk", flat=True)),
        docx_url=reverse("publicity:bulletin-docx", args=[b.pk]),
    )


@router.get("/publicity/bulletins", response=list[PublicityBulletinOut], url_name="publicity-bulletin-list")
def bulletin_list(
    request: HttpRequest, year: int | None = Query(None, ge=2000, le=2100), offset: int = offset_param()
):
    qs = selectors.bulletin_list_for(request.user, year=year)
    return [_bulletin(b) for b in qs[window(offset, LIMIT)]]


@router.post("/publicity/bulletins", response={201: PublicityBulletinOut}, url_name="publicity-bulletin-list")
def bulletin_create(request: HttpRequest, payload: PublicityBulletinIn):
    from pacesetter.campaigns.selectors import campaign_get_for
    from pacesetter.orgs.selectors import scope_for

    paths = scope_for(request.user, Cap.PUBLICITY_PUBLISH).roots
    issuer = org_get_for(request.user, _top_org_id(paths), cap=Cap.PUBLICITY_PUBLISH)
    data = payload.dict()
    cid = data.pop("campaign_id")
    campaign = campaign_get_for(request.user, cid) if cid else None
    return Status(
        201,
        _bulletin(bulletins.bulletin_create(actor=request.user, issuer=issuer, campaign=campaign, **data)),
    )


def _top_org_id(paths) -> int:
    from pacesetter.orgs.models import Organisation

    org = Organisation.objects.filter(path__in=paths[:1]).first()
    return org.pk if org else 0


@router.get(
    "/publicity/bulletins/{int:pk}", response=PublicityBulletinOut, url_name="publicity-bulletin-detail"
)
def bulletin_detail(request: HttpRequest, pk: int):
    return _bulletin(selectors.bulletin_get_for(request.user, pk))


@router.patch(
    "/publicity/bulletins/{int:pk}", response=PublicityBulletinOut, url_name="publicity-bulletin-detail"
)
def bulletin_patch(request: HttpRequest, pk: int, payload: PublicityBulletinPatch):
    b = selectors.bulletin_get_for(request.user, pk)
    return _bulletin(bulletins.bulletin_update(actor=request.user, bulletin=b, **payload.dict()))


@router.post(
    "/publicity/bulletins/{int:pk}/issue", response=PublicityBulletinOut, url_name="publicity-bulletin-issue"
)
def bulletin_issue(request: HttpRequest, pk: int):
    """Print the issue: the next 第N期 of the issuer's year; the 发 list is notified. 409 when already issued."""
    b = selectors.bulletin_get_for(request.user, pk)
    return _bulletin(bulletins.bulletin_issue(actor=request.user, bulletin=b))


# ------------------------------------------------------------------ exemplary cases


class PublicityExemplarIn(Schema):
    organisation_id: int
    member_id: int | None = None
    name: str = ""
    sector: str = ""
    trade: str = ""
    post: str = ""
    summary: str
    # 证书编号 of the honour (评选表彰) this model is registered from: one model per honour; the honour must
    # lie in the caller's drafting scope (else 422 naming `honour`).
    honour: str = ""


class PublicityPromoteIn(Schema):
    level: str
    awarded_on: datetime.date | None = None
    document: str = ""


class PublicityExemplarEventOut(Schema):
    from_level: str
    to_level: str
    awarded_on: datetime.date
    awarded_by: str
    document: str


class PublicityExemplarHonourOut(Schema):
    certificate_no: str
    year: int
    title: str
    programme: str
    url: str


class PublicityExemplarOut(Schema):
    id: int
    kind: str
    organisation_id: int
    organisation: str
    member_id: int | None
    name: str
    sector: str
    trade: str
    post: str
    summary: str
    level: str
    level_since: datetime.date
    history: list[PublicityExemplarEventOut]
    honour: PublicityExemplarHonourOut | None


def _exemplar_honour(h) -> dict:
    return fields_from(
        h,
        PublicityExemplarHonourOut,
        programme=h.decision.programme.title,
        url=reverse("honours-public:honour", args=[h.certificate_no]),
    )


def _exemplar(e) -> dict:
    return fields_from(
        e,
        PublicityExemplarOut,
        organisation=e.organisation.name,
        honour=_exemplar_honour(e.honour) if e.honour_id else None,
        history=[
            fields_from(h, PublicityExemplarEventOut, awarded_by=h.awarded_by.name)
            for h in e.history.select_related("awarded_by")
        ],
    )


@router.get("/publicity/exemplars", response=list[PublicityExemplarOut], url_name="publicity-exemplar-list")
def exemplar_list(request: HttpRequest, level: str = "", offset: int = offset_param()):
    qs = selectors.exemplar_list_for(request.user, level=level).select_related("honour__decision__programme")
    return [_exemplar(e) for e in qs[window(offset, LIMIT)]]


@router.post("/publicity/exemplars", response={201: PublicityExemplarOut}, url_name="publicity-exemplar-list")
def exemplar_register(request: HttpRequest, payload: PublicityExemplarIn):
    from pacesetter.orgs.selectors import member_get_for

    data = payload.dict()
    org = org_get_for(request.user, data.pop("organisation_id"), cap=Cap.PUBLICITY_DRAFT)
    mid = data.pop("member_id")
    member = member_get_for(request.user, mid) if mid else None
    no = data.pop("honour").strip()
    honour = None
    if no:
        try:
            honour = selectors.honour_get_for_draft(request.user, no)
        except NotFoundError:
            raise ValidationError(_("没有找到这项表彰（或不在您的登记范围内）"), field="honour") from None
    e = exemplars.exemplar_register(
        actor=request.user, organisation=org, member=member, honour=honour, **data
    )
    return Status(201, _exemplar(e))


@router.get(
    "/publicity/exemplars/{int:pk}", response=PublicityExemplarOut, url_name="publicity-exemplar-detail"
)
def exemplar_detail(request: HttpRequest, pk: int):
    return _exemplar(selectors.exemplar_get_for(request.user, pk))


@router.post(
    "/publicity/exemplars/{int:pk}/promote",
    response=PublicityExemplarOut,
    url_name="publicity-exemplar-promote",
)
def exemplar_promote(request: HttpRequest, pk: int, payload: PublicityPromoteIn):
    """Raise one level; 403 unless the caller's office is at that level (县级: district/county, 市级/省级: city)."""
    e = selectors.exemplar_get_for(request.user, pk)
    return _exemplar(exemplars.exemplar_promote(actor=request.user, exemplar=e, **payload.dict()))


@router.get("/news/models", response=list[PublicityExemplarOut], auth=None, url_name="news-exemplars")
def news_exemplars(request: HttpRequest, sector: str = "", trade: str = "", post: str = ""):
    """找榜样: public models (县级 and above) sharing the sector, trade or post, the closest first."""
    return [_exemplar(e) for e in selectors.exemplars_like(sector=sector, trade=trade, post=post)]
