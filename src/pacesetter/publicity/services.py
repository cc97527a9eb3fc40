"""Writes for publicity: information items (信息报送) from draft to accepted, articles and events from draft to
published, their photos, and the search index entry of every article (same transaction).

Each service checks permission first, validates, changes inside one transaction and writes an audit entry.
`_item_transition` and `_article_transition` are the only code that assigns a status.
"""

import datetime
from functools import partial

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.core.audit import audit_log, snapshot
from pacesetter.core.errors import PermissionDeniedError, StateError, ValidationError
from pacesetter.core.text import clean_text
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
    audit_log(actor=actor, action="publicity.item_create", obj=item, after=snapshot(item, ITEM_FIELDS))
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
    audit_log(
        actor=actor, action="publicity.item_edit", obj=item, before=before, after=snapshot(item, ITEM_FIELDS)
    )
    return item


@transaction.atomic
def item_transition(*, actor, item: InfoItem, action: str, comment: str = "") -> InfoItem:
    return _item_transition(actor, item, action, comment=comment)


def _item_transition(actor, item: InfoItem, action: str, *, comment: str = "") -> InfoItem:
    """The only place an item's status changes: table row, party, compare-and-set, audit entry."""
    if action not in ItemAction.values:
        raise ValidationError(_("未知操作：%(a)s") % {"a": action}, field="action")
    label = ItemAction(action).label
    item = InfoItem.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=item.pk)
    parties = item_parties(actor, item.organisation)
    t = ITEM_TRANSITIONS.get((item.status, action))
    if not parties:
        raise PermissionDeniedError(_("您无权处理这条信息"))
    if t is None:
        raise StateError(
            _("信息当前状态为“%(s)s”，不能%(a)s") % {"s": ItemStatus(item.status).label, "a": label}
        )
    if not parties & t.parties:
        raise PermissionDeniedError(
            _("只有%(who)s可以%(a)s这条信息")
            % {"who": "、".join(str(Party(p).label) for p in t.parties), "a": label}
        )
    comment = _text(comment, "comment", _("意见"), required=t.needs_comment, limit=2000)
    now = timezone.now()
    before = item.status
    fields: dict = {"status": t.target, "updated_at": now}
    if comment or t.needs_comment:
        fields["comment"] = comment
    if t.target == ItemStatus.SUBMITTED:
        fields["submitted_at"] = now
    if t.target == ItemStatus.ACCEPTED:
        fields["accepted_at"] = now
    if not InfoItem.objects.filter(pk=item.pk, status=before).update(**fields):
        raise StateError(_("信息状态已被他人改变，请刷新后重试"))
    for k, v in fields.items():
        setattr(item, k, v)
    audit_log(
        actor=actor,
        action=f"publicity.item_{action}",
        obj=item,
        before={"status": before},
        after={"status": t.target},
        extra={"comment": comment} if comment else None,
    )
    return item


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
    audit_log(
        actor=actor, action="publicity.article_create", obj=article, after=snapshot(article, ARTICLE_FIELDS)
    )
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
    audit_log(
        actor=actor,
        action="publicity.article_edit",
        obj=article,
        before=before,
        after=snapshot(article, ARTICLE_FIELDS),
    )
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


@transaction.atomic
def article_transition(*, actor, article: Article, action: str, comment: str = "") -> Article:
    return _article_transition(actor, article, action, comment=comment)


def _article_transition(actor, article: Article, action: str, *, comment: str = "") -> Article:
    """The only place an article's status changes; the search entry follows in the same transaction."""
    if action not in ArticleAction.values:
        raise ValidationError(_("未知操作：%(a)s") % {"a": action}, field="action")
    label = ArticleAction(action).label
    article = (
        Article.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=article.pk)
    )
    parties = article_parties(actor, article.organisation)
    if not parties:
        raise PermissionDeniedError(_("您无权处理这篇稿件"))
    t = ARTICLE_TRANSITIONS.get((article.status, action))
    if t is None:
        raise StateError(
            _("稿件当前状态为“%(s)s”，不能%(a)s") % {"s": ArticleStatus(article.status).label, "a": label}
        )
    if not parties & t.parties:
        raise PermissionDeniedError(
            _("只有%(who)s可以%(a)s这篇稿件")
            % {"who": "、".join(str(Party(p).label) for p in t.parties), "a": label}
        )
    comment = _text(comment, "comment", _("意见"), required=t.needs_comment, limit=2000)
    now = timezone.now()
    before = article.status
    fields: dict = {"status": t.target, "updated_at": now}
    if comment or t.needs_comment:
        fields["comment"] = comment
    if t.target == ArticleStatus.PUBLISHED:
        fields["published_at"] = now
    if not Article.objects.filter(pk=article.pk, status=before).update(**fields):
        raise StateError(_("稿件状态已被他人改变，请刷新后重试"))
    for k, v in fields.items():
        setattr(article, k, v)
    index_article(article)
    audit_log(
        actor=actor,
        action=f"publicity.article_{action}",
        obj=article,
        before={"status": before},
        after={"status": t.target},
        extra={"comment": comment} if comment else None,
    )
    return article
