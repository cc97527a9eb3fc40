"""Page forms for assessment (组织考核): the scheme (one weight and minimum per registered source, one line
per grade), a bonus/penalty item, a grade adjustment."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pacesetter.core.forms import BootstrapMixin

from .enums import DEFAULT_GRADE_LINES, GRADES, WEIGHT_TOTAL, Grade, Subject
from .sources import sources_for

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SchemeForm(BootstrapMixin, forms.Form):
    campaign: forms.ModelChoiceField = forms.ModelChoiceField(label=_("所属活动"), queryset=None)
    name = forms.CharField(label=_("方案名称"), max_length=200)
    period_start = forms.DateField(label=_("考核期起"), widget=DATE)
    period_end = forms.DateField(label=_("考核期止"), widget=DATE)

    def __init__(self, *args, subject: str, campaigns, scheme=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.subject = subject
        self.fields["campaign"].queryset = campaigns  # type: ignore[attr-defined]
        if scheme is not None:
            del self.fields["campaign"]
        self.source_rows = []
        n = len(sources_for(subject))
        existing = {s.key: s for s in scheme.sources.all()} if scheme is not None else {}
        for i, src in enumerate(sources_for(subject)):
            default_weight = WEIGHT_TOTAL // n + (1 if i < WEIGHT_TOTAL % n else 0)
            have = existing.get(src.key)
            self.fields[f"weight_{src.key}"] = forms.IntegerField(
                label=str(src.label),
                min_value=0,
                max_value=WEIGHT_TOTAL,
                initial=have.weight if have else (0 if existing else default_weight),
            )
            self.fields[f"min_{src.key}"] = forms.IntegerField(
                label=_("最少数据量"), min_value=1, max_value=100_000, initial=have.min_count if have else 1
            )
            self.source_rows.append((src, f"weight_{src.key}", f"min_{src.key}"))
        lines = {g.grade: g.min_score for g in scheme.grade_lines.all()} if scheme is not None else {}
        self.line_names = []
        for grade in GRADES[subject][:-1]:
            self.fields[f"line_{grade}"] = forms.DecimalField(
                label=_("“%(g)s”分数线") % {"g": Grade(grade).label},
                min_value=0,
                max_value=100,
                decimal_places=2,
                initial=lines.get(grade, DEFAULT_GRADE_LINES[subject][grade]),
            )
            self.line_names.append(f"line_{grade}")
        if scheme is not None:
            self.initial.update(
                name=scheme.name, period_start=scheme.period_start, period_end=scheme.period_end
            )

    def source_fields(self):
        return [(src, self[w], self[m]) for src, w, m in self.source_rows]

    def line_fields(self):
        return [self[n] for n in self.line_names]

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            "name": d["name"],
            "period_start": d["period_start"],
            "period_end": d["period_end"],
            "sources": {src.key: (d[w], d[m]) for src, w, m in self.source_rows},
            "grade_lines": {g: d[f"line_{g}"] for g in GRADES[self.subject][:-1]},
        }


class SubjectForm(forms.Form):
    subject = forms.ChoiceField(choices=Subject.choices, required=False)


class ItemForm(BootstrapMixin, forms.Form):
    organisation = forms.CharField(label=_("党组织（名称或编号）"), max_length=200)
    member = forms.IntegerField(
        label=_("党员编号（党员考核）"), required=False, min_value=1, max_value=2**31 - 1
    )
    points = forms.DecimalField(label=_("分值（负数为减分）"), max_digits=5, decimal_places=2)
    reason = forms.CharField(label=_("理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class AdjustForm(BootstrapMixin, forms.Form):
    grade = forms.ChoiceField(label=_("调整为"), choices=Grade.choices)
    reason = forms.CharField(
        label=_("调整理由"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, subject: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grade"].choices = [(g, Grade(g).label) for g in GRADES[subject]]  # type: ignore[attr-defined]


class ReviewForm(BootstrapMixin, forms.Form):
    text = forms.CharField(label=_("复核理由"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
