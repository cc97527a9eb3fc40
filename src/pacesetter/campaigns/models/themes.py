"""An organisation's own theme (争创主题) and carriers (活动载体) in one campaign (分类指导)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from pacesetter.core.models import Edited
from pacesetter.orgs.models import Organisation

from .campaign import Campaign


class OrgTheme(Edited):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="org_themes")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    theme = models.CharField(_("争创主题"), max_length=100)
    carriers = models.JSONField(_("活动载体"), default=list, blank=True)

    class Meta:
        verbose_name = _("争创主题")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "organisation"], name="uniq_theme_per_campaign_org")
        ]

    def __str__(self):
        return f"{self.organisation} · {self.theme}"
