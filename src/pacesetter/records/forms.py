"""Forms for records, attendance and list filters: parsing only; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pacesetter.core.forms import BootstrapMixin
from pacesetter.core.uploads import MultipleFileField
from pacesetter.orgs.forms import OrgNameField

from .enums import (
    PERSONAL_KINDS,
    AbsenceReason,
    AttendanceStatus,
    CheckAction,
    CheckStatus,
    RecordKind,
    RecordScope,
)
from .services import EDITABLE_FIELDS  # the fields of a record a person may edit

# Photos only (each is checked by services.photo_add): what the file picker offers.
PHOTO_ACCEPT = "image/jpeg,image/png,image/webp"


def _textarea(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class RecordForm(BootstrapMixin, forms.Form):
    """Organisation mode (`mode="org"`) asks for the organisation and meeting details; personal mode doesn't."""

    organisation = OrgNameField(label=_("党组织"))
    kind = forms.ChoiceField(label=_("类别"), choices=RecordKind.choices)
    title = forms.CharField(label=_("标题"), max_length=200)
    occurred_on = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("地点"), max_length=200, required=False)
    participants = forms.CharField(label=_("参加人员"), required=False, widget=_textarea(2))
    content = forms.CharField(label=_("主要内容（做了什么）"), widget=_textarea(4))
    contribution = forms.CharField(label=_("贡献"), required=False, widget=_textarea(2))
    effect = forms.CharField(label=_("成效"), required=False, widget=_textarea(2))
    host = forms.CharField(label=_("主持人"), max_length=50, required=False)
    recorder = forms.CharField(label=_("记录人"), max_length=50, required=False)
    expected_count = forms.IntegerField(
        label=_("应到人数"), min_value=0, required=False, help_text=_("不填则按本组织在册党员数")
    )
    actual_count = forms.IntegerField(
        label=_("实到人数"), min_value=0, required=False, help_text=_("使用签到或出勤登记后自动计算")
    )
    minutes = forms.CharField(label=_("会议记录"), required=False, widget=_textarea(6))
    photos = MultipleFileField(
        label=_("照片（可多选，JPG/PNG/WebP，每张不超过 8 MB）"), accept=PHOTO_ACCEPT, required=False
    )

    MEETING = ("host", "recorder", "expected_count", "actual_count", "minutes")

    def __init__(self, *args, mode: str = "org", editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.mode = mode
        if mode != "org" or editing:
            del self.fields["organisation"]
        if mode != "org":
            for name in self.MEETING:
                del self.fields[name]
            self.fields["kind"].choices = [
                (v, label) for v, label in RecordKind.choices if v in PERSONAL_KINDS
            ]
        if editing:
            del self.fields["photos"]
        self.fields["kind"].widget.attrs["data-testid"] = "record-kind"

    def record_data(self) -> dict:
        return {k: self.cleaned_data[k] for k in EDITABLE_FIELDS}

    def meeting_data(self) -> dict | None:
        if self.mode != "org":
            return None
        return {k: self.cleaned_data.get(k) for k in self.MEETING}

    def meeting_fields(self):
        return [self[name] for name in self.MEETING if name in self.fields]

    def main_fields(self):
        return [f for f in self.visible_fields() if f.name not in self.MEETING]


class PhotoForm(BootstrapMixin, forms.Form):
    photos = MultipleFileField(label=_("添加照片"), accept=PHOTO_ACCEPT)
    caption = forms.CharField(label=_("说明"), max_length=200, required=False)


class AttendanceForm(BootstrapMixin, forms.Form):
    member = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("出勤"), choices=AttendanceStatus.choices)
    reason_kind = forms.ChoiceField(
        label=_("原因"), choices=[("", "—"), *AbsenceReason.choices], required=False
    )
    reason = forms.CharField(label=_("说明"), max_length=200, required=False)


class SignInOpenForm(forms.Form):
    minutes = forms.IntegerField(min_value=1, max_value=24 * 60, required=False)


class RecordFilterForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("类别"), choices=[("", _("全部类别")), *RecordKind.choices], required=False
    )
    scope = forms.ChoiceField(
        label=_("范围"), choices=[("", _("组织和个人")), *RecordScope.choices], required=False
    )
    date_from = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    check = forms.ChoiceField(
        label=_("检查"), choices=[("", _("全部")), *CheckStatus.choices], required=False
    )

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}


class RecordCheckForm(BootstrapMixin, forms.Form):
    """检查: pass the record, or return it with a comment (the service requires the comment for 退回)."""

    action = forms.ChoiceField(
        label=_("检查结果"),
        choices=[
            (CheckAction.CHECK, CheckAction.CHECK.label),
            (CheckAction.RETURN, CheckAction.RETURN.label),
        ],
    )
    comment = forms.CharField(
        label=_("检查意见"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
