"""Pages for assessment (组织考核): schemes, computing with a progress bar, the scorecard with rankings and
the diff from the previous version, a score with its evidence, adjusting a grade, publishing."""

from functools import partial

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacesetter.campaigns.selectors import campaign_list_for
from pacesetter.core.downloads import xlsx_download
from pacesetter.core.errors import ApplicationError, PermissionDeniedError
from pacesetter.core.forms import button_redirect, pick, refusals_flashed, refusals_on, success_redirect
from pacesetter.core.paging import paginate
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.selectors import member_get_for, org_get_for, org_resolve_for, scope_q

from . import selectors, services
from .enums import ScorecardStatus, Subject
from .exporters import scorecard_workbook
from .forms import AdjustForm, ItemForm, ReviewForm, SchemeForm, SubjectForm
from .rules import can_adjust_score, can_manage_scheme, can_request_review
from .sources import REGISTRY

PER_PAGE = 50


def scheme_list(request):
    return render(
        request,
        "assessment/scheme_list.html",
        {"schemes": selectors.scheme_list_for(request.user)},
    )


def _campaigns(user):
    return campaign_list_for(user).filter(scope_q(user, Cap.ASSESSMENT_MANAGE, "organisation__path"))


def scheme_create(request):
    sf = SubjectForm(request.GET)
    subject = sf.cleaned_data["subject"] if sf.is_valid() and sf.cleaned_data["subject"] else Subject.ORG
    form = SchemeForm(request.POST or None, subject=subject, campaigns=_campaigns(request.user))
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            scheme = services.scheme_create(
                actor=request.user,
                campaign=form.cleaned_data["campaign"],
                subject=subject,
                **form.service_kwargs(),
            )
            return success_redirect(request, _("考核方案已保存"), "assessment:scheme-detail", scheme.pk)
    return render(request, "assessment/scheme_form.html", {"form": form, "subject": subject, "scheme": None})


def scheme_edit(request, pk):
    scheme = selectors.scheme_get_for(request.user, pk)
    form = SchemeForm(request.POST or None, subject=scheme.subject, campaigns=None, scheme=scheme)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            services.scheme_update(actor=request.user, scheme=scheme, **form.service_kwargs())
            return success_redirect(request, _("考核方案已保存"), "assessment:scheme-detail", scheme.pk)
    return render(
        request, "assessment/scheme_form.html", {"form": form, "subject": scheme.subject, "scheme": scheme}
    )


def scheme_detail(request, pk):
    scheme = selectors.scheme_get_for(request.user, pk)
    return render(
        request,
        "assessment/scheme_detail.html",
        {
            "scheme": scheme,
            "sources": [(s, REGISTRY.get(s.key)) for s in scheme.sources.all()],
            "lines": list(scheme.grade_lines.all()),
            "items": list(scheme.items.select_related("organisation__parent", "member")),
            "scorecards": list(selectors.scorecard_list(scheme, request.user)),
            "can_manage": can_manage_scheme(request.user, scheme),
            "item_form": ItemForm(),
        },
    )


@require_POST
def scheme_compute(request, pk):
    scheme = selectors.scheme_get_for(request.user, pk)
    try:
        sc = services.scorecard_compute(actor=request.user, scheme=scheme)
    except PermissionDeniedError:
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("assessment:scheme-detail", scheme.pk)
    return success_redirect(
        request, _("已开始计算第 %(v)d 版") % {"v": sc.version}, "assessment:scorecard-detail", sc.pk
    )


@require_POST
def item_add(request, pk):
    scheme = selectors.scheme_get_for(request.user, pk)
    form = ItemForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("assessment:scheme-detail", scheme.pk)
    with refusals_flashed(request, permission_too=False):
        org = org_resolve_for(request.user, form.cleaned_data["organisation"], cap=Cap.ASSESSMENT_VIEW)
        member_id = form.cleaned_data["member"]
        member = member_get_for(request.user, member_id) if member_id else None
        services.item_add(
            actor=request.user,
            scheme=scheme,
            organisation=org,
            member=member,
            **pick(form.cleaned_data, "points", "reason"),
        )
        messages.success(request, _("已添加加减分项"))
    return redirect("assessment:scheme-detail", scheme.pk)


def _scorecard_context(request, sc):
    org = (
        org_get_for(request.user, request.GET["org"], cap=Cap.ASSESSMENT_VIEW)
        if request.GET.get("org")
        else None
    )
    scores = selectors.score_list_for(request.user, sc, org=org)
    return {
        "scorecard": sc,
        "scheme": sc.scheme,
        "org": org,
        "page": paginate(request, scores, PER_PAGE),
        "counts": selectors.grade_counts(sc),
        "diff": selectors.scorecard_diff(sc),
        "previous": sc.previous,
        "ranking": _with_openable(
            request.user, sc, selectors.ranking(sc, parent=org or sc.scheme.campaign.organisation, limit=20)
        ),
        "can_manage": can_manage_scheme(request.user, sc.scheme),
    }


