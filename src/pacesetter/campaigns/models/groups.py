"""The leading group (领导小组) and its office (办公室) an organisation sets up for a campaign."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from pacesetter.core.fields import optional_fk
from pacesetter.orgs.models import Member, Organisation

from ..enums import GroupPosition
from .campaign import Campaign


class GroupMember(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="group_members")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("姓名"), max_length=50)
    position = models.CharField(_("职务"), max_length=15, choices=GroupPosition.choices)
    unit = models.CharField(_("单位及职务"), max_length=200, blank=True)
    member = optional_fk(Member, _("对应党员"), on_delete=models.SET_NULL)
    order = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["campaign", "organisation", "order", "id"]
        verbose_name = _("领导小组成员")
        indexes = [models.Index(fields=["campaign", "organisation", "order"])]

    def __str__(self):
        return f"{self.name}（{self.get_position_display()}）"
