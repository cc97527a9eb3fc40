"""Reads for publicity, scoped to what the caller may see; the public site reads published articles only."""

import datetime
from urllib.parse import urlencode

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from pacesetter.core.errors import NotFoundError
from pacesetter.core.lookup import get_or_not_found
from pacesetter.honours.models import Honour
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.models import Organisation
from pacesetter.orgs.selectors import scope_for, scope_q, subtree_q

from . import search
from .enums import PUBLIC_LEVELS, ArticleStatus, BulletinStatus, CultivationLevel, ItemStatus, SearchKind
from .models import Article, Bulletin, Exemplar, InfoItem
from .rules import can_draft_for

_READ_CAPS = (Cap.PUBLICITY_DRAFT, Cap.PUBLICITY_PUBLISH)


def _scope(user, field: str) -> Q:
    q = Q(pk__in=[])
    for cap in _READ_CAPS:
        q |= scope_q(user, cap, field)
    return q


def item_list_for(user, *, status: str = "", org: str = "") -> QuerySet[InfoItem]:
    """The items the user may read; `status` and `org` (an organisation id, as sent in a query string: one
    that is not a number matches nothing) narrow them."""
    qs = InfoItem.objects.filter(_scope(user, "organisation__path")).select_related("organisation")
    if status:
        qs = qs.filter(status=status)
    if org:
        qs = qs.filter(organisation_id=int(org)) if org.isdigit() and len(org) < 19 else qs.none()
    return qs


def item_get_for(user, pk) -> InfoItem:
    return get_or_not_found(item_list_for(user).prefetch_related("photos"), pk)


def item_review_queue_for(user) -> QuerySet[InfoItem]:
    """Items waiting for this user: submitted by an organisation under their grant (as its parent or an editor),
    or forwarded to the office within their publishing scope."""
    parent_q = Q(pk__in=[])
    for p in scope_for(user, Cap.PUBLICITY_DRAFT).roots:
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
    return get_or_not_found(qs, pk)


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


# ------------------------------------------------------------------ bulletins


def bulletin_list_for(user, *, year: int | None = None) -> QuerySet[Bulletin]:
    """Issues the user edits (publishing scope over the issuer) and issued ones sent to an organisation in
    their view, newest first; `year` for the archive."""
    sent_to_me = Q(status=BulletinStatus.ISSUED) & Q(
        pk__in=Bulletin.distribute_to.through.objects.filter(
            scope_q(user, Cap.ORG_VIEW, "organisation__path")
        ).values("bulletin_id")
    )
    qs = Bulletin.objects.filter(scope_q(user, Cap.PUBLICITY_PUBLISH, "issuer__path") | sent_to_me)
    if year is not None:
        qs = qs.filter(year=year)
    return qs.select_related("issuer").order_by("-year", "-number", "-id")


def bulletin_get_for(user, pk) -> Bulletin:
    return get_or_not_found(bulletin_list_for(user), pk)


def bulletin_years_for(user) -> list[int]:
    return sorted(
        {y for y in bulletin_list_for(user).values_list("year", flat=True) if y is not None}, reverse=True
    )


def accepted_items_for_bulletin(user, issuer: Organisation) -> QuerySet[InfoItem]:
    return (
        InfoItem.objects.filter(subtree_q(issuer.path, "organisation__path"), status=ItemStatus.ACCEPTED)
        .filter(scope_q(user, Cap.PUBLICITY_PUBLISH, "organisation__path"))
        .select_related("organisation")
        .order_by("-accepted_at")
    )


# ------------------------------------------------------------------ exemplary cases


def exemplar_list_for(user, *, level: str = "") -> QuerySet[Exemplar]:
    qs = Exemplar.objects.filter(_scope(user, "organisation__path")).select_related("organisation")
    if level:
        qs = qs.filter(level=level)
    return qs


def exemplar_get_for(user, pk) -> Exemplar:
    e = (
        exemplar_list_for(user).select_related("honour__decision__programme").filter(pk=pk).first()
        if str(pk).isdigit() and int(pk) < 2**63
        else None
    )
    if e is None:
        raise NotFoundError()
    return e


