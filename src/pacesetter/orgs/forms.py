"""Forms for organisations, members, accounts, roles and imports: parsing only; services decide."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from pacesetter.core.forms import BootstrapMixin

from .enums import Gender, MemberStatus, OrgType, Role, Sector
from .models import ImportKind


class OrgForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("组织名称"), max_length=120)
    org_type = forms.ChoiceField(label=_("组织类别"), choices=OrgType.choices)
    sector = forms.ChoiceField(label=_("所属行业"), choices=Sector.choices)


class OrgChoiceField(forms.ModelChoiceField):
    """An organisation picked from a list, each shown as Organisation.label ("上级组织 / 名称"), so several
    英语教研组党支部 can be told apart; the parents come in the same query (a queryset given later should
    select_related("parent") too, or the choices show bare names)."""

    def __init__(self, queryset, **kwargs):
        super().__init__(queryset.select_related("parent"), **kwargs)

    def label_from_instance(self, obj) -> str:
        return obj.label


class OrgNameField(forms.CharField):
    """An organisation typed by name (the page suggests names as you type); the view resolves it in scope."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 300)
        kwargs.setdefault("help_text", _("输入组织名称，可从提示中选择；重名时写成“上级组织/组织名称”"))
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {
                "list": "org-options",
                "autocomplete": "off",
                "hx-get": "/orgs/?options=1",
                "hx-trigger": "input changed delay:300ms",
                "hx-target": "#org-options",
                "data-org-suggest": "",  # pacesetter.js sends the typed text as ?q=
            }
        )


class OrgMoveForm(BootstrapMixin, forms.Form):
    new_parent = OrgNameField(label=_("新的上级组织"))


class MemberForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    gender = forms.ChoiceField(label=_("性别"), choices=Gender.choices)
    ethnicity = forms.CharField(label=_("民族"), max_length=20, initial="汉族")
    birth_date = forms.DateField(
        label=_("出生日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    joined_on = forms.DateField(
        label=_("入党时间"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    post = forms.CharField(label=_("岗位"), max_length=100, required=False)
    organisation = OrgNameField(label=_("所在党组织"))
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    id_number = forms.CharField(label=_("身份证号"), max_length=18)
    status = forms.ChoiceField(
        label=_("党员类别"), choices=[("", "—"), *MemberStatus.choices], required=False
    )


class AccountForm(BootstrapMixin, forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    full_name = forms.CharField(label=_("姓名"), max_length=150, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput, min_length=8)


class GrantForm(BootstrapMixin, forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    organisation = OrgNameField(label=_("范围（组织）"))
    # sector guidance (条块结合): only for the 行业指导 role
    sector = forms.ChoiceField(
        label=_("所指导的行业（仅行业指导）"), choices=[("", "—"), *Sector.choices], required=False
    )
    guide = OrgNameField(label=_("指导单位（仅行业指导）"), required=False)

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("没有名为“%(u)s”的有效账号") % {"u": username})
        self.cleaned_data["user"] = user
        return username


class LiaisonForm(BootstrapMixin, forms.Form):
    username = forms.CharField(label=_("联系领导（用户名）"), max_length=150)
    organisation = OrgNameField(label=_("联系点（组织）"))

    clean_username = GrantForm.clean_username


class ImportUploadForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("导入内容"), choices=ImportKind.choices)
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(
                _("请上传 .xlsx 格式的 Excel 文件（旧版 .xls 请先在 Excel 中另存为 .xlsx）")
            )
        if f.size > 30 * 1024 * 1024:
            raise forms.ValidationError(_("文件不能超过 30 MB"))
        return f
