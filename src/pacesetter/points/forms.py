"""Page forms of the points ledger; every refusal comes from the services (shown with core.forms.refusals_on)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pacesetter.core.forms import BootstrapMixin

from .enums import ClaimAction, EventType, ManualBy


class PeriodForm(BootstrapMixin, forms.Form):
    campaign: forms.ModelChoiceField = forms.ModelChoiceField(label=_("活动"), queryset=None)
    year = forms.CharField(label=_("年度"), max_length=12)

    def __init__(self, *args, campaigns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns


class RuleForm(BootstrapMixin, forms.Form):
    # Numbers are text here: the service parses them and names the field it cannot read.
    name = forms.CharField(label=_("规则名称"), max_length=100)
    event_type = forms.ChoiceField(label=_("计分事项"), choices=EventType.choices)
    points = forms.CharField(label=_("每次分值"), max_length=12, help_text=_("正数加分，负数减分"))
    cap = forms.CharField(label=_("年度上限"), max_length=12, required=False, help_text=_("留空不限"))
    once_only = forms.BooleanField(label=_("每年限一次"), required=False)
    manual_by = forms.ChoiceField(label=_("手工加减分"), choices=ManualBy.choices, initial=ManualBy.NOBODY)
    claimable = forms.BooleanField(label=_("党员可申报"), required=False)


class AwardForm(BootstrapMixin, forms.Form):
    rule: forms.ModelChoiceField = forms.ModelChoiceField(label=_("积分规则"), queryset=None)
    points = forms.CharField(label=_("分值"), max_length=12, required=False, help_text=_("留空按规则分值"))
    reason = forms.CharField(label=_("事由"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    occurred_on = forms.DateField(
        label=_("日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, rules, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].queryset = rules


class ClaimForm(BootstrapMixin, forms.Form):
    rule: forms.ModelChoiceField = forms.ModelChoiceField(label=_("申报事项"), queryset=None)
    occurred_on = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    text = forms.CharField(label=_("申报事由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    evidence = forms.FileField(label=_("佐证材料（照片或文件）"), required=False)

    def __init__(self, *args, rules, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].queryset = rules


class DecideForm(BootstrapMixin, forms.Form):
    action = forms.ChoiceField(choices=ClaimAction.choices, widget=forms.HiddenInput)
    comment = forms.CharField(label=_("审核意见"), max_length=500, required=False)
