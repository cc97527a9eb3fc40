"""A campaign (创先争优活动) with stages, milestones and steps; a step is a row with capability flags and a window."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pacesetter.core.fields import status_field, user_fk
from pacesetter.core.models import Created
from pacesetter.orgs.models import Organisation

from ..enums import CampaignStatus, StepKind


class Campaign(Created):
    name = models.CharField(_("活动名称"), max_length=200)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("组织实施单位"),
        on_delete=models.PROTECT,
        related_name="campaigns",
        help_text=_("活动覆盖该组织及其全部下级组织"),
    )
    requirement = models.TextField(
        _("总体要求"), blank=True, default="推动科学发展、促进社会和谐、服务人民群众、加强基层组织"
    )
    description = models.TextField(_("说明"), blank=True)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    status = status_field(initial=CampaignStatus.DRAFT, max_length=10)
    plan_deadline = models.DateField(_("实施方案报送截止日期"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("活动")

    def __str__(self):
        return self.name


class Stage(models.Model):
    """A stage (阶段), e.g. 2010-04 → 2011-07 toward the Party's 90th anniversary."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(_("阶段名称"), max_length=200)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    order = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["campaign", "order", "starts_on"]
        verbose_name = _("阶段")

    def __str__(self):
        return self.name


class Milestone(models.Model):
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(_("节点"), max_length=200)
    date = models.DateField(_("日期"))

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("节点")

    def __str__(self):
        return self.name


class Step(models.Model):
    """One of the seven steps in one stage, open between `opens_at` and `closes_at`.

    `capabilities` lists what the step allows (StepCapability values) while open; every check of
    "may this be done now" goes through campaigns.selectors.step_window_for, never a date test in a view.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="steps")
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("步骤"), max_length=12, choices=StepKind.choices)
    capabilities = models.JSONField(_("开放功能"), default=list)
    opens_at = models.DateTimeField(_("开始时间"))
    closes_at = models.DateTimeField(_("结束时间"))
    # Set by the sweep when it has announced the opening / closing (audited, notified once).
    opened_announced_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_announced_at = models.DateTimeField(null=True, blank=True, editable=False)
    # 阶段实施方案 (loop): the office may require every organisation to submit a plan for this step.
    plan_required = models.BooleanField(_("需报送本步骤实施方案"), default=False)
    plan_deadline = models.DateField(_("步骤方案报送截止日期"), null=True, blank=True)

    class Meta:
        ordering = ["campaign", "stage__order", "opens_at", "id"]
        verbose_name = _("步骤")
        constraints = [models.UniqueConstraint(fields=["stage", "kind"], name="uniq_step_kind_per_stage")]

    def __str__(self):
        return f"{self.stage.name} · {self.get_kind_display()}"


class StepExtension(models.Model):
    """The office keeps a step open longer for one subtree (延期)."""

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="extensions")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    closes_at = models.DateTimeField(_("延至"))
    reason = models.CharField(_("理由"), max_length=300)
    granted_by = user_fk()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("步骤延期")
        constraints = [
            models.UniqueConstraint(fields=["step", "organisation"], name="uniq_extension_per_org")
        ]

    def __str__(self):
        return f"{self.step} → {self.organisation}"
