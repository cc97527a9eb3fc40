"""Pages for mentoring (老带新), contact households (党员联系户) and reminders: thin — parse, call one service or
selector, render."""

from django import forms
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pacesetter.core.errors import NotFoundError
from pacesetter.core.forms import BootstrapMixin, form_page, pick, refusals_on, success_redirect
from pacesetter.core.paging import paginate
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.models import Organisation
from pacesetter.orgs.selectors import member_get_for, member_list_for, org_get_for, scope_for
from pacesetter.supervision.member_reviews import member_review_list_for

from . import reminders, services
from .enums import MentorKind
from .selectors import (
    household_get_for,
    household_list_for,
    household_notes,
    household_row,
    household_rows,
    mentor_notes,
    mentorship_get_for,
    mentorship_list_for,
    reminder_list_for,
)

MEMBER_CHOICES_MAX = 500


def _member_choices(user):
    rows = member_list_for(user, cap=Cap.MENTORING_MANAGE).order_by("organisation__path", "name")[
        :MEMBER_CHOICES_MAX
    ]
    return [("", "---------")] + [(m.pk, f"{m.name}（{m.organisation.name}）") for m in rows]


class MentorshipForm(BootstrapMixin, forms.Form):
    mentor = forms.TypedChoiceField(label=gettext_lazy("帮带人"), coerce=int)
    mentee = forms.TypedChoiceField(label=gettext_lazy("被帮带人"), coerce=int)
    kind = forms.ChoiceField(label=gettext_lazy("帮带方式"), choices=MentorKind.choices)
    started_on = forms.DateField(
        label=gettext_lazy("开始日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    goals = forms.CharField(
        label=gettext_lazy("帮带目标"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        choices = _member_choices(user)
        self.fields["mentor"].choices = choices
        self.fields["mentee"].choices = choices


class HouseholdForm(BootstrapMixin, forms.Form):
    member = forms.TypedChoiceField(label=gettext_lazy("联系党员"), coerce=int)
    head_name = forms.CharField(label=gettext_lazy("户主姓名"), max_length=50)
    address = forms.CharField(label=gettext_lazy("住址"), max_length=200)
    phone = forms.CharField(label=gettext_lazy("联系电话"), max_length=20, required=False)
    needs = forms.CharField(
        label=gettext_lazy("困难和需求"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = _member_choices(user)


class NoteForm(BootstrapMixin, forms.Form):
    on = forms.DateField(label=gettext_lazy("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    text = forms.CharField(label=gettext_lazy("情况"), widget=forms.Textarea(attrs={"rows": 3}))


def _note_form(data=None):
    return NoteForm(data, initial={"on": timezone.localdate()})


def _followed_page(request, template: str, context: dict, *, note_form=None):
    """A mentorship's or a household's page, with its note form: a refused note comes back on it with 422."""
    context["note_form"] = note_form or _note_form()
    return render(request, template, context, status=422 if note_form is not None else 200)


def _note_post(request, followed, *, write, detail, message: str, url_name: str):
    """The post of a mentorship's (帮带情况) or a household's (走访情况) note form: `write(text, on)` records it, then
    back to the `url_name` page of `followed`; a refused note shows that page (`detail`) again with the form."""
    form = _note_form(request.POST)
    if form.is_valid():
        with refusals_on(form):
            write(form.cleaned_data["text"], form.cleaned_data["on"])
            return success_redirect(request, message, url_name, followed.pk)
    return detail(request, followed.pk, note_form=form)


# ---------------------------------------------------------------- mentoring


def mentorship_list(request):
    page = paginate(request, mentorship_list_for(request.user, status=request.GET.get("status", "")))
    return render(request, "members/mentorship_list.html", {"page": page})


def mentorship_create(request):
    form = MentorshipForm(
        request.POST or None,
        user=request.user,
        initial={"started_on": timezone.localdate(), "mentee": request.GET.get("mentee", "")},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        with refusals_on(form):
            m = services.mentorship_start(
                actor=request.user,
                mentor=member_get_for(request.user, d["mentor"]),
                mentee=member_get_for(request.user, d["mentee"], cap=Cap.MENTORING_MANAGE),
                **pick(d, "kind", "goals", "started_on"),
            )
            return success_redirect(request, _("结对帮带已建立"), "members:mentorship-detail", m.pk)
    return form_page(request, "members/form.html", {"form": form, "title": _("建立结对帮带")})


def mentorship_detail(request, pk, note_form=None):
    m = mentorship_get_for(request.user, pk)
    return _followed_page(
        request,
        "members/mentorship_detail.html",
        {
            "m": m,
            "notes": mentor_notes(m),
            "can_note": m.status == "active" and services.can_note_mentorship(request.user, m),
            "can_end": m.status == "active" and services.can_manage(request.user, m.mentee),
        },
        note_form=note_form,
    )


@require_POST
def mentorship_note(request, pk):
    m = mentorship_get_for(request.user, pk)

    def write(text, on):
        services.mentorship_note(actor=request.user, mentorship=m, text=text, noted_on=on)

    return _note_post(
        request,
        m,
        write=write,
        detail=mentorship_detail,
        message=_("帮带情况已记录"),
        url_name="members:mentorship-detail",
    )


@require_POST
def mentorship_end(request, pk):
    m = mentorship_get_for(request.user, pk)
    services.mentorship_end(actor=request.user, mentorship=m)
    return success_redirect(request, _("结对帮带已结束"), "members:mentorship-detail", m.pk)


# ---------------------------------------------------------------- contact households


def household_list(request):
    page = paginate(request, household_list_for(request.user, status=request.GET.get("status", "")))
    return render(
        request,
        "members/household_list.html",
        {"page": page, "rows": household_rows(request.user, page.items)},
    )


def household_create(request):
    form = HouseholdForm(
        request.POST or None, user=request.user, initial={"member": request.GET.get("member", "")}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        with refusals_on(form):
            h = services.household_add(
                actor=request.user,
                member=member_get_for(request.user, d["member"], cap=Cap.MENTORING_MANAGE),
                **pick(d, "head_name", "address", "phone", "needs"),
            )
            return success_redirect(request, _("联系户已登记"), "members:household-detail", h.pk)
    return form_page(request, "members/form.html", {"form": form, "title": _("登记党员联系户")})


def household_detail(request, pk, note_form=None):
    h = household_get_for(request.user, pk)
    return _followed_page(
        request,
        "members/household_detail.html",
        {
            "row": household_row(request.user, h),
            "h": h,
            "notes": household_notes(h),
            "can_note": h.status == "active" and services.can_note_household(request.user, h),
            "can_end": h.status == "active" and services.can_manage(request.user, h.member),
        },
        note_form=note_form,
    )


@require_POST
def household_note(request, pk):
    h = household_get_for(request.user, pk)

    def write(text, on):
        services.household_note(actor=request.user, household=h, text=text, visited_on=on)

    return _note_post(
        request,
        h,
        write=write,
        detail=household_detail,
        message=_("走访情况已记录"),
        url_name="members:household-detail",
    )


@require_POST
def household_end(request, pk):
    h = household_get_for(request.user, pk)
    services.household_end(actor=request.user, household=h)
    return success_redirect(request, _("已停止联系"), "members:household-detail", h.pk)


# ---------------------------------------------------------------- the member's page


def member_panel(request, member_id):
    """The member's reviews, mentoring and households, loaded into the member's record page."""
    member = member_get_for(request.user, member_id)
    return render(
        request,
        "members/_member_panel.html",
        {
            "member": member,
            "reviews": list(member_review_list_for(request.user, member=member)[:20]),
            "mentorships": list(mentorship_list_for(request.user, member=member)[:20]),
            "households": household_rows(request.user, household_list_for(request.user, member=member)[:50]),
            "can_manage": services.can_manage(request.user, member),
        },
    )


# ---------------------------------------------------------------- reminders


def _reminder_orgs(user) -> list[Organisation]:
    return list(
        Organisation.objects.filter(path__in=scope_for(user, Cap.REMINDER_SEND).roots)
        .select_related("parent")
        .order_by("path")[:50]
    )


def reminder_list(request):
    return render(
        request,
        "members/reminder_list.html",
        {"rows": reminder_list_for(request.user), "orgs": _reminder_orgs(request.user)},
    )


@require_POST
def reminder_send(request):
    org_id = request.POST.get("org", "")
    if not org_id:
        raise NotFoundError()
    org = org_get_for(request.user, org_id, cap=Cap.REMINDER_SEND)
    result = reminders.reminders_send_now(actor=request.user, org=org)
    message = _("已提醒：评议%(e)d人，承诺进展%(c)d人，党性分析%(p)d人（本周期已提醒过的不再重复）") % {
        "e": result.evaluation,
        "c": result.commitment_update,
        "p": result.party_analysis,
    }
    return success_redirect(request, message, "members:reminder-list")
