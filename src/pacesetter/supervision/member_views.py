"""Pages for 党员点评 and 集中点评 (#19 part 1): thin — parse, call one service or selector, render."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pacesetter.core.errors import NotFoundError
from pacesetter.core.forms import BootstrapMixin, form_page, pick, refusals_on, success_redirect
from pacesetter.core.paging import paginate
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.selectors import member_get_for, org_get_for

from . import member_reviews as mr
from . import services
from .enums import Rating, SessionCoverage, SessionStatus
from .member_reviews import (
    can_review_member,
    can_run_session,
    member_review_get_for,
    member_review_list_for,
    session_get_for,
    session_list_for,
)
from .models import MemberReview
from .selectors import manage_roots_for


class MemberReviewForm(BootstrapMixin, forms.Form):
    achievements = forms.CharField(label=gettext_lazy("肯定成绩"), widget=forms.Textarea(attrs={"rows": 3}))
    problems = forms.CharField(label=gettext_lazy("指出问题"), widget=forms.Textarea(attrs={"rows": 3}))
    direction = forms.CharField(label=gettext_lazy("努力方向"), widget=forms.Textarea(attrs={"rows": 3}))
    rating = forms.ChoiceField(label=gettext_lazy("总体评价"), choices=Rating.choices)


class SessionForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=gettext_lazy("会议名称"), max_length=200)
    held_on = forms.DateField(label=gettext_lazy("会议日期"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=gettext_lazy("地点"), max_length=200, required=False)
    attendees = forms.CharField(
        label=gettext_lazy("参会人员"),
        help_text=gettext_lazy("每行一人：姓名 单位职务；缺席者在姓名前加“-”"),
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class CloseForm(BootstrapMixin, forms.Form):
    summary = forms.CharField(
        label=gettext_lazy("会议小结"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


def _session_param(request):
    raw = request.GET.get("session") or request.POST.get("session") or ""
    return session_get_for(request.user, raw) if raw else None


# ---------------------------------------------------------------- member reviews


def member_review_list(request):
    org = org_get_for(request.user, request.GET["org"]) if request.GET.get("org") else None
    page = paginate(request, member_review_list_for(request.user, org=org))
    return render(request, "supervision/member_review_list.html", {"page": page, "org": org})


def member_review_create(request, member_id):
    member = member_get_for(request.user, member_id, cap=Cap.MEMBER_REVIEW)
    session = _session_param(request)
    if session is None and not can_review_member(request.user, member):
        raise NotFoundError(_("您不能点评该党员"))
    form = MemberReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            review = mr.member_review_file(
                actor=request.user, member=member, session=session, **form.cleaned_data
            )
            messages.success(request, _("已点评%(name)s") % {"name": member.name})
            if session is not None:
                return redirect("supervision:session-detail", session.pk)
            return redirect("supervision:member-review-detail", review.pk)
    return form_page(
        request,
        "supervision/member_review_form.html",
        {
            "member": member,
            "form": form,
            "session": session,
            "snapshot": mr.commitment_snapshot(member),
        },
    )


def member_review_detail(request, pk):
    review = member_review_get_for(request.user, pk)
    return render(
        request,
        "supervision/member_review_detail.html",
        {
            "review": review,
            "can_acknowledge": review.member.user_id == request.user.pk and review.acknowledged_at is None,
        },
    )


@require_POST
def member_review_acknowledge(request, pk):
    review: MemberReview = member_review_get_for(request.user, pk)
    mr.member_review_acknowledge(actor=request.user, review=review)
    return success_redirect(request, _("已阅知"), "supervision:member-review-detail", review.pk)


# ---------------------------------------------------------------- 集中点评 sessions


def session_list(request):
    page = paginate(request, session_list_for(request.user))
    return render(request, "supervision/session_list.html", {"page": page})


def session_create(request):
    org_id = request.GET.get("org") or request.POST.get("org") or ""
    org = org_get_for(request.user, org_id, cap=Cap.MEMBER_REVIEW) if org_id else None
    roots = manage_roots_for(request.user, Cap.MEMBER_REVIEW)
    if org is None and roots:
        org = roots[0]
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if org is None:
            raise NotFoundError()
        d = form.cleaned_data
        with refusals_on(form):
            session = mr.session_convene(
                actor=request.user,
                org=org,
                **pick(d, "title", "held_on", "place"),
                attendees=d["attendees"].splitlines(),
            )
            message = _("集中点评已登记，可逐一点评")
            return success_redirect(request, message, "supervision:session-detail", session.pk)
    return form_page(request, "supervision/session_form.html", {"form": form, "org": org, "roots": roots})


def session_detail(request, pk):
    session = session_get_for(request.user, pk)
    runs = session.status == SessionStatus.OPEN and can_run_session(request.user, session)
    return render(
        request,
        "supervision/session_detail.html",
        {
            "session": session,
            "attendees": list(session.attendees.all()),
            "org_reviews": list(session.org_reviews.select_related("organisation").order_by("id")),
            "member_reviews": list(member_review_list_for(request.user, session=session).order_by("id")),
            "runs": runs,
            "orgs": mr.session_org_candidates(session) if runs else [],
            "members": mr.session_member_candidates(session) if runs else [],
            "close_form": CloseForm(),
            "review_form": MemberReviewForm(),
        },
    )


@require_POST
def session_attendance(request, pk):
    session = session_get_for(request.user, pk)
    mr.session_set_attendance(
        actor=request.user, session=session, present_ids=request.POST.getlist("present")
    )
    return success_redirect(request, _("出席情况已保存"), "supervision:session-detail", session.pk)


def session_review_org(request, pk, org_id):
    session = session_get_for(request.user, pk)
    org = org_get_for(request.user, org_id)
    form = MemberReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            services.review_file(actor=request.user, org=org, session=session, **form.cleaned_data)
            message = _("已点评%(org)s") % {"org": org.name}
            return success_redirect(request, message, "supervision:session-detail", session.pk)
    return form_page(
        request, "supervision/session_review_form.html", {"session": session, "org": org, "form": form}
    )


@require_POST
def session_close(request, pk):
    session = session_get_for(request.user, pk)
    form = CloseForm(request.POST)
    form.is_valid()
    mr.session_close(actor=request.user, session=session, summary=form.cleaned_data.get("summary", ""))
    return success_redirect(request, _("集中点评已结束"), "supervision:session-detail", session.pk)


def session_check(request):
    """每半年至少一次集中点评: the organisations followed, overdue first."""
    org = (
        org_get_for(request.user, request.GET["org"], cap=Cap.PROGRESS_VIEW)
        if request.GET.get("org")
        else None
    )
    rows = mr.session_coverage_for(request.user, org=org)
    counts = mr.coverage_counts(rows)
    state = request.GET.get("state", "")
    if state in SessionCoverage.values:
        rows = [r for r in rows if r.state == state]
    order = {SessionCoverage.OVERDUE: 0, SessionCoverage.PENDING: 1, SessionCoverage.COVERED: 2}
    rows.sort(key=lambda r: (order[r.state], r.organisation.path))
    return render(
        request,
        "supervision/session_check.html",
        {"rows": rows[:500], "counts": counts, "org": org, "state": state, "states": SessionCoverage.choices},
    )
