"""Forms for required and optional actions; the services do the checking."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pacesetter.core.forms import BootstrapMixin
from pacesetter.records.enums import RecordKind

from .enums import Highlight


class RequiredActionForm(BootstrapMixin, forms.Form):
    step = forms.ChoiceField(label=_("步骤"))
    name = forms.CharField(label=_("规定动作名称"), max_length=100)
    description = forms.CharField(
        label=_("要求"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    record_kind = forms.ChoiceField(
        label=_("自动识别的记实类别"),
        required=False,
        choices=[("", _("不自动识别（手动关联）"))] + list(RecordKind.choices),
    )
    order = forms.IntegerField(label=_("排序"), min_value=0, max_value=999, initial=1)

    def __init__(self, *args, steps=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = [(s.pk, f"{s.stage.name} · {s.get_kind_display()}") for s in steps]


class LinkForm(BootstrapMixin, forms.Form):
    record = forms.CharField(label=_("佐证记实"), max_length=20)


class RejectForm(BootstrapMixin, forms.Form):
    record = forms.CharField(widget=forms.HiddenInput, max_length=20)
    reason = forms.CharField(label=_("驳回理由"), max_length=300, required=False)  # the service names it


class OptionalActionForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("自选动作名称"), max_length=100)
    description = forms.CharField(
        label=_("做法与成效"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    record = forms.ChoiceField(label=_("佐证记实（可选）"), required=False)

    def __init__(self, *args, records=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["record"].choices = [("", "—")] + [
            (r.pk, f"{r.occurred_on:%Y-%m-%d} {r.title}") for r in records
        ]


class MarkForm(BootstrapMixin, forms.Form):
    highlight = forms.ChoiceField(label=_("标记"), choices=Highlight.choices, required=False)
