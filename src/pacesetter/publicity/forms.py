"""Forms for publicity pages: parsing only; the services sanitise, check and decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pacesetter.core.forms import BootstrapMixin
from pacesetter.core.uploads import MultipleFileField
from pacesetter.orgs.enums import Sector

from .enums import BODY_LIMIT, SEARCH_QUERY_LIMIT, CultivationLevel, EventKind, ItemKind, Section


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
        label=_("活动日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
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


class BulletinForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("本期标题"), max_length=200)
    editor = forms.CharField(label=_("编辑"), max_length=60)
    intro = forms.CharField(
        label=_("按语"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    campaign = forms.TypedChoiceField(
        label=_("活动（用于进展数据）"), coerce=int, required=False, empty_value=None
    )
    items = forms.TypedMultipleChoiceField(
        label=_("编入的已采用信息"), coerce=int, widget=forms.CheckboxSelectMultiple, required=False
    )
    report_to = forms.CharField(label=_("报"), max_length=300, required=False)
    copy_to = forms.CharField(label=_("送"), max_length=300, required=False)
    distribute_to = forms.TypedMultipleChoiceField(
        label=_("发"), coerce=int, required=False, widget=forms.SelectMultiple(attrs={"size": 8})
    )
    refresh_figures = forms.BooleanField(label=_("重新读取活动进展数据"), required=False)

    def __init__(self, *args, items=(), orgs=(), campaigns=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = [(i.pk, f"{i.title}（{i.organisation.name}）") for i in items]
        self.fields["distribute_to"].choices = [(o.pk, o.name) for o in orgs]
        self.fields["campaign"].choices = [("", "—")] + [(c.pk, c.name) for c in campaigns]
        self.fields["items"].widget.attrs["class"] = "form-check-input"
        if editing:
            del self.fields["campaign"]
        else:
            del self.fields["refresh_figures"]


class ExemplarForm(BootstrapMixin, forms.Form):
    organisation = forms.TypedChoiceField(label=_("党组织"), coerce=int)
    member_name = forms.CharField(label=_("党员姓名（登记优秀党员时填写）"), max_length=50, required=False)
    name = forms.CharField(
        label=_("名称"), max_length=120, required=False, help_text=_("不填则用组织名称或党员姓名")
    )
    sector = forms.ChoiceField(
        label=_("领域"), choices=[("", _("（同党组织）")), *Sector.choices], required=False
    )
    trade = forms.CharField(label=_("行业"), max_length=40, required=False)
    post = forms.CharField(label=_("岗位"), max_length=40, required=False)
    summary = forms.CharField(
        label=_("主要事迹"), widget=forms.Textarea(attrs={"rows": 6}), max_length=10_000
    )
    honour = forms.CharField(widget=forms.HiddenInput, max_length=32, required=False)

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(o.pk, o.name) for o in orgs]


class ExemplarArticlesForm(BootstrapMixin, forms.Form):
    articles = forms.TypedMultipleChoiceField(
        label=_("相关报道"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, articles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["articles"].choices = [
            (a.pk, f"{a.title}（{a.published_at:%Y-%m-%d}）" if a.published_at else a.title) for a in articles
        ]


class PromoteForm(BootstrapMixin, forms.Form):
    level = forms.ChoiceField(label=_("晋升为"), choices=CultivationLevel.choices)
    awarded_on = forms.DateField(
        label=_("认定日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    document = forms.CharField(label=_("认定文件"), max_length=120, required=False)


class FindModelForm(BootstrapMixin, forms.Form):
    sector = forms.ChoiceField(label=_("领域"), choices=[("", _("全部")), *Sector.choices], required=False)
    trade = forms.CharField(label=_("行业"), max_length=40, required=False)
    post = forms.CharField(label=_("岗位"), max_length=40, required=False)
