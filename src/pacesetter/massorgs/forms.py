"""Page forms for mass organisations and their members."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pacesetter.core.forms import BootstrapMixin
from pacesetter.orgs.enums import Gender
from pacesetter.orgs.forms import OrgChoiceField
from pacesetter.orgs.models import Organisation

from .enums import MassOrgKind


class MassOrgForm(BootstrapMixin, forms.Form):
    party_org = OrgChoiceField(label=_("所属党组织"), queryset=Organisation.objects.none())
    kind = forms.ChoiceField(label=_("类别"), choices=MassOrgKind.choices)
    name = forms.CharField(label=_("名称"), max_length=120, help_text=_("如“八一村团支部”“和林镇总工会”"))

    def __init__(self, *args, party_orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        if party_orgs is not None:
            self.fields["party_org"].queryset = party_orgs.select_related("parent")


class MassMemberForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    gender = forms.ChoiceField(label=_("性别"), choices=Gender.choices)
    post = forms.CharField(label=_("职务"), max_length=100, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    joined_on = forms.DateField(
        label=_("加入时间"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
