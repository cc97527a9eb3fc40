"""Publicity (宣传): information items sent up by organisations (信息报送), articles and events for the public
site with their photos and tags, and the full-text search index over public content."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pacesetter.orgs.models import Organisation

from .enums import ArticleStatus, EventKind, ItemKind, ItemStatus, SearchKind, Section


class InfoItem(models.Model):
    """A piece of news or an experience (经验做法) an organisation sends up (信息报送).

    The parent organisation edits and forwards it, the office (or an editor) accepts or returns it; accepted
    items count for the sender. `status` changes only in publicity.services._item_transition.
    """

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("报送单位"), on_delete=models.PROTECT, related_name="info_items"
    )
    kind = models.CharField(_("类别"), max_length=20, choices=ItemKind.choices, default=ItemKind.NEWS)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    status = models.CharField(
        _("状态"), max_length=20, choices=ItemStatus.choices, default=ItemStatus.DRAFT, db_index=True
    )
    comment = models.TextField(_("审核意见"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("报送信息")
        indexes = [models.Index(fields=["organisation", "status", "accepted_at"])]

    def __str__(self):
        return self.title


class Tag(models.Model):
    name = models.CharField(_("标签"), max_length=30, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("标签")

    def __str__(self):
        return self.name


class Article(models.Model):
    """A piece on the public site: news, exemplary deeds, experience, or an event (图片展, 现场观摩会, 研讨会)
    with its date and place. Nothing is public before an editor publishes it (review before publication).

    `body` is sanitised HTML (publicity.text.sanitise); `status` changes only in
    publicity.services._article_transition.
    """

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("供稿单位"), on_delete=models.PROTECT, related_name="articles"
    )
    section = models.CharField(_("栏目"), max_length=20, choices=Section.choices, default=Section.NEWS)
    title = models.CharField(_("标题"), max_length=200)
    summary = models.CharField(_("摘要"), max_length=300, blank=True)
    body = models.TextField(_("正文"))
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles", verbose_name=_("标签"))
    event_kind = models.CharField(
        _("活动类型"), max_length=20, choices=EventKind.choices, blank=True, default=""
    )
    event_date = models.DateField(_("活动日期"), null=True, blank=True)
    event_place = models.CharField(_("活动地点"), max_length=200, blank=True)
    source_item = models.ForeignKey(
        InfoItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT, db_index=True
    )
    comment = models.TextField(_("审核意见"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("宣传稿件")
        indexes = [models.Index(fields=["status", "section", "published_at"])]

    def __str__(self):
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status == ArticleStatus.PUBLISHED


def photo_upload_to(instance, filename):
    return f"publicity/{timezone.now():%Y/%m}/{filename}"


class Photo(models.Model):
    """A photo of an item or an article, stored resized and without EXIF/GPS (publicity.photos)."""

    item = models.ForeignKey(InfoItem, null=True, blank=True, on_delete=models.CASCADE, related_name="photos")
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField(upload_to=photo_upload_to, max_length=255)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=50)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["id"]
        verbose_name = _("图片")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(item__isnull=False) ^ models.Q(article__isnull=False),
                name="publicity_photo_one_owner",
            )
        ]

    def __str__(self):
        return self.name


class SearchDoc(models.Model):
    """One searchable thing (an article, a published commitment, an organisation) as jieba-segmented text.

    SQLite searches it through the FTS5 table publicity_searchdoc_fts (kept by triggers, migration 0002);
    PostgreSQL through `vector` (the `simple` configuration over the segmented text) and its GIN index.
    `extra_seg` holds the finer search-mode words (争优 inside 创先争优) so that parts of terms match too.
    """

    kind = models.CharField(max_length=20, choices=SearchKind.choices)
    object_id = models.PositiveBigIntegerField()
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    title_seg = models.TextField(blank=True)
    body_seg = models.TextField(blank=True)
    extra_seg = models.TextField(blank=True)
    url = models.CharField(max_length=300)
    is_public = models.BooleanField(default=False)
    tags = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("检索条目")
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="publicity_searchdoc_uniq")]

    def __str__(self):
        return self.title
