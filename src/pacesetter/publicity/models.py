"""Publicity (宣传): information items sent up by organisations (信息报送), articles and events for the public
site with their photos and tags, and the full-text search index over public content."""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pacesetter.core.fields import kept_user_fk, optional_fk, status_field
from pacesetter.core.models import Timestamped
from pacesetter.orgs.enums import Sector
from pacesetter.orgs.models import Organisation

from .enums import (
    ArticleStatus,
    BulletinStatus,
    CultivationLevel,
    EventKind,
    ExemplarKind,
    ItemKind,
    ItemStatus,
    SearchKind,
    Section,
)


class InfoItem(Timestamped):
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
    status = status_field(initial=ItemStatus.DRAFT, max_length=20, db_index=True)
    comment = models.TextField(_("审核意见"), blank=True)
    created_by = kept_user_fk()
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


class Article(Timestamped):
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
    source_item = optional_fk(InfoItem, related_name="articles", on_delete=models.SET_NULL)
    status = status_field(initial=ArticleStatus.DRAFT, max_length=20, db_index=True)
    comment = models.TextField(_("审核意见"), blank=True)
    created_by = kept_user_fk()
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

    item = optional_fk(InfoItem, related_name="photos", on_delete=models.CASCADE)
    article = optional_fk(Article, related_name="photos", on_delete=models.CASCADE)
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
    PostgreSQL through `vector` (the `simple` configuration over the segmented text) and its GIN index, and a
    GIN index over the title's words alone (migration 0007; see search._candidates_pg).
    `extra_seg` holds the finer search-mode words (争优 inside 创先争优) so that parts of terms match too.
    `facets` holds filter words (`xpub` when public, `xk<kind>`) so that FTS5 itself filters and ranks, and a
    search reads only the top rows (see search._search_sqlite); set it with `SearchDoc.facets_for`.
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
    facets = models.CharField(max_length=40, blank=True, editable=False)
    vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("检索条目")
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="publicity_searchdoc_uniq")]

    def __str__(self):
        return self.title

    @staticmethod
    def facets_for(kind: str, is_public: bool) -> str:
        return ("xpub " if is_public else "") + "xk" + kind


class Bulletin(Timestamped):
    """An issue of the information bulletin (简报): accepted items and campaign figures, numbered 第N期 per
    issuer per year from 1 without gaps. The number is given when the issue is printed (印发), so a draft
    thrown away leaves no gap; the unique constraint refuses a second issue with the same number."""

    issuer = models.ForeignKey(
        Organisation, verbose_name=_("编印单位"), on_delete=models.PROTECT, related_name="bulletins"
    )
    issuer_name = models.CharField(_("编印单位名称"), max_length=60)
    campaign = optional_fk("campaigns.Campaign")
    title = models.CharField(_("本期标题"), max_length=200)
    editor = models.CharField(_("编辑"), max_length=60)
    intro = models.TextField(_("按语"), blank=True)
    figures = models.TextField(_("活动进展数据"), blank=True)
    report_to = models.CharField(_("报"), max_length=300, blank=True)
    copy_to = models.CharField(_("送"), max_length=300, blank=True)
    distribute_to = models.ManyToManyField(Organisation, related_name="+", verbose_name=_("发"), blank=True)
    items = models.ManyToManyField(InfoItem, related_name="bulletins", verbose_name=_("采用信息"), blank=True)
    status = status_field(initial=BulletinStatus.DRAFT, max_length=20)
    year = models.PositiveSmallIntegerField(_("年份"), null=True, blank=True)
    number = models.PositiveIntegerField(_("期号"), null=True, blank=True)
    issued_on = models.DateField(_("印发日期"), null=True, blank=True)
    created_by = kept_user_fk()

    class Meta:
        ordering = ["-year", "-number", "-id"]
        verbose_name = _("简报")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "year", "number"], name="publicity_bulletin_number_uniq"
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft")
                | (models.Q(number__isnull=False) & models.Q(year__isnull=False)),
                name="publicity_bulletin_issued_numbered",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def number_label(self) -> str:
        return f"第{self.number}期" if self.number else "（未编号）"


class Exemplar(models.Model):
    """A model (典型): an exemplary organisation or member, tagged by sector, trade and post so that every
    organisation and member can find one like them; its cultivation level changes only through
    publicity.exemplars.exemplar_promote (one ExemplarLevelEvent each)."""

    kind = models.CharField(_("类别"), max_length=10, choices=ExemplarKind.choices)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("党组织"), on_delete=models.PROTECT, related_name="exemplars"
    )
    member = optional_fk("orgs.Member", _("党员"))
    name = models.CharField(_("名称"), max_length=120)
    sector = models.CharField(_("领域"), max_length=20, choices=Sector.choices)
    trade = models.CharField(_("行业"), max_length=40, blank=True)
    post = models.CharField(_("岗位"), max_length=40, blank=True)
    summary = models.TextField(_("主要事迹"))
    level = models.CharField(
        _("培育层级"), max_length=20, choices=CultivationLevel.choices, default=CultivationLevel.CULTIVATING
    )
    level_since = models.DateField(_("定级日期"))
    articles = models.ManyToManyField(
        Article, blank=True, related_name="exemplars", verbose_name=_("相关报道")
    )
    # The commendation this model was registered from (honours sits below publicity; its honour-roll entry
    # shows the model through the hook in publicity.apps).
    honour = models.OneToOneField(
        "honours.Honour",
        verbose_name=_("表彰"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="exemplar",
    )
    created_by = kept_user_fk()
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-level_since", "-id"]
        verbose_name = _("先进典型")
        indexes = [models.Index(fields=["sector", "trade", "post"])]

    def __str__(self):
        return self.name

    @property
    def is_public(self) -> bool:
        return self.level != CultivationLevel.CULTIVATING


class ExemplarLevelEvent(models.Model):
    """One step of a model's history: registered for cultivation, or raised a level, by whom and when."""

    exemplar = models.ForeignKey(Exemplar, on_delete=models.CASCADE, related_name="history")
    from_level = models.CharField(max_length=20, choices=CultivationLevel.choices, blank=True)
    to_level = models.CharField(max_length=20, choices=CultivationLevel.choices)
    awarded_on = models.DateField()
    awarded_by = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    document = models.CharField(_("文件"), max_length=120, blank=True)
    actor_name = models.CharField(max_length=150)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("典型培育记录")

    def __str__(self):
        return f"{self.exemplar} → {self.to_level}"
