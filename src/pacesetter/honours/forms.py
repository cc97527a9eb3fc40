from django import forms
from django.utils.translation import gettext_lazy as _

from pacesetter.core.forms import BootstrapMixin
from pacesetter.massorgs.models import MassMember, MassOrganisation
from pacesetter.orgs.forms import OrgChoiceField, OrgNameField
from pacesetter.orgs.models import Organisation

from .enums import DEED_MAX, DISTRICT_TOP_MAX, OBJECTION_MAX, SUMMARY_MAX, Rule, Subject
from .models import Category


class ProgrammeForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("名称"), max_length=120, help_text=_("如：2011年“七一”表彰"))
    issuer_name = forms.CharField(label=_("发文机关"), max_length=60, help_text=_("如：中共福州市委"))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    nominate_until = forms.DateField(label=_("推荐截止日期"), widget=forms.DateInput(attrs={"type": "date"}))
    notice_days = forms.IntegerField(label=_("公示天数"), min_value=5, max_value=30, initial=7)


class CategoryForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("表彰类别"), max_length=60)
    subject = forms.ChoiceField(label=_("表彰对象"), choices=Subject.choices)
    quota = forms.IntegerField(label=_("名额"), min_value=1, max_value=10_000)
    no_open_rectification = forms.BooleanField(label=Rule.NO_OPEN_RECTIFICATION.label, required=False)
    no_upheld_report = forms.BooleanField(label=Rule.NO_UPHELD_REPORT.label, required=False)
    party_years = forms.IntegerField(
        label=_("党龄不少于（年，个人类别，可空）"), min_value=1, max_value=70, required=False
    )
    min_grade = forms.ChoiceField(
        label=_("最近一次公布的考核等次不低于（可空）"),
        required=False,
        help_text=_("集体类别选“好”或“较好”，个人类别选“优秀”或“合格”"),
    )
    district_top = forms.IntegerField(
        label=_("活动开展情况排名前几名（集体类别，可空）"),
        min_value=1,
        max_value=DISTRICT_TOP_MAX,
        required=False,
        help_text=_("只有在本活动的活动开展情况排名中（与同级组织相比）列前 N 名的组织可被推荐"),
    )

    def __init__(self, *args, **kwargs):
        from pacesetter.assessment.enums import GRADES, Grade

        super().__init__(*args, **kwargs)
        choices = [("", "—")]
        for grades in GRADES.values():
            choices += [(g, Grade(g).label) for g in grades[:-1]]
        self.fields["min_grade"].choices = choices

    def clean(self):
        d = super().clean()
        if d.get("district_top") and d.get("subject") != Subject.ORGANISATION:
            self.add_error("district_top", _("“活动开展情况排名”条件只适用于集体类别"))
        return d

    def rules(self) -> list[dict]:
        d = self.cleaned_data
        rules: list[dict] = []
        for code in (Rule.NO_OPEN_RECTIFICATION, Rule.NO_UPHELD_REPORT):
            if d.get(code):
                rules.append({"rule": code})
        if d.get("party_years"):
            rules.append({"rule": Rule.PARTY_YEARS, "years": d["party_years"]})
        if d.get("min_grade"):
            rules.append({"rule": Rule.ASSESSMENT_GRADE, "min": d["min_grade"]})
        if d.get("district_top"):
            rules.append({"rule": Rule.DISTRICT_RANK, "top": d["district_top"]})
        return rules


class QuotaForm(BootstrapMixin, forms.Form):
    organisation = OrgNameField(label=_("下级组织"))
    amount = forms.IntegerField(label=_("名额"), min_value=0, max_value=10_000)

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"] = forms.ModelChoiceField(
            label=_("表彰类别"), queryset=categories, empty_label=None
        )
        self.fields["category"].widget.attrs["class"] = "form-select"
        self.order_fields(["category", "organisation", "amount"])


class MassOrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.party_org.name} / {obj.name}"


class MassMemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.mass_org.party_org.name} / {obj.mass_org.name}）"


