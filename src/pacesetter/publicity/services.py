"""Writes for publicity: information items (信息报送) from draft to accepted, articles and events from draft to
published, their photos, and the search index entry of every article (same transaction).

Each service checks permission first, validates, changes inside one transaction and writes an audit entry.
`_item_transition` and `_article_transition` are the only code that assigns a status.
"""

import datetime
from collections.abc import Callable
from functools import partial

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pacesetter.core.audit import audit_create, audit_status, audit_update, snapshot
from pacesetter.core.errors import PermissionDeniedError, StateError, ValidationError
from pacesetter.core.text import clean_text
from pacesetter.core.transitions import compare_and_set
from pacesetter.orgs.models import Organisation

from . import search
from .enums import (
    ARTICLE_EDITABLE,
    ARTICLE_TRANSITIONS,
    BODY_LIMIT,
    ITEM_EDITABLE_BY_REVIEWER,
    ITEM_EDITABLE_BY_SENDER,
    ITEM_TRANSITIONS,
    PHOTOS_PER_ITEM,
    TITLE_LIMIT,
    ArticleAction,
    ArticleStatus,
    EventKind,
    ItemAction,
    ItemKind,
    ItemStatus,
    Party,
    SearchKind,
    Section,
)
from .models import Article, InfoItem, Photo, Tag
from .photos import clean_photo
from .rules import article_parties, can_draft_for, item_parties
from .text import paragraphs, plain, sanitise

ITEM_FIELDS = ["kind", "title", "body"]
ARTICLE_FIELDS = ["section", "title", "summary", "body", "event_kind", "event_date", "event_place"]


_text = partial(clean_text, limit=TITLE_LIMIT)


def _choice(value, choices, field: str, label: str) -> str:
    if value not in choices.values:
        raise ValidationError(_("请选择有效的%(f)s") % {"f": label}, field=field)
    return value


def _body(raw, field="body") -> str:
    raw = _text(raw, field, _("正文"), limit=BODY_LIMIT)
    body = sanitise(raw)
    if not paragraphs(body):
        raise ValidationError(_("正文没有可显示的文字"), field=field)
    return body


def _add_photos(photos, *, item=None, article=None) -> None:
    photos = list(photos or [])
    owner = {"item": item} if item is not None else {"article": article}
    have = Photo.objects.filter(**owner).count()
    if have + len(photos) > PHOTOS_PER_ITEM:
        raise ValidationError(_("每篇最多%(n)d张图片") % {"n": PHOTOS_PER_ITEM}, field="photos")
    for upload in photos:
        content, fields = clean_photo(upload)
        photo = Photo(**owner, **fields)
        photo.file.save(content.name, content, save=False)
        photo.save()


# ------------------------------------------------------------------ 信息报送


@transaction.atomic
def item_create(
    *, actor, organisation: Organisation, kind: str, title: str, body: str, photos=()
) -> InfoItem:
    """Draft an item for `organisation` (a secretary for their own organisation or one under it)."""
    if not can_draft_for(actor, organisation):
        raise PermissionDeniedError(_("您无权为“%(org)s”报送信息") % {"org": organisation.name})
    if not organisation.is_active:
        raise StateError(_("“%(org)s”已撤销") % {"org": organisation.name})
    item = InfoItem.objects.create(
        organisation=organisation,
        kind=_choice(kind, ItemKind, "kind", _("类别")),
        title=_text(title, "title", _("标题")),
        body=_text(body, "body", _("正文"), limit=BODY_LIMIT),
        created_by=actor,
    )
    _add_photos(photos, item=item)
    audit_create(actor, "publicity.item_create", item, ITEM_FIELDS)
    return item


@transaction.atomic
def item_update(
    *, actor, item: InfoItem, title: str, body: str, kind: str | None = None, photos=()
) -> InfoItem:
    """The sender edits a draft or returned item; the parent or the office edits it while reviewing."""
    item = InfoItem.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=item.pk)
    parties = item_parties(actor, item.organisation)
    may = (Party.SENDER in parties and item.status in ITEM_EDITABLE_BY_SENDER) or (
        parties & {Party.PARENT, Party.EDITOR} and item.status in ITEM_EDITABLE_BY_REVIEWER
    )
    if not parties:
        raise PermissionDeniedError(_("您无权修改这条信息"))
    if not may:
        raise StateError(_("信息当前状态为“%(s)s”，您不能修改") % {"s": ItemStatus(item.status).label})
    before = snapshot(item, ITEM_FIELDS)
    item.title = _text(title, "title", _("标题"))
    item.body = _text(body, "body", _("正文"), limit=BODY_LIMIT)
    if kind is not None:
        item.kind = _choice(kind, ItemKind, "kind", _("类别"))
    item.save(update_fields=["title", "body", "kind", "updated_at"])
    _add_photos(photos, item=item)
    audit_update(actor, "publicity.item_edit", item, before, ITEM_FIELDS)
    return item


