"""Required actions per step (规定动作), their evidence links, and organisations' optional actions (自选动作)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pacesetter.campaigns.models import Campaign, Step
from pacesetter.core.fields import optional_fk, status_field, user_fk
from pacesetter.core.models import Created
from pacesetter.orgs.models import Organisation
from pacesetter.records.enums import RecordKind
from pacesetter.records.models import ActivityRecord

from .enums import Highlight, LinkSource, LinkStatus


class RequiredAction(Created):
    """规定动作: what every organisation below the campaign's must do inside one step's window.

    `record_kind` set: a record of that kind dated inside the window satisfies it without a manual link.
    """

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="required_actions"
    )
    step = models.ForeignKey(
        Step, verbose_name=_("步骤"), on_delete=models.CASCADE, related_name="required_actions"
    )
    name = models.CharField(_("规定动作"), max_length=100)
    description = models.TextField(_("要求"), blank=True)
    record_kind = models.CharField(
        _("自动识别的记实类别"), max_length=20, choices=RecordKind.choices, blank=True
    )
    order = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["step__opens_at", "step_id", "order", "id"]
        verbose_name = _("规定动作")
        verbose_name_plural = _("规定动作")
        constraints = [models.UniqueConstraint(fields=["step", "name"], name="uniq_required_action_per_step")]

    def __str__(self):
        return self.name


class ActionLink(models.Model):
    """One record offered as the evidence of one organisation's required action (manual or auto-detected).

    An auto-detected record gets a row only when the parent rejects it, so the rejection sticks.
    """

    action = models.ForeignKey(RequiredAction, on_delete=models.CASCADE, related_name="links")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    record = models.ForeignKey(ActivityRecord, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(_("来源"), max_length=10, choices=LinkSource.choices, default=LinkSource.MANUAL)
    status = status_field(initial=LinkStatus.LINKED, max_length=10)
    reason = models.CharField(_("驳回理由"), max_length=300, blank=True)
    linked_by = user_fk()
    linked_at = models.DateTimeField(default=timezone.now)
    decided_by = user_fk(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["linked_at", "id"]
        verbose_name = _("规定动作佐证")
        constraints = [
            models.UniqueConstraint(fields=["action", "organisation", "record"], name="uniq_action_link")
        ]

    def __str__(self):
        return f"{self.action} · {self.record}"


class OptionalAction(Created):
    """自选动作: something an organisation chose to do in the campaign; the office may mark it 特色 / 品牌."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="optional_actions")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("自选动作"), max_length=100)
    description = models.TextField(_("做法与成效"), blank=True)
    record = optional_fk(ActivityRecord, _("佐证记实"), on_delete=models.SET_NULL)
    highlight = models.CharField(_("标记"), max_length=10, choices=Highlight.choices, blank=True, default="")

    class Meta(Created.Meta):
        verbose_name = _("自选动作")
        verbose_name_plural = _("自选动作")
        indexes = [models.Index(fields=["campaign", "highlight"])]

    def __str__(self):
        return self.title
