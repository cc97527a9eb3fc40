"""Pairings (帮带: 一帮一、手拉手、定点联系) between an advanced and a weaker organisation, with progress notes."""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pacesetter.core.models import Authored, Created
from pacesetter.orgs.models import Organisation

from ..enums import PairingKind
from .campaign import Campaign


class Pairing(Created):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="pairings")
    helper = models.ForeignKey(
        Organisation, verbose_name=_("帮扶组织"), on_delete=models.PROTECT, related_name="+"
    )
    helped = models.ForeignKey(
        Organisation, verbose_name=_("受帮扶组织"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("帮带形式"), max_length=15, choices=PairingKind.choices)
    goal = models.TextField(_("帮带目标"), blank=True)
    started_on = models.DateField(_("开始日期"), default=timezone.localdate)

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("结对帮带")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "helper", "helped"], name="uniq_pairing"),
            models.CheckConstraint(condition=~Q(helper=F("helped")), name="pairing_distinct_orgs"),
        ]

    def __str__(self):
        return f"{self.helper} → {self.helped}"


class PairingNote(Authored):
    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="notes")
    date = models.DateField(_("日期"))
    text = models.TextField(_("进展情况"))

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("帮带进展")

    def __str__(self):
        return f"{self.pairing} · {self.date}"