class _Lifecycle:
    """What an item's and an article's lifecycles do not share; `_move` is the rest (each refusal in its own words).

    A subclass per lifecycle fills these in; `_move` reads them from the class (never instantiated).
    """

    model: type[InfoItem] | type[Article]
    actions: type[ItemAction] | type[ArticleAction]
    statuses: type[ItemStatus] | type[ArticleStatus]
    transitions: dict
    parties: Callable
    stamps: dict  # target status → the time field set on arriving there
    audit: str  # the audit action is f"{audit}_{action}"
    no_rights: Promise
    not_now: Promise  # %(s)s the status, %(a)s the action
    only_who: Promise  # %(who)s the parties, %(a)s the action
    changed_meanwhile: Promise
    written: Callable | None = None  # called with the object once its new status is written


def _move(lc: type[_Lifecycle], actor, obj, action: str, comment: str):
    """The only place an item's or an article's status changes: table row, party, compare-and-set, audit entry."""
    if action not in lc.actions.values:
        raise ValidationError(_("未知操作：%(a)s") % {"a": action}, field="action")
    label = lc.actions(action).label
    obj = lc.model.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=obj.pk)
    parties = lc.parties(actor, obj.organisation)
    if not parties:
        raise PermissionDeniedError(str(lc.no_rights))
    t = lc.transitions.get((obj.status, action))
    if t is None:
        raise StateError(str(lc.not_now) % {"s": lc.statuses(obj.status).label, "a": label})
    if not parties & t.parties:
        raise PermissionDeniedError(
            str(lc.only_who) % {"who": "、".join(str(Party(p).label) for p in t.parties), "a": label}
        )
    comment = _text(comment, "comment", _("意见"), required=t.needs_comment, limit=2000)
    now = timezone.now()
    before = obj.status
    fields: dict = {"status": t.target, "updated_at": now}
    if comment or t.needs_comment:
        fields["comment"] = comment
    if t.target in lc.stamps:
        fields[lc.stamps[t.target]] = now
    compare_and_set(lc.model, obj, before, fields, str(lc.changed_meanwhile))
    if lc.written is not None:
        lc.written(obj)
    audit_status(actor, f"{lc.audit}_{action}", obj, before, extra={"comment": comment} if comment else None)
    return obj


class _ItemLifecycle(_Lifecycle):
    model = InfoItem
    actions = ItemAction
    statuses = ItemStatus
    transitions = ITEM_TRANSITIONS
    parties = item_parties
    stamps = {ItemStatus.SUBMITTED: "submitted_at", ItemStatus.ACCEPTED: "accepted_at"}
    audit = "publicity.item"
    no_rights = gettext_lazy("您无权处理这条信息")
    not_now = gettext_lazy("信息当前状态为“%(s)s”，不能%(a)s")
    only_who = gettext_lazy("只有%(who)s可以%(a)s这条信息")
    changed_meanwhile = gettext_lazy("信息状态已被他人改变，请刷新后重试")


@transaction.atomic
def item_transition(*, actor, item: InfoItem, action: str, comment: str = "") -> InfoItem:
    return _item_transition(actor, item, action, comment=comment)


def _item_transition(actor, item: InfoItem, action: str, *, comment: str = "") -> InfoItem:
    """The only place an item's status changes (`_move` along ITEM_TRANSITIONS)."""
    return _move(_ItemLifecycle, actor, item, action, comment)


# ------------------------------------------------------------------ articles and events


def _clean_article(data: dict) -> dict:
    event_kind = data.get("event_kind") or ""
    _choice(event_kind, EventKind, "event_kind", _("活动类型"))
    event_date = data.get("event_date")
    if event_date is not None and not isinstance(event_date, datetime.date):
        raise ValidationError(_("请填写有效的活动日期"), field="event_date")
    place = _text(data.get("event_place"), "event_place", _("活动地点"), required=False)
    if event_kind and event_date is None:
        raise ValidationError(_("活动要填写日期"), field="event_date")
    if event_kind and not place:
        raise ValidationError(_("活动要填写地点"), field="event_place")
    return {
        "section": _choice(data.get("section") or Section.NEWS, Section, "section", _("栏目")),
        "title": _text(data.get("title"), "title", _("标题")),
        "summary": _text(data.get("summary"), "summary", _("摘要"), required=False, limit=300),
        "body": _body(data.get("body")),
        "event_kind": event_kind,
        "event_date": event_date if event_kind else None,
        "event_place": place if event_kind else "",
    }


