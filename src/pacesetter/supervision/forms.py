"""Forms for reviews and supervision: parse input only; the services validate and decide."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from pacesetter.core.uploads import MultipleFileField
from pacesetter.orgs.enums import OrgType, Role, Sector

from .enums import (
    DrawFilter,
    InspectionStatus,
    Method,
    Rating,
    RectificationAction,
    RectificationStatus,
    ReviewStatus,
    Source,
)


class _Styled(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            if isinstance(f.widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
                continue
            css = "form-select" if isinstance(f.widget, forms.Select) else "form-control"
            f.widget.attrs.setdefault("class", css)


class ReviewForm(_Styled):
    achievements = forms.CharField(label=_("肯定成绩"), widget=forms.Textarea(attrs={"rows": 3}))
    problems = forms.CharField(label=_("指出问题"), widget=forms.Textarea(attrs={"rows": 3}))
    direction = forms.CharField(label=_("努力方向"), widget=forms.Textarea(attrs={"rows": 3}))
    rating = forms.ChoiceField(label=_("总体评价"), choices=Rating.choices, widget=forms.RadioSelect)

    def __init__(self, *args, commitments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.commitments = list(commitments)
        for c in self.commitments:
            self.fields[f"remark_{c.pk}"] = forms.CharField(
                label=c.title,
                required=False,
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            )
            self.fields[f"flag_{c.pk}"] = forms.BooleanField(label=_("存在问题"), required=False)

    def item_rows(self):
        return [(c, self[f"remark_{c.pk}"], self[f"flag_{c.pk}"]) for c in self.commitments]

    def remarks(self) -> dict[int, tuple[str, bool]]:
        d = self.cleaned_data
        return {c.pk: (d.get(f"remark_{c.pk}", ""), bool(d.get(f"flag_{c.pk}"))) for c in self.commitments}

    def scalar_fields(self):
        return [self[n] for n in ("achievements", "problems", "direction")]


class RespondForm(_Styled):
    response = forms.CharField(label=_("答复"), widget=forms.Textarea(attrs={"rows": 4}))


class RectificationForm(_Styled):
    problem = forms.CharField(label=_("存在问题"), widget=forms.Textarea(attrs={"rows": 3}))
    measures_required = forms.CharField(label=_("整改要求"), widget=forms.Textarea(attrs={"rows": 3}))
    working_days = forms.IntegerField(
        label=_("整改时限（工作日）"),
        min_value=1,
        max_value=120,
        initial=10,
        help_text=_("按节假日安排表（国家法定节假日和调休）计算工作日；尚未公布安排的年度暂按周末计算"),
    )


class HolidayYearForm(_Styled):
    text = forms.CharField(
        label=_("节假日安排"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
        help_text=_("每行一天：日期后写“休”（放假）或“班”（调休上班），可加说明，例如“2027-01-01 休 元旦”"),
    )


class ReportForm(_Styled):
    measures_taken = forms.CharField(label=_("整改措施及成效"), widget=forms.Textarea(attrs={"rows": 4}))
    files = MultipleFileField(
        label=_("佐证材料"), required=False, help_text=_("PDF、Word、Excel 或照片，每个不超过 10 MB")
    )


class VerifyForm(_Styled):
    decision = forms.ChoiceField(
        label=_("核查结果"),
        choices=[(a.value, a.label) for a in (RectificationAction.CLOSE, RectificationAction.REJECT)],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("核查意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("退回时必须说明理由"),
    )


class TeamForm(_Styled):
    name = forms.CharField(label=_("小组名称"), max_length=100)
    members = forms.ModelMultipleChoiceField(
        label=_("成员（督查人员）"),
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = (
            get_user_model()
            .objects.filter(
                role_grants__role=Role.INSPECTOR, role_grants__revoked_at__isnull=True, is_active=True
            )
            .distinct()
            .order_by("username")
        )


class InspectionForm(_Styled):
    organisation = forms.IntegerField(label=_("被检查组织编号"), widget=forms.HiddenInput, required=False)
    organisation_name = forms.CharField(label=_("被检查组织"), help_text=_("组织名称，或“上级名称/名称”"))
    method = forms.ChoiceField(label=_("方式"), choices=Method.choices)
    team = forms.TypedChoiceField(label=_("督查小组"), coerce=int, required=False, empty_value=None)
    planned_on = forms.DateField(label=_("计划日期"), widget=forms.DateInput(attrs={"type": "date"}))
    subject = forms.CharField(label=_("督查内容"), max_length=200)

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", "—")] + [(t.pk, t.name) for t in teams]


class FileInspectionForm(_Styled):
    record = forms.CharField(label=_("督查记录"), widget=forms.Textarea(attrs={"rows": 5}))
    findings = forms.CharField(
        label=_("发现的问题（每行一条）"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class CancelInspectionForm(_Styled):
    reason = forms.CharField(
        label=_("取消原因"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class FindingForm(_Styled):
    description = forms.CharField(label=_("发现的问题"), widget=forms.Textarea(attrs={"rows": 2}))


class DrawForm(_Styled):
    title = forms.CharField(label=_("名称"), max_length=200)
    root = forms.TypedChoiceField(label=_("抽查范围"), coerce=int)
    n = forms.IntegerField(label=_("抽取数量"), min_value=1, max_value=1000)
    sector = forms.ChoiceField(
        label=_("行业"), choices=[("", _("全部"))] + list(Sector.choices), required=False
    )
    org_type = forms.ChoiceField(
        label=_("组织类别"), choices=[("", _("全部"))] + list(OrgType.choices), required=False
    )
    flags = forms.MultipleChoiceField(
        label=_("其他条件"), choices=DrawFilter.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    campaign = forms.TypedChoiceField(label=_("活动"), coerce=int, required=False, empty_value=None)
    public_value = forms.CharField(
        label=_("公开随机值"),
        required=False,
        max_length=200,
        help_text=_(
            "例如“2026-03-05 福彩3D第2026058期 123”；种子 = 它的 SHA-256。不填则由系统随机生成并公布。"
        ),
    )

    def __init__(self, *args, roots=(), campaigns=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["root"].choices = [(o.pk, o.label) for o in roots]
        self.fields["campaign"].choices = [("", "—")] + [(c.pk, c.name) for c in campaigns]


class NoticeComposeForm(_Styled):
    root = forms.TypedChoiceField(label=_("发文范围"), coerce=int)
    campaign = forms.TypedChoiceField(label=_("活动"), coerce=int, required=False, empty_value=None)
    issuer_name = forms.CharField(
        label=_("发文机关"),
        max_length=100,
        required=False,
        help_text=_("不填则为“<组织>创先争优活动领导小组办公室”"),
    )
    number_prefix = forms.CharField(label=_("机关代字"), max_length=30, initial="创先争优办")

    def __init__(self, *args, roots=(), campaigns=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["root"].choices = [(o.pk, o.label) for o in roots]
        self.fields["campaign"].choices = [("", "—")] + [(c.pk, c.name) for c in campaigns]


class NoticeEditForm(_Styled):
    issuer_name = forms.CharField(label=_("发文机关"), max_length=100)
    number = forms.IntegerField(label=_("发文顺序号"), min_value=1)
    title = forms.CharField(label=_("标题"), max_length=200)
    addressees = forms.CharField(label=_("主送机关"), max_length=300)
    body = forms.CharField(label=_("正文（每段一行）"), widget=forms.Textarea(attrs={"rows": 16}))
    signed_on = forms.DateField(label=_("成文日期"), widget=forms.DateInput(attrs={"type": "date"}))


# List filters (GET)
class ReviewFilter(_Styled):
    status = forms.ChoiceField(
        label=_("状态"), choices=[("", _("全部"))] + list(ReviewStatus.choices), required=False
    )
    rating = forms.ChoiceField(
        label=_("评价"), choices=[("", _("全部"))] + list(Rating.choices), required=False
    )


class RectificationFilter(_Styled):
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部")), ("open", _("未销号"))] + list(RectificationStatus.choices),
    )
    source = forms.ChoiceField(
        label=_("来源"), choices=[("", _("全部"))] + list(Source.choices), required=False
    )
    overdue = forms.ChoiceField(
        label=_("逾期"), choices=[("", _("全部")), ("1", _("逾期")), ("0", _("未逾期"))], required=False
    )


class InspectionFilter(_Styled):
    method = forms.ChoiceField(
        label=_("方式"), choices=[("", _("全部"))] + list(Method.choices), required=False
    )
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部"))] + list(InspectionStatus.choices),
    )
