"""Forms for plans: parsing only; the services sanitise, check and decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pacesetter.core.forms import BootstrapMixin

from .enums import DECISIONS, PlanAction


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
