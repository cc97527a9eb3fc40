"""Forms for cases: parsing only; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pacesetter.core.forms import BootstrapMixin
from pacesetter.core.uploads import MultipleFileField

from .enums import TEXT_MAX, CaseStatus, Deadline, Finding, Satisfaction, SubjectType
from .models import Category


class ReportForm(BootstrapMixin, forms.Form):
    subject_type = forms.ChoiceField(
        label=_("反映对象"),
        choices=SubjectType.choices,
        initial=SubjectType.ORGANISATION,
        widget=forms.RadioSelect,
    )
    org = forms.IntegerField(label=_("党组织"), required=False, widget=forms.Select)
    member_name = forms.CharField(label=_("党员姓名"), required=False, max_length=50)
    commitment = forms.IntegerField(required=False, widget=forms.HiddenInput)
    category = forms.ChoiceField(label=_("问题类别"))
    text = forms.CharField(
        label=_("反映内容"),
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": TEXT_MAX}),
        max_length=TEXT_MAX * 2,
        help_text=_("请写明时间、地点、人物和事情经过（10～3000 字）"),
    )
    files = MultipleFileField(label=_("照片或材料（最多 3 个，每个不超过 8 MB）"), required=False)
    real_name = forms.TypedChoiceField(
        label=_("反映方式"),
        coerce=lambda v: v == "1",
        choices=[("0", _("匿名")), ("1", _("实名（必复）"))],
        initial="0",
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label=_("姓名"), required=False, max_length=50)
    phone = forms.CharField(label=_("手机号码"), required=False, max_length=20)
    code = forms.CharField(label=_("短信验证码"), required=False, max_length=6)

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [(c.code, c.name) for c in Category.objects.filter(is_active=True)]
        self.fields["org"].widget.choices = [("", _("请选择")), *[(o.pk, o.name) for o in orgs]]


class QueryForm(BootstrapMixin, forms.Form):
    number = forms.CharField(label=_("编号"), max_length=20)
    password = forms.CharField(label=_("查询密码"), max_length=20, widget=forms.PasswordInput)


class RateForm(BootstrapMixin, forms.Form):
    level = forms.ChoiceField(
        label=_("您对答复的评价"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("理由（不满意时必填）"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class InboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        required=False, choices=[("", _("未办结")), ("all", _("全部")), *CaseStatus.choices]
    )
    overdue = forms.BooleanField(required=False)


class OrgPickForm(BootstrapMixin, forms.Form):
    organisation = forms.IntegerField(label=_("党组织编号"))


class TransferForm(OrgPickForm):
    reason = forms.CharField(label=_("转办理由（反映人可见）"), widget=forms.Textarea(attrs={"rows": 2}))


class VerifyForm(BootstrapMixin, forms.Form):
    checked = forms.CharField(label=_("核查内容"), widget=forms.Textarea(attrs={"rows": 3}))
    checked_by = forms.CharField(label=_("核查人"), max_length=100)
    finding = forms.ChoiceField(label=_("核查结论"), choices=Finding.choices)
    evidence = forms.CharField(label=_("证据材料"), widget=forms.Textarea(attrs={"rows": 2}))


class ReplyForm(BootstrapMixin, forms.Form):
    reply = forms.CharField(label=_("答复意见（反映人可见）"), widget=forms.Textarea(attrs={"rows": 4}))


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("不予受理的理由和应向何处反映（一次性告知）"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ConclusionForm(BootstrapMixin, forms.Form):
    conclusion = forms.CharField(label=_("复查结论（终结）"), widget=forms.Textarea(attrs={"rows": 3}))


class CategoryForm(BootstrapMixin, forms.Form):
    category = forms.ModelChoiceField(label=_("问题类别"), queryset=Category.objects.filter(is_active=True))


class PublishForm(BootstrapMixin, forms.Form):
    summary = forms.CharField(
        label=_("公开摘要（去除姓名、电话等个人信息）"), widget=forms.Textarea(attrs={"rows": 2})
    )
    reply = forms.CharField(label=_("公开答复（去除个人信息）"), widget=forms.Textarea(attrs={"rows": 3}))


class NoteForm(BootstrapMixin, forms.Form):
    deadline = forms.ChoiceField(label=_("逾期环节"), choices=Deadline.choices)
    note = forms.CharField(label=_("责任追究意见"), widget=forms.Textarea(attrs={"rows": 2}))


class RectifyForm(BootstrapMixin, forms.Form):
    problem = forms.CharField(label=_("存在问题"), widget=forms.Textarea(attrs={"rows": 2}))
    measures_required = forms.CharField(label=_("整改要求"), widget=forms.Textarea(attrs={"rows": 2}))
    working_days = forms.IntegerField(label=_("整改时限（工作日）"), min_value=1, max_value=120, initial=20)


class StatsForm(forms.Form):
    month = forms.DateField(
        required=False, input_formats=["%Y-%m"], widget=forms.DateInput(attrs={"type": "month"})
    )
    org = forms.IntegerField(required=False)
