"""Forms for setting up a round, generating codes and answering a low-satisfaction case; ballot parsing."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pacesetter.campaigns.models import Campaign, CriteriaSet
from pacesetter.orgs.selectors import scope_for

from .enums import GroupKind, GroupMode, RoundKind, Scale
from .models import K_MAX, K_MIN_FLOOR
from .rules import MANAGE_CAP

DEFAULT_GROUPS = [
    ("领导班子", GroupKind.LEADERS, 30, GroupMode.CODES),
    ("党员", GroupKind.MEMBERS, 40, GroupMode.MEMBERS),
    ("党代表和服务对象", GroupKind.DEPUTIES, 20, GroupMode.CODES),
    ("群众", GroupKind.PUBLIC, 10, GroupMode.CODES),
]
GROUP_ROWS = 5

DT = forms.DateTimeInput(attrs={"type": "datetime-local", "class": "form-control"}, format="%Y-%m-%dT%H:%M")


def _scope_and_above(user) -> set[str]:
    """The paths of the organisations in the user's managing scope or above it (each root's ancestors-or-self)."""
    paths = set()
    for p in scope_for(user, MANAGE_CAP).roots:
        paths.update(p[:i] for i in range(4, len(p) + 1, 4))
    return paths


def criteria_sets_for(user):
    """Criteria sets of campaigns run by an organisation in the user's scope or above it."""
    paths = _scope_and_above(user)
    return CriteriaSet.objects.select_related("campaign").filter(campaign__organisation__path__in=paths)


def campaigns_for(user):
    """Campaigns run by an organisation in the user's scope or above it, newest first."""
    paths = _scope_and_above(user)
    return Campaign.objects.filter(organisation__path__in=paths).order_by("-starts_on", "-id")


def _grade_line(label, initial: int, help_text="") -> forms.IntegerField:
    """An optional score line (分数线, 0–100) of the organisation grading (组织考核) a round sets."""
    return forms.IntegerField(
        label=label, min_value=0, max_value=100, initial=initial, required=False, help_text=help_text
    )


