"""Requirements per member status (区别在职和无职党员，分别提出具体要求), shown to a member when committing."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from pacesetter.core.models import Edited
from pacesetter.orgs.enums import MemberStatus

from .campaign import Campaign


class MemberRequirement(Edited):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="member_requirements")
    status = models.CharField(_("党员类别"), max_length=10, choices=MemberStatus.choices)
    text = models.TextField(_("具体要求"))

    class Meta:
        verbose_name = _("分类要求")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "status"], name="uniq_member_requirement_status")
        ]

    def __str__(self):
        return f"{self.get_status_display()}：{self.text[:20]}"