def public_exemplar_get(pk) -> Exemplar:
    e = (
        Exemplar.objects.filter(level__in=PUBLIC_LEVELS)
        .select_related("organisation", "honour__decision__programme")
        .filter(pk=pk)
        .first()
        if str(pk).isdigit() and int(pk) < 2**63
        else None
    )
    if e is None:
        raise NotFoundError()
    return e


_LEVEL_RANK = {lvl: n for n, lvl in enumerate(CultivationLevel.values)}


def exemplars_like(*, sector: str = "", trade: str = "", post: str = "", limit: int = 20) -> list[Exemplar]:
    """ "Find a model like me" (找榜样): public models sharing the sector, trade or post, the closest first
    (more attributes in common), then the higher level, then the most recent."""
    trade, post = (trade or "").strip()[:40], (post or "").strip()[:40]
    q = Q()
    if sector:
        q |= Q(sector=sector)
    if trade:
        q |= Q(trade__icontains=trade)
    if post:
        q |= Q(post__icontains=post)
    qs = Exemplar.objects.filter(level__in=PUBLIC_LEVELS).select_related(
        "organisation", "honour__decision__programme"
    )
    if q:
        qs = qs.filter(q)
    rows = list(qs.order_by("-level_since", "-id")[:500])

    def closeness(e: Exemplar) -> tuple[int, int]:
        same = sum(
            [
                bool(sector) and e.sector == sector,
                bool(trade) and trade in e.trade,
                bool(post) and post in e.post,
            ]
        )
        return (-same, -_LEVEL_RANK[e.level])

    return sorted(rows, key=closeness)[:limit]


# ------------------------------------------------------------------ exemplary cases ↔ commendation


def honour_page_extras(user, honour) -> dict:
    """For the honour-roll entry (/h/c/<no>/): the public model (典型) registered from this honour, if any; and
    for whoever may draft for the honoured organisation, the way on — 登记为典型 when none is registered yet,
    else the model's page in the library (also while it is still 培育, not public)."""
    e = Exemplar.objects.filter(honour=honour).only("pk", "name", "summary", "level").first()
    out: dict = {}
    if e is not None and e.level != CultivationLevel.CULTIVATING:
        out["honour_story"] = {
            "name": e.name,
            "level": e.get_level_display(),
            "summary": e.summary,
            "url": reverse("news:exemplar", args=[e.pk]),
        }
    if user.is_authenticated and can_draft_for(user, honour.organisation):
        if e is None:
            action = {
                "url": reverse("publicity:exemplar-create")
                + "?"
                + urlencode({"honour": honour.certificate_no}),
                "url_name": "publicity:exemplar-create",
                "label": _("登记为典型"),
                "testid": "register-exemplar",
            }
        else:
            action = {
                "url": reverse("publicity:exemplar-detail", args=[e.pk]),
                "url_name": "publicity:exemplar-detail",
                "label": _("典型库中的“%(n)s”") % {"n": e.name},
                "testid": "open-exemplar",
            }
        out["honour_actions"] = [action]
    return out


def honours_to_register(user, *, limit: int = 10) -> QuerySet[Honour]:
    """Honours in the user's drafting scope that no model (典型) was registered from yet, newest first."""
    return (
        Honour.objects.filter(scope_q(user, Cap.PUBLICITY_DRAFT, "path"), exemplar__isnull=True)
        .select_related("organisation")
        .order_by("-year", "-id")[:limit]
    )


def honour_get_for_draft(user, certificate_no: str) -> Honour:
    """An honour in the user's drafting scope, to register a model from (NotFoundError otherwise)."""
    h = (
        Honour.objects.filter(scope_q(user, Cap.PUBLICITY_DRAFT, "path"), certificate_no=certificate_no[:32])
        .select_related("organisation", "member", "nomination")
        .first()
    )
    if h is None:
        raise NotFoundError(_("没有找到这项表彰"))
    return h


def articles_to_link(user, exemplar: Exemplar, *, limit: int = 100) -> QuerySet[Article]:
    """Published articles the user may link to a model: those in their drafting scope and the linked ones."""
    return (
        Article.objects.filter(
            (_scope(user, "organisation__path") & Q(status=ArticleStatus.PUBLISHED)) | Q(exemplars=exemplar)
        )
        .distinct()
        .order_by("-published_at", "-id")[:limit]
    )
