"""Forms for plans: parsing only; the services sanitise, check and decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pacesetter.core.forms import BootstrapMixin

from .enums import DECISIONS, CommentHandling, PlanAction


class PlanForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("方案标题"), max_length=200)
    # Filled by the rich-text editor on the page (a plain textarea without JavaScript).
    body = forms.CharField(label=_("正文"), required=False, widget=forms.Textarea(attrs={"rows": 16}))


class DecisionForm(BootstrapMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("审核结果"),
        choices=[(a.value, PlanAction(a).label) for a in DECISIONS],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("审核意见"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class AttachmentForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label=_("附件"), help_text=_("pdf、doc、docx、xls、xlsx、jpg、png 文件，每个不超过 10 MB")
    )


# ---------------------------------------------------------------- 征求意见


class ConsultationOpenForm(BootstrapMixin, forms.Form):
    closes_on = forms.DateField(
        label=_("征求意见截止日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        input_formats=["%Y-%m-%d"],
    )


class CommentForm(BootstrapMixin, forms.Form):
    body = forms.CharField(
        label=_("您的意见建议"), max_length=1000, widget=forms.Textarea(attrs={"rows": 4, "maxlength": 1000})
    )


class HandlingForm(BootstrapMixin, forms.Form):
    handling = forms.ChoiceField(label=_("采纳情况"), choices=CommentHandling.choices)
    reason = forms.CharField(
        label=_("理由"), required=False, max_length=500, widget=forms.TextInput(attrs={"maxlength": 500})
    )


class SummaryForm(BootstrapMixin, forms.Form):
    summary = forms.CharField(
        label=_("采纳情况说明"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5, "maxlength": 5000})
    )