def _with_openable(user, sc, ranking):
    """Mark the ranked scores the user may open (a branch secretary reads the ranking of every district
    but opens only the scores in their own scope), in one query."""
    rows = list(ranking)
    manages = can_manage_scheme(user, sc.scheme)
    visible = selectors.score_list_for(user, sc).filter(pk__in=[s.pk for s in rows])
    openable = set(visible.values_list("pk", flat=True))
    for s in rows:
        s.openable = manages or s.pk in openable
    return rows


def scorecard_detail(request, pk):
    sc = selectors.scorecard_get_for(request.user, pk)
    return render(request, "assessment/scorecard_detail.html", _scorecard_context(request, sc))


def scorecard_progress(request, pk):
    sc = selectors.scorecard_get_for(request.user, pk)
    if sc.status != ScorecardStatus.COMPUTING:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "assessment/_progress.html", {"scorecard": sc})


@require_POST
def scorecard_publish(request, pk):
    sc = selectors.scorecard_get_for(request.user, pk)
    publish = partial(services.scorecard_publish, actor=request.user, scorecard=sc)
    return button_redirect(
        request,
        publish,
        _("考核结果已公布，方案已锁定"),
        "assessment:scorecard-detail",
        sc.pk,
        permission_too=False,
    )


def scorecard_export(request, pk):
    sc = selectors.scorecard_get_for(request.user, pk)
    scores = selectors.score_list_for(request.user, sc).iterator(chunk_size=2000)
    return xlsx_download(scorecard_workbook(sc, scores), f"assessment-{sc.scheme_id}-v{sc.version}.xlsx")


def score_detail(request, pk):
    score = selectors.score_get_for(request.user, pk)
    form = AdjustForm(subject=score.scorecard.scheme.subject, initial={"grade": score.grade})
    return render(request, "assessment/score_detail.html", _score_context(request, score, form))


def _score_context(request, score, form, review_form=None):
    return {
        "score": score,
        "scorecard": score.scorecard,
        "scheme": score.scorecard.scheme,
        "evidence": selectors.score_evidence(score),
        "peers": selectors.peer_ranking(score.scorecard, score) if score.member_id is None else None,
        "history": selectors.score_history(score),
        "radar": selectors.score_radar(score),
        "can_adjust": score.scorecard.status == ScorecardStatus.COMPUTED
        and can_adjust_score(request.user, score),
        "form": form,
        "review_form": review_form or ReviewForm(),
        "can_review": score.scorecard.status == ScorecardStatus.PUBLISHED
        and can_request_review(request.user, score),
        "review_deadline": services.review_deadline(score),
    }


def score_adjust(request, pk):
    score = selectors.score_get_for(request.user, pk)
    form = AdjustForm(request.POST or None, subject=score.scorecard.scheme.subject)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            services.score_adjust(
                actor=request.user, score=score, **pick(form.cleaned_data, "grade", "reason")
            )
            return success_redirect(request, _("等次已调整"), "assessment:score-detail", score.pk)
    return render(request, "assessment/score_detail.html", _score_context(request, score, form))


def my_scores(request):
    """A member's own published grades (member grades are shown only to the member and the branch up)."""
    return render(request, "assessment/my_scores.html", {"scores": selectors.my_score_list_for(request.user)})


def _district_columns() -> list[tuple[str, str, str, int | None]]:
    """(key, header, rule, footnote number) per indicator: the rule is the header's tooltip and a footnote."""
    columns, n = [], 0
    for key, label in selectors.DISTRICT_INDICATORS:
        rule = selectors.DISTRICT_RULES.get(key)
        if rule:
            n += 1
        columns.append((key, str(label), str(rule or ""), n if rule else None))
    return columns


def district_ranking(request):
    """创先争优活动也要创先争优: the organisations under the chosen one ranked by how they run the campaign."""
    from pacesetter.progress.selectors import progress_scope

    campaigns, campaign, org = progress_scope(
        request.user, request.GET.get("campaign"), request.GET.get("org")
    )
    rows = selectors.district_ranking(campaign=campaign, org=org) if campaign is not None else []
    return render(
        request,
        "assessment/district_ranking.html",
        {
            "campaigns": campaigns,
            "campaign": campaign,
            "org": org,
            "rows": rows,
            "indicators": _district_columns(),
        },
    )


def score_review(request, pk):
    """复核: the assessed asks for a review of a published grade (a case on the case engine)."""
    score = selectors.score_get_for(request.user, pk)
    review_form = ReviewForm(request.POST or None)
    if request.method == "POST" and review_form.is_valid():
        with refusals_on(review_form):
            case = services.review_request(
                actor=request.user, score=score, text=review_form.cleaned_data["text"]
            )
            message = _("复核申请已提交，编号 %(n)s") % {"n": case.number}
            return success_redirect(request, message, "assessment:score-detail", score.pk)
    form = AdjustForm(subject=score.scorecard.scheme.subject, initial={"grade": score.grade})
    return render(request, "assessment/score_detail.html", _score_context(request, score, form, review_form))