class RoundForm(forms.Form):
    name = forms.CharField(label=_("评议名称"), max_length=200)
    organisation = forms.CharField(label=_("组织单位"), help_text=_("评议在该组织及其下级范围内进行"))
    kind = forms.ChoiceField(label=_("评议类型"), choices=RoundKind.choices)
    target_mode = forms.ChoiceField(
        label=_("评议对象"),
        choices=[("orgs", _("下级党组织")), ("members", _("本组织党员"))],
        widget=forms.RadioSelect,
        initial="orgs",
    )
    campaign = forms.ModelChoiceField(
        label=_("所属活动"),
        queryset=Campaign.objects.none(),
        required=False,
        empty_label=_("不属于某项活动"),
        help_text=_(
            "属于活动的评议须在活动“群众评议”（组织考核为“组织考核”）步骤的时间内；时间留空即取该步骤的时间"
        ),
    )
    criteria_set = forms.ModelChoiceField(
        label=_("评价标准"),
        queryset=CriteriaSet.objects.none(),
        required=False,
        empty_label=_("不用标准项：只评总体满意度"),
    )
    scale = forms.ChoiceField(label=_("答案选项"), choices=Scale.choices)
    opens_at = forms.DateTimeField(
        label=_("开始时间"), widget=DT, input_formats=["%Y-%m-%dT%H:%M"], required=False
    )
    closes_at = forms.DateTimeField(
        label=_("截止时间"), widget=DT, input_formats=["%Y-%m-%dT%H:%M"], required=False
    )
    k_min = forms.IntegerField(
        label=_("最少样本数 k"),
        min_value=K_MIN_FLOOR,
        max_value=K_MAX,
        initial=5,
        help_text=_("某类评议人少于 k 份时不单独显示，权重重新分配"),
    )
    satisfaction_threshold = forms.IntegerField(
        label=_("满意度警戒线（%）"), min_value=0, max_value=100, initial=60
    )
    grade_excellent = _grade_line(
        _("组织考核：优秀分数线"),
        90,
        _("活动有党员考核方案、且评议在方案的考核期内结束的，按方案的分数线评定等次"),
    )
    grade_qualified = _grade_line(_("组织考核：合格分数线"), 75)
    grade_basic = _grade_line(
        _("组织考核：基本合格分数线"),
        60,
        _("综合得分（百分制）达到分数线即为该等次，低于基本合格线为不合格；只用于组织考核"),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria_set"].queryset = criteria_sets_for(user) if user else CriteriaSet.objects.none()
        if user:
            self.fields["campaign"].queryset = campaigns_for(user)
        for name, field in self.fields.items():
            if name == "target_mode":
                continue
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
        for i in range(1, GROUP_ROWS + 1):
            default = (
                DEFAULT_GROUPS[i - 1]
                if i <= len(DEFAULT_GROUPS)
                else ("", GroupKind.PUBLIC, "", GroupMode.CODES)
            )
            self.initial.setdefault(f"g{i}_name", default[0])
            self.initial.setdefault(f"g{i}_kind", default[1])
            self.initial.setdefault(f"g{i}_weight", default[2])
            self.initial.setdefault(f"g{i}_mode", default[3])

    def clean(self):
        data = super().clean()
        cset, campaign = data.get("criteria_set"), data.get("campaign")
        if cset is not None and campaign is not None and cset.campaign_id != campaign.pk:
            self.add_error("criteria_set", _("评价标准不属于所选活动"))
        if not (campaign or cset) and not (data.get("opens_at") and data.get("closes_at")):
            self.add_error("opens_at", _("请填写开始和截止时间（属于活动的评议可留空，取活动步骤的时间）"))
        return data

    def grade_thresholds(self) -> dict:
        data = self.cleaned_data
        return {k: data.get(f"grade_{k}") for k in ("excellent", "qualified", "basic")}

    def group_rows(self):
        """Rows for the template: (index, name, kind, weight, mode) from the POST or the defaults."""
        src = self.data if self.is_bound else self.initial
        return [
            {
                "i": i,
                "name": src.get(f"g{i}_name", ""),
                "kind": src.get(f"g{i}_kind", ""),
                "weight": src.get(f"g{i}_weight", ""),
                "mode": src.get(f"g{i}_mode", ""),
            }
            for i in range(1, GROUP_ROWS + 1)
        ]

    def groups(self) -> list[dict]:
        return [
            {"name": r["name"], "kind": r["kind"], "weight": r["weight"], "mode": r["mode"]}
            for r in self.group_rows()
            if (r["name"] or "").strip()
        ]


class RoundEditForm(forms.Form):
    """A round's settings; once it is open only the deadline stays editable (the rest is shown disabled)."""

    name = forms.CharField(label=_("评议名称"), max_length=200)
    opens_at = forms.DateTimeField(label=_("开始时间"), widget=DT, input_formats=["%Y-%m-%dT%H:%M"])
    closes_at = forms.DateTimeField(label=_("截止时间"), widget=DT, input_formats=["%Y-%m-%dT%H:%M"])
    k_min = forms.IntegerField(label=_("最少样本数 k"), min_value=K_MIN_FLOOR, max_value=K_MAX)
    satisfaction_threshold = forms.IntegerField(label=_("满意度警戒线（%）"), min_value=0, max_value=100)
    grade_excellent = forms.IntegerField(label=_("组织考核：优秀分数线"), min_value=0, max_value=100)
    grade_qualified = forms.IntegerField(label=_("组织考核：合格分数线"), min_value=0, max_value=100)
    grade_basic = forms.IntegerField(label=_("组织考核：基本合格分数线"), min_value=0, max_value=100)

    def __init__(self, *args, round_, **kwargs):
        thresholds = round_.grade_thresholds or {}
        initial = {
            "name": round_.name,
            "opens_at": timezone.localtime(round_.opens_at),
            "closes_at": timezone.localtime(round_.closes_at),
            "k_min": round_.k_min,
            "satisfaction_threshold": round_.satisfaction_threshold,
            **{f"grade_{k}": thresholds.get(k) for k in ("excellent", "qualified", "basic")},
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.open_only = round_.status == "open"
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("class", "form-control")
            if self.open_only and name != "closes_at":
                field.disabled = True  # Django then ignores what is posted for it

    def changes(self) -> dict:
        data = self.cleaned_data
        fields = (
            ("closes_at",)
            if self.open_only
            else ("name", "opens_at", "closes_at", "k_min", "satisfaction_threshold")
        )
        changes = {k: data[k] for k in fields}
        if not self.open_only:
            changes["grade_thresholds"] = {k: data[f"grade_{k}"] for k in ("excellent", "qualified", "basic")}
        return changes


class CodesForm(forms.Form):
    group = forms.IntegerField(widget=forms.HiddenInput)
    count = forms.IntegerField(label=_("数量"), min_value=1, max_value=5000, initial=50)


class CaseAnswerForm(forms.Form):
    analysis = forms.CharField(
        label=_("原因分析"), widget=forms.Textarea(attrs={"rows": 5, "class": "form-control"})
    )
    measures = forms.CharField(
        label=_("整改措施"), widget=forms.Textarea(attrs={"rows": 5, "class": "form-control"})
    )


def answers_from_post(data, form, targets) -> dict:
    """{target_id: {position: score | "dk"}} from radio inputs named t<target>_q<position>; blanks left out."""
    answers: dict = {}
    for t in targets:
        row = {}
        for q in form.questions:
            value = data.get(f"t{t.id}_q{q.position}", "")
            if value != "":
                row[q.position] = value
        answers[t.id] = row
    return answers


def ballot_rows(form, targets, data=None, missing=frozenset()) -> list[dict]:
    """What the ballot template draws: per target, per question, the options and what was chosen."""
    data = data or {}
    options = [(str(o.score), o.label) for o in form.options] + [("dk", "不了解")]
    rows = []
    for t in targets:
        questions = []
        for q in form.questions:
            name = f"t{t.id}_q{q.position}"
            questions.append(
                {
                    "name": name,
                    "text": q.text,
                    "hint": q.hint,
                    "selected": data.get(name, ""),
                    "missing": name in missing,
                    "options": options,
                }
            )
        rows.append({"target": t, "questions": questions})
    return rows


def question_rows(data, current: list[dict]) -> list[dict]:
    """Rows for the question editor: the posted values, else the current questions, padded to the maximum."""
    from .models import MAX_QUESTIONS

    rows = []
    for i in range(1, MAX_QUESTIONS + 1):
        if data is not None:
            row = {k: data.get(f"q{i}_{k}", "") for k in ("text", "hint", "weight")}
        elif i <= len(current):
            row = dict(current[i - 1])
        else:
            row = {"text": "", "hint": "", "weight": ""}
        rows.append({"i": i, **row})
    return rows
