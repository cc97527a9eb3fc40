"""Forms for commitments: parsing only; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pacesetter.campaigns.enums import CriteriaSubject
from pacesetter.campaigns.models import CriteriaItem
from pacesetter.core.forms import BootstrapMixin
from pacesetter.core.uploads import MultipleFileField
from pacesetter.orgs.enums import Sector

from .enums import CommitmentAction, CommitmentKind, CommitmentStatus, RatingLevel, ReportOutcome


class CommitmentForm(BootstrapMixin, forms.Form):
    criteria_item = forms.ModelChoiceField(label=_("对照标准"), queryset=CriteriaItem.objects.none())
    title = forms.CharField(label=_("承诺事项（实事）"), max_length=200)
    target = forms.CharField(
        label=_("量化目标"), max_length=300, help_text=_("可衡量的目标，如“走访困难群众 30 户”")
    )
    deadline = forms.DateField(label=_("完成时限"), widget=forms.DateInput(attrs={"type": "date"}))
    responsible = forms.CharField(label=_("责任人"), max_length=200)
    content = forms.CharField(label=_("具体内容"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, campaign, kind, **kwargs):
        super().__init__(*args, **kwargs)
        subject = (
            CriteriaSubject.ORGANISATION if kind == CommitmentKind.ORGANISATION else CriteriaSubject.MEMBER
        )
        self.fields["criteria_item"].queryset = CriteriaItem.objects.filter(
            criteria_set__campaign=campaign, criteria_set__subject=subject
        ).order_by("criteria_set__order", "order", "id")


class PostForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("岗位名称"), max_length=100)
    duties = forms.CharField(label=_("岗位职责"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class TransitionForm(forms.Form):
    action = forms.ChoiceField(choices=CommitmentAction.choices)
    comment = forms.CharField(required=False, max_length=5000)


class ProgressForm(BootstrapMixin, forms.Form):
    percent = forms.IntegerField(label=_("完成进度（%）"), min_value=0, max_value=100)
    text = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(
        label=_("照片或附件"),
        required=False,
        help_text=_("JPG/PNG/WebP 图片或 PDF、Word、Excel，每个不超过 8 MB"),
    )


class ReportForm(BootstrapMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_("兑现情况"),
        choices=ReportOutcome.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    text = forms.CharField(label=_("述诺内容"), widget=forms.Textarea(attrs={"rows": 8}))
    confirm_below_target = forms.BooleanField(label=_("进度尚未达到 100%，我确认承诺已兑现"), required=False)

    def __init__(self, *args, progress: int = 100, **kwargs):
        super().__init__(*args, **kwargs)
        if progress >= 100:
            del self.fields["confirm_below_target"]
        else:
            self.fields["confirm_below_target"].help_text = _(
                "已填报的进度为 %(p)d%%。选择“承诺已兑现”时须勾选；审核人会看到这一进度。"
            ) % {"p": progress}


class RatingForm(forms.Form):
    level = forms.ChoiceField(label=_("评价"), choices=RatingLevel.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("意见建议（选填）"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class WallFilterForm(forms.Form):
    sector = forms.ChoiceField(
        label=_("行业"), choices=[("", _("全部行业")), *Sector.choices], required=False
    )


class ListFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", _("全部状态")), *CommitmentStatus.choices], required=False)
    kind = forms.ChoiceField(choices=[("", _("全部类别")), *CommitmentKind.choices], required=False)