def _tags(raw) -> list[Tag]:
    if isinstance(raw, str):
        raw = raw.replace("，", ",").replace("、", ",").replace(" ", ",").split(",")
    names = list(dict.fromkeys(n.strip().lstrip("#") for n in (raw or []) if n and n.strip()))
    if len(names) > 10:
        raise ValidationError(_("标签最多10个"), field="tags")
    for n in names:
        if len(n) > 30:
            raise ValidationError(_("标签“%(t)s”不能超过30个字") % {"t": n[:30]}, field="tags")
    return [Tag.objects.get_or_create(name=n)[0] for n in names]


def index_article(article: Article) -> None:
    """Refresh the article's search entry (public only while published)."""
    tags = " ".join(t.name for t in article.tags.all())
    search.index_doc(
        kind=SearchKind.ARTICLE,
        object_id=article.pk,
        title=article.title,
        body="\n".join(filter(None, [article.summary, plain(article.body), article.event_place])),
        url=reverse("news:article", args=[article.pk]),
        is_public=article.status == ArticleStatus.PUBLISHED,
        tags=tags,
    )


@transaction.atomic
def article_create(
    *, actor, organisation: Organisation, tags=(), photos=(), source_item=None, **fields
) -> Article:
    """Draft an article or event for `organisation`. `fields`: section, title, summary, body (HTML or
    plain text, sanitised), event_kind, event_date, event_place."""
    if not can_draft_for(actor, organisation):
        raise PermissionDeniedError(_("您无权为“%(org)s”撰写稿件") % {"org": organisation.name})
    article = Article.objects.create(
        organisation=organisation, created_by=actor, source_item=source_item, **_clean_article(fields)
    )
    article.tags.set(_tags(tags))
    _add_photos(photos, article=article)
    index_article(article)
    audit_create(actor, "publicity.article_create", article, ARTICLE_FIELDS)
    return article


@transaction.atomic
def article_update(*, actor, article: Article, tags=None, photos=(), **fields) -> Article:
    """Edit a draft or returned article (its drafter), or a submitted one (an editor, while reviewing)."""
    article = (
        Article.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=article.pk)
    )
    parties = article_parties(actor, article.organisation)
    if not parties:
        raise PermissionDeniedError(_("您无权修改这篇稿件"))
    may = (Party.SENDER in parties and article.status in ARTICLE_EDITABLE) or (
        Party.EDITOR in parties and article.status == ArticleStatus.SUBMITTED
    )
    if not may:
        raise StateError(_("稿件当前状态为“%(s)s”，不能修改") % {"s": ArticleStatus(article.status).label})
    before = snapshot(article, ARTICLE_FIELDS)
    for k, v in _clean_article(fields).items():
        setattr(article, k, v)
    article.save()
    if tags is not None:
        article.tags.set(_tags(tags))
    _add_photos(photos, article=article)
    index_article(article)
    audit_update(actor, "publicity.article_edit", article, before, ARTICLE_FIELDS)
    return article


@transaction.atomic
def article_from_item(*, actor, item: InfoItem, section: str = Section.NEWS) -> Article:
    """An editor turns an accepted item into a draft article (its photos copied), to be reviewed and published."""
    item = InfoItem.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=item.pk)
    if item.status != ItemStatus.ACCEPTED:
        raise StateError(_("只有已采用的信息可以转为稿件"))
    if Party.EDITOR not in item_parties(actor, item.organisation):
        raise PermissionDeniedError(_("只有活动办公室或宣传编辑可以把信息转为稿件"))
    if section == Section.NEWS and item.kind == ItemKind.EXPERIENCE:
        section = Section.EXPERIENCE
    article = article_create(
        actor=actor,
        organisation=item.organisation,
        section=section,
        title=item.title,
        body=item.body,
        source_item=item,
    )
    for p in item.photos.all():
        Photo.objects.create(
            article=article,
            file=p.file.name,
            name=p.name,
            content_type=p.content_type,
            width=p.width,
            height=p.height,
            size=p.size,
        )
    return article


class _ArticleLifecycle(_Lifecycle):
    model = Article
    actions = ArticleAction
    statuses = ArticleStatus
    transitions = ARTICLE_TRANSITIONS
    parties = article_parties
    stamps = {ArticleStatus.PUBLISHED: "published_at"}
    audit = "publicity.article"
    no_rights = gettext_lazy("您无权处理这篇稿件")
    not_now = gettext_lazy("稿件当前状态为“%(s)s”，不能%(a)s")
    only_who = gettext_lazy("只有%(who)s可以%(a)s这篇稿件")
    changed_meanwhile = gettext_lazy("稿件状态已被他人改变，请刷新后重试")
    written = index_article


@transaction.atomic
def article_transition(*, actor, article: Article, action: str, comment: str = "") -> Article:
    return _article_transition(actor, article, action, comment=comment)


def _article_transition(actor, article: Article, action: str, *, comment: str = "") -> Article:
    """The only place an article's status changes (`_move` along ARTICLE_TRANSITIONS); the search entry follows
    in the same transaction."""
    return _move(_ArticleLifecycle, actor, article, action, comment)