class NominationForm(BootstrapMixin, forms.Form):
    category = forms.ModelChoiceField(label=_("表彰类别"), queryset=Category.objects.none(), empty_label=None)
    nominator = OrgChoiceField(label=_("推荐单位"), queryset=Organisation.objects.none(), empty_label=None)
    subject_name = forms.CharField(
        label=_("推荐对象"),
        max_length=300,
        help_text=_("集体写党组织名称（重名时写“上级组织/名称”）；个人写“党员姓名@所在党组织”"),
    )
    # The other ways to name the nominee, each only where the programme has a category it fits (else left out).
    subject_mass_org = MassOrgChoiceField(
        label=_("或推荐群团组织"),
        queryset=MassOrganisation.objects.none(),
        required=False,
        empty_label=_("（不推荐群团组织）"),
        help_text=_("仅限集体类别；只能选本单位及所属党组织的团组织、工会、妇女组织"),
    )
    subject_mass_member = MassMemberChoiceField(
        label=_("或推荐群团成员"),
        queryset=MassMember.objects.none(),
        required=False,
        empty_label=_("（不推荐群团成员）"),
        help_text=_("仅限表彰群团成员的类别；只能选本单位及所属党组织的团组织、工会、妇女组织的在册成员"),
    )
    post = forms.CharField(label=_("职务"), max_length=100, required=False)
    summary = forms.CharField(
        label=_("事迹简介（公示用）"), max_length=SUMMARY_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
    deed = forms.CharField(
        label=_("先进事迹"), max_length=DEED_MAX, widget=forms.Textarea(attrs={"rows": 10})
    )
    photos = forms.FileField(
        label=_("照片（最多 3 张）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"allow_multiple_selected": True, "accept": "image/*"}),
    )

    def __init__(self, *args, categories=(), nominators=(), mass_orgs=None, mass_members=None, **kwargs):
        """`mass_orgs`: the 群团组织 the user may nominate (None where no category is collective);
        `mass_members`: the 群团成员 the user may nominate (None where no category takes them)."""
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories
        self.fields["nominator"].queryset = nominators
        for name, queryset in (("subject_mass_org", mass_orgs), ("subject_mass_member", mass_members)):
            if queryset is None:
                del self.fields[name]
            else:
                self.fields[name].queryset = queryset
                self.fields["subject_name"].required = False

    def clean(self):
        data = super().clean()
        extra = [f for f in ("subject_mass_org", "subject_mass_member") if f in self.fields]
        if extra:
            only_orgs = extra == ["subject_mass_org"]
            chosen = [f for f in ("subject_name", *extra) if data.get(f)]
            if len(chosen) > 1:
                self.add_error(
                    chosen[-1],
                    _("推荐对象和群团组织只能填写一项")
                    if only_orgs
                    else _("推荐对象、群团组织和群团成员只能填写一项"),
                )
            elif not chosen and "subject_name" not in self.errors:
                self.add_error(
                    "subject_name",
                    _("请填写推荐对象，或选择要推荐的群团组织")
                    if only_orgs
                    else _("请填写推荐对象，或选择要推荐的群团组织或群团成员"),
                )
        return data


class ResubmitForm(BootstrapMixin, forms.Form):
    post = forms.CharField(label=_("职务"), max_length=100, required=False)
    summary = forms.CharField(
        label=_("事迹简介（公示用）"), max_length=SUMMARY_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
    deed = forms.CharField(
        label=_("先进事迹"), max_length=DEED_MAX, widget=forms.Textarea(attrs={"rows": 10})
    )


class ReviewForm(BootstrapMixin, forms.Form):
    action = forms.ChoiceField(
        choices=[("approve", _("审核通过")), ("return", _("退回修改")), ("reject", _("不予通过"))]
    )
    comment = forms.CharField(
        label=_("审核意见"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RemoveForm(BootstrapMixin, forms.Form):
    comment = forms.CharField(label=_("取消说明（将公开）"), max_length=300)


class DecisionForm(BootstrapMixin, forms.Form):
    number = forms.CharField(label=_("文号"), max_length=40, help_text=_("如：榕委〔2011〕25号"))
    title = forms.CharField(label=_("标题（可空，自动生成）"), max_length=160, required=False)


class ObjectionForm(forms.Form):
    nomination = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("异议内容"), max_length=OBJECTION_MAX, widget=forms.Textarea(attrs={"rows": 5})
    )
    real_name = forms.BooleanField(label=_("实名提出（需手机验证码）"), required=False)
    name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    phone = forms.CharField(label=_("手机号码"), max_length=20, required=False)
    code = forms.CharField(label=_("验证码"), max_length=6, required=False)
