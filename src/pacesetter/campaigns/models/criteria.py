"""Criteria sets (评价标准): 五个好 for organisations, 五带头 for members, with 四比四看 indicators; data per campaign."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..enums import CriteriaSubject
from .campaign import Campaign


class CriteriaSet(models.Model):
    """One campaign's own copy of a standard; `locked` once evaluation ballots refer to it."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="criteria_sets")
    name = models.CharField(_("标准名称"), max_length=100)
    subject = models.CharField(_("评价对象"), max_length=10, choices=CriteriaSubject.choices)
    description = models.TextField(_("说明"), blank=True)
    order = models.PositiveSmallIntegerField(default=1)
    locked = models.BooleanField(_("已锁定"), default=False)
    # 结合实际制定具体标准 (loop): the office lets organisations word each item in their own terms.
    local_wording = models.BooleanField(_("允许基层细化标准表述"), default=True)
    locked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["campaign", "order", "id"]
        verbose_name = _("评价标准")
        constraints = [models.UniqueConstraint(fields=["campaign", "name"], name="uniq_criteria_set_name")]

    def __str__(self):
        return self.name


class CriteriaItem(models.Model):
    """One item of a set (e.g. 领导班子好) with its weight out of 100."""

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="items")
    name = models.CharField(_("标准项"), max_length=100)
    description = models.TextField(_("内涵"), blank=True)
    weight = models.PositiveSmallIntegerField(_("权重"), default=20)
    order = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["criteria_set", "order", "id"]
        verbose_name = _("标准项")

    def __str__(self):
        return self.name


class CriteriaIndicator(models.Model):
    """A 四比四看 indicator used to check one item (比服务发展, 看学习能力, …)."""

    item = models.ForeignKey(CriteriaItem, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("考察指标"), max_length=100)
    order = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["item", "order", "id"]
        verbose_name = _("考察指标")

    def __str__(self):
        return self.name
