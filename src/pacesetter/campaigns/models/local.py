"""Local standards (issue #17, mechanism 4): an organisation's own wording of the campaign's criteria items."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from pacesetter.core.models import Edited
from pacesetter.orgs.models import Organisation

from .criteria import CriteriaItem


class LocalCriteriaText(Edited):
    """An organisation's own concrete wording of one item of the campaign's criteria (结合实际制定的具体标准).

    Items, weights and indicators stay the campaign's; an organisation below inherits the nearest ancestor's
    wording until it writes its own (campaigns.local_standards.local_criteria_for)."""

    item = models.ForeignKey(CriteriaItem, on_delete=models.CASCADE, related_name="local_texts")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("本单位具体标准"))

    class Meta:
        verbose_name = _("本单位具体标准")
        verbose_name_plural = _("本单位具体标准")
        constraints = [
            models.UniqueConstraint(fields=["item", "organisation"], name="uniq_local_text_per_item_org")
        ]

    def __str__(self):
        return f"{self.item} · {self.organisation_id}"
