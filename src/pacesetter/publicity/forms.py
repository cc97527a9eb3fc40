"""Forms for publicity pages: parsing only; the services sanitise, check and decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pacesetter.commitments.forms import MultipleFileField
from pacesetter.core.forms import BootstrapMixin

from .enums import BODY_LIMIT, SEARCH_QUERY_LIMIT, EventKind, ItemKind, Section


class ItemForm(BootstrapMixin, forms.Form):
    organisation = forms.TypedChoiceField(label=_("报送单位"), coerce=int)
    kind = forms.ChoiceField(label=_("类别"), choices=ItemKind.choices)
    title = forms.CharField(label=_("标题"), max_length=200)
    body = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 10}), max_length=BODY_LIMIT)
    photos = MultipleFileField(label=_("图片（最多 9 张，自动去除拍摄位置等信息）"), required=False)

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(o.pk, o.name) for o in orgs]
        self.fields["photos"].widget.attrs["accept"] = "image/jpeg,image/png,image/webp"


class ArticleForm(BootstrapMixin, forms.Form):
    organisation = forms.TypedChoiceField(label=_("供稿单位"), coerce=int)
    section = forms.ChoiceField(label=_("栏目"), choices=Section.choices)
    title = forms.CharField(label=_("标题"), max_length=200)
    summary = forms.CharField(label=_("摘要"), max_length=300, required=False)
    body = forms.CharField(
        label=_("正文"),
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=BODY_LIMIT,
        help_text=_("可用段落、小标题、列表、加粗；其他格式和脚本会被去除"),
    )
    tags = forms.CharField(label=_("标签"), required=False, help_text=_("用逗号或顿号分隔，最多 10 个"))
    event_kind = forms.ChoiceField(label=_("活动类型"), choices=EventKind.choices, required=False)
    event_date = forms.DateField(
        label=_("活动日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    event_place = forms.CharField(label=_("活动地点"), max_length=200, required=False)
    photos = MultipleFileField(label=_("图片（最多 9 张，自动去除拍摄位置等信息）"), required=False)

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(o.pk, o.name) for o in orgs]
        self.fields["photos"].widget.attrs["accept"] = "image/jpeg,image/png,image/webp"


class TransitionForm(forms.Form):
    action = forms.CharField(max_length=20)
    comment = forms.CharField(required=False, max_length=2000)


class SearchForm(forms.Form):
    # The length is the service's to refuse, with its own message: the field takes a little more.
    q = forms.CharField(label=_("搜索"), required=False, max_length=SEARCH_QUERY_LIMIT * 200)
    kind = forms.CharField(required=False, max_length=20)
