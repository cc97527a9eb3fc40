"""Forms for campaign pages: parsing only; the services decide what is allowed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pacesetter.core.forms import BootstrapMixin
from pacesetter.orgs.enums import MemberStatus
from pacesetter.orgs.forms import OrgNameField

from .enums import CampaignStatus, CriteriaSubject, GroupPosition, PairingKind, StepCapability

DATE = {"type": "date"}


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def datetime_field(label):
    return forms.DateTimeField(
        label=label, widget=DateTimeLocalInput(), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )


class CampaignForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("活动名称"), max_length=200)
    organisation = OrgNameField(label=_("组织实施单位"), help_text=_("活动覆盖该组织及其全部下级组织"))
    starts_on = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs=DATE))
    ends_on = forms.DateField(label=_("结束日期"), widget=forms.DateInput(attrs=DATE))
    plan_deadline = forms.DateField(
        label=_("实施方案报送截止日期"), required=False, widget=forms.DateInput(attrs=DATE)
    )
    requirement = forms.CharField(
        label=_("总体要求"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CampaignEditForm(CampaignForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["organisation"]  # a campaign's reach is fixed once created


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(choices=CampaignStatus.choices)
    reason = forms.CharField(required=False, max_length=300)


class StageForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("阶段名称"), max_length=200)
    starts_on = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs=DATE))
    ends_on = forms.DateField(label=_("结束日期"), widget=forms.DateInput(attrs=DATE))


class MilestoneForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("节点名称"), max_length=200)
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs=DATE))


class StepForm(BootstrapMixin, forms.Form):
    opens_at = datetime_field(_("开始时间"))
    closes_at = datetime_field(_("结束时间"))
    capabilities = forms.MultipleChoiceField(
        label=_("开放功能"),
        choices=StepCapability.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    plan_required = forms.BooleanField(label=_("需报送本步骤实施方案"), required=False)
    plan_deadline = forms.DateField(
        label=_("步骤方案报送截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class ExtensionForm(BootstrapMixin, forms.Form):
    organisation = OrgNameField(label=_("延期的组织（含其下级）"))
    closes_at = datetime_field(_("延至"))
    reason = forms.CharField(label=_("理由"), max_length=300)


class CriteriaSetForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("标准名称"), max_length=100)
    subject = forms.ChoiceField(label=_("评价对象"), choices=CriteriaSubject.choices)
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CriteriaItemForm(BootstrapMixin, forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("标准项"), max_length=100, required=False)
    weight = forms.IntegerField(label=_("权重"), required=False, min_value=0, max_value=100)
    description = forms.CharField(label=_("内涵"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    indicators = forms.CharField(
        label=_("考察指标"),
        required=False,
        help_text=_("多个指标用顿号或逗号分隔，如：比服务发展、看学习能力"),
    )


CriteriaItemFormSet = forms.formset_factory(CriteriaItemForm, extra=2, can_delete=True, max_num=30)


def split_list(text: str) -> list[str]:
    for sep in ("，", ",", "；", ";", "\n"):
        text = text.replace(sep, "、")
    return [p.strip() for p in text.split("、") if p.strip()]


class ThemeForm(BootstrapMixin, forms.Form):
    theme = forms.CharField(label=_("争创主题"), max_length=100)
    carriers = forms.CharField(
        label=_("活动载体"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("每行一条，如：党员服务示范岗、党员责任区"),
    )


class GroupMemberForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    position = forms.ChoiceField(label=_("职务"), choices=GroupPosition.choices)
    unit = forms.CharField(label=_("单位及职务"), max_length=200, required=False)
    member_id = forms.TypedChoiceField(label=_("对应党员"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, member_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member_id"].choices = [("", "—"), *[(m.pk, m.name) for m in member_choices]]


GroupMemberFormSet = forms.formset_factory(GroupMemberForm, extra=3, can_delete=True, max_num=60)


class PairingForm(BootstrapMixin, forms.Form):
    helper = OrgNameField(label=_("帮扶组织"))
    helped = OrgNameField(label=_("受帮扶组织"))
    kind = forms.ChoiceField(label=_("帮带形式"), choices=PairingKind.choices)
    goal = forms.CharField(label=_("帮带目标"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    started_on = forms.DateField(label=_("开始日期"), required=False, widget=forms.DateInput(attrs=DATE))


class PairingNoteForm(BootstrapMixin, forms.Form):
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs=DATE))
    text = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 3}))


class MemberRequirementsForm(BootstrapMixin, forms.Form):
    """区别在职和无职党员: one requirement text per member status (empty: none)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in MemberStatus.choices:
            self.fields[value] = forms.CharField(
                label=label,
                required=False,
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
            )
