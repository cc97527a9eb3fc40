"""Signed-in pages for evaluations: set up and run rounds, codes, paper entry, results, peer ballots, cases."""

import re

from django.conf import settings
from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pacesetter.core.downloads import docx_download, xlsx_download
from pacesetter.core.errors import ApplicationError, NotFoundError
from pacesetter.core.forms import pick, refusals_on, success_redirect
from pacesetter.core.paging import paginate
from pacesetter.orgs.selectors import org_resolve_for

from . import services
from .documents import report_docx, results_workbook, slips_docx
from .enums import (
    PUBLIC_BALLOT_MAX_ANSWERS,
    ROUND_TRANSITIONS,
    Channel,
    GroupKind,
    GroupMode,
    RoundKind,
    RoundStatus,
    Scale,
    SuggestionStatus,
)
from .forms import (
    CaseAnswerForm,
    CodesForm,
    RoundEditForm,
    RoundForm,
    answers_from_post,
    ballot_rows,
    question_rows,
)
from .models import SUGGESTION_MAX_CHARS, RaterGroup
from .results import results_page, round_results
from .rules import MANAGE_CAP, can_enter_paper_ballots, can_manage_round, can_reopen_round, can_view_round
from .selectors import (
    ballot_form,
    case_get_for,
    case_list_for,
    member_may_vote,
    member_pending_targets,
    member_round_list_for,
    member_round_progress_for,
    round_get_for,
    round_list_for,
    round_organisation_options_for,
    suggestion_page_for,
)

PER_PAGE = 20
SUGGESTIONS_PER_PAGE = 100
CODES_COOKIE = "codes_download"
CODES_TOKEN = re.compile(r"[A-Za-z0-9]{8,32}")

# What each status button does, asked before it is done: (from, to) → the question.
TRANSITION_CONFIRM = {
    (RoundStatus.DRAFT, RoundStatus.TRIAL): gettext_lazy(
        "试运行期间可以用评议码和党员账号试投，试投的票不计入结果。确定开始试运行？"
    ),
    (RoundStatus.DRAFT, RoundStatus.OPEN): gettext_lazy(
        "开始后评议人即可正式投票；收到第一份正式选票后，评议内容和答案选项不能再修改。确定开始评议？"
    ),
    (RoundStatus.TRIAL, RoundStatus.OPEN): gettext_lazy(
        "正式开始时全部试投的票清除、评议码恢复可用；收到第一份正式选票后，评议内容和答案选项不能再修改。确定正式开始？"
    ),
    (RoundStatus.TRIAL, RoundStatus.DRAFT): gettext_lazy(
        "改回草稿后不能再试投，可以继续修改设置。确定改回草稿？"
    ),
    (RoundStatus.OPEN, RoundStatus.CLOSED): gettext_lazy(
        "结束后不能再投票，将公布回执汇总摘要并标出满意度过低的对象。确定结束？"
    ),
    (RoundStatus.CLOSED, RoundStatus.OPEN): gettext_lazy(
        "重新开放后回执汇总摘要作废、结果撤回公开，评议人可以继续投票。确定重新开放？"
    ),
}


def round_list(request):
    page = paginate(request, round_list_for(request.user, status=request.GET.get("status") or None), PER_PAGE)
    from pacesetter.orgs.selectors import has_cap

    return render(
        request,
        "evaluations/round_list.html",
        {"page": page, "can_create": has_cap(request.user, MANAGE_CAP), "statuses": RoundStatus.choices},
    )


def _warn_if_too_long(request, round_) -> None:
    round_.refresh_from_db(fields=["version"])
    form = ballot_form(round_)
    if form.too_long_for_public:
        messages.warning(
            request,
            _(
                "群众评议表有 %(n)s 个必答项，群众在手机上很难答完（建议不超过 %(max)s 项），请考虑减少评议对象或内容"
            )
            % {"n": form.answers_required, "max": PUBLIC_BALLOT_MAX_ANSWERS},
        )


def _survey_initial(request) -> dict:
    """?kind=survey&criteria_set=&organisation= (from the local-standards page): a 具体标准征询问卷 of the
    organisation's own members on that standard, one rater group, signed in."""
    raw = request.GET.get("criteria_set", "")
    if request.GET.get("kind") != RoundKind.SURVEY or not (raw.isdigit() and len(raw) < 10):
        return {}
    org_name = request.GET.get("organisation", "")[:200]
    initial = {
        "kind": RoundKind.SURVEY,
        "criteria_set": raw,
        "organisation": org_name,
        "name": _("%(o)s具体标准征询问卷") % {"o": org_name.rsplit("/", 1)[-1].strip()},
        "g1_name": _("党员"),
        "g1_kind": GroupKind.MEMBERS,
        "g1_weight": 100,
        "g1_mode": GroupMode.MEMBERS,
    }
    for i in range(2, 5):
        initial |= {f"g{i}_name": "", f"g{i}_weight": ""}
    return initial


def round_create(request):
    form = RoundForm(request.POST or None, user=request.user, initial=_survey_initial(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusals_on(form, permission_too=True):
            org = org_resolve_for(request.user, data["organisation"], cap=MANAGE_CAP)
            round_ = services.round_set_up(
                actor=request.user,
                organisation=org,
                **pick(
                    data,
                    "target_mode",
                    "campaign",
                    "criteria_set",
                    "opens_at",
                    "closes_at",
                    "name",
                    "kind",
                    "scale",
                ),
                groups=form.groups(),
                k_min=data["k_min"],
                satisfaction_threshold=data["satisfaction_threshold"],
                grade_thresholds=form.grade_thresholds(),
            )
            messages.success(request, _("已新建评议“%(n)s”（草稿）") % {"n": round_.name})
            _warn_if_too_long(request, round_)
            return redirect("evaluations:round-detail", round_.pk)
    return render(
        request,
        "evaluations/round_form.html",
        {
            "form": form,
            "group_kinds": GroupKind.choices,
            "group_modes": GroupMode.choices,
            "org_options": round_organisation_options_for(request.user),
        },
    )


def round_detail(request, pk):
    round_ = round_get_for(request.user, pk)
    form = ballot_form(round_)
    groups = list(
        RaterGroup.objects.filter(round=round_)
        .annotate(issued=Count("codes"), spent=Count("codes", filter=Q(codes__spent=True)))
        .order_by("order", "id")
    )
    return render(
        request,
        "evaluations/round_detail.html",
        {
            "round": round_,
            "form": form,
            "groups": groups,
            "can_manage": can_manage_round(request.user, round_),
            "can_reopen": can_reopen_round(request.user, round_),
            "transitions": [
                (s, RoundStatus(s).label, TRANSITION_CONFIRM.get((round_.status, s), ""))
                for s in sorted(ROUND_TRANSITIONS[round_.status])
            ],
            "codes_form": CodesForm(),
            "max_public_answers": PUBLIC_BALLOT_MAX_ANSWERS,
            "codes_cookie": CODES_COOKIE,
        },
    )


def round_edit(request, pk):
    """Correct a round's settings before it opens; once open, move its deadline."""
    round_ = round_get_for(request.user, pk, cap=MANAGE_CAP)
    if round_.status == RoundStatus.CLOSED:
        messages.error(request, _("评议已结束，不能修改；如需重新开放，请联系活动办公室"))
        return redirect("evaluations:round-detail", round_.pk)
    form = RoundEditForm(request.POST or None, round_=round_)
    groups = list(RaterGroup.objects.filter(round=round_).order_by("order", "id"))
    for g in groups:
        g.posted = request.POST.get(f"w{g.pk}", g.weight) if request.method == "POST" else g.weight
    if request.method == "POST" and form.is_valid():
        weights = None if form.open_only else {g.pk: g.posted for g in groups}
        with refusals_on(form, permission_too=True):
            services.round_update(actor=request.user, round_=round_, weights=weights, **form.changes())
            return success_redirect(request, _("评议设置已保存"), "evaluations:round-detail", round_.pk)
    return render(
        request,
        "evaluations/round_edit.html",
        {"round": round_, "form": form, "groups": groups},
        status=422 if form.errors else 200,
    )


def round_questions(request, pk):
    """Edit what is asked (and the answer scale) until the first real ballot freezes it."""
    round_ = round_get_for(request.user, pk, cap=MANAGE_CAP)
    if round_.questions_locked or round_.status == RoundStatus.CLOSED:
        messages.error(request, _("已有正式选票，评议内容和答案选项已冻结，不能修改"))
        return redirect("evaluations:round-detail", round_.pk)
    current = [
        {"text": q.text, "hint": q.hint, "weight": q.weight} for q in round_.questions.order_by("position")
    ]
    rows = question_rows(request.POST if request.method == "POST" else None, current)
    error, status = None, 200
    if request.method == "POST":
        try:
            services.round_questions_set(
                actor=request.user,
                round_=round_,
                questions=[{k: r[k] for k in ("text", "hint", "weight")} for r in rows],
                scale=request.POST.get("scale") or None,
            )
        except ApplicationError as exc:
            error, status = exc, exc.status
            for r in rows:  # the service names the row as the user sees it: q<row>_<text|weight>
                if exc.field in (f"q{r['i']}_text", f"q{r['i']}_weight"):
                    r["bad"] = exc.field.split("_", 1)[1]
        else:
            messages.success(request, _("评议内容已保存"))
            _warn_if_too_long(request, round_)
            return redirect("evaluations:round-detail", round_.pk)
    return render(
        request,
        "evaluations/round_questions.html",
        {
            "round": round_,
            "rows": rows,
            "scales": Scale.choices,
            "scale": request.POST.get("scale", round_.scale),
            "error": error,
        },
        status=status,
    )


@require_POST
def round_transition(request, pk):
    round_ = round_get_for(request.user, pk, cap=MANAGE_CAP)
    to_status = request.POST.get("to", "")
    if to_status not in RoundStatus.values:
        raise NotFoundError()
    services.round_transition(actor=request.user, round_=round_, to_status=to_status)
    message = _("评议状态已改为“%(s)s”") % {"s": RoundStatus(to_status).label}
    return success_redirect(request, message, "evaluations:round-detail", round_.pk)


@require_POST
def round_publish(request, pk):
    round_ = round_get_for(request.user, pk, cap=MANAGE_CAP)
    published = request.POST.get("published", "1") == "1"
    services.round_publish(actor=request.user, round_=round_, published=published)
    message = _("评议结果已公开") if published else _("已撤回公开")
    return success_redirect(request, message, "evaluations:round-results", round_.pk)


@require_POST
def round_codes(request, pk):
    """Generate codes and return the slips: the only time the clear codes are ever shown."""
    round_ = round_get_for(request.user, pk, cap=MANAGE_CAP)
    form = CodesForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写 1–5000 之间的数量"))
        return redirect("evaluations:round-detail", round_.pk)
    group = RaterGroup.objects.filter(round=round_, pk=form.cleaned_data["group"]).first()
    if group is None:
        raise NotFoundError()
    codes = services.codes_generate(
        actor=request.user, round_=round_, group=group, count=form.cleaned_data["count"]
    )
    response = docx_download(
        # The printed address is the one the clerk reached the site at, unless the deployment names one.
        slips_docx(round_, group.name, codes, site=settings.SITE_URL or request.build_absolute_uri("/")),
        f"ballot-codes-{round_.pk}-{group.pk}.docx",
    )
    response["Cache-Control"] = "no-store"
    # The page stays put under a download; its script waits for this cookie, then reloads to show the
    # new counts (and this message). Without the script the message shows on the next page.
    token = request.POST.get("download_token", "")
    if CODES_TOKEN.fullmatch(token):
        response.set_cookie(CODES_COOKIE, token, max_age=120, samesite="Lax")
    messages.success(
        request,
        _("已为“%(g)s”生成 %(n)d 个评议码；纸条只在这一次下载中提供，请妥善保管")
        % {"g": group.name, "n": len(codes)},
    )
    return response


def round_paper(request, pk):
    """纸质测评表 typed in by a clerk, or a ballot filled in with a rater who is present (协助录入)."""
    round_ = round_get_for(request.user, pk, cap=MANAGE_CAP)
    if not can_enter_paper_ballots(request.user, round_):
        raise NotFoundError()
    form = ballot_form(round_)
    errors, receipt, status, missing = [], None, 200, set()
    channel = request.POST.get("channel") or request.GET.get("channel") or Channel.PAPER
    if request.method == "POST":
        try:
            receipt = services.ballot_enter_paper(
                actor=request.user,
                round_=round_,
                code=request.POST.get("code", ""),
                answers=answers_from_post(request.POST, form, form.targets),
                channel=channel,
            )
        except ApplicationError as exc:
            errors, status = [str(exc.message)], exc.status
            missing = {d.get("field") for d in exc.details} | {exc.field}
        else:
            if channel == Channel.ASSISTED:
                messages.success(
                    request, _("已协助录入一份测评表，回执：%(r)s（可告知评议人，用于核对）") % {"r": receipt}
                )
            else:
                messages.success(request, _("已录入一份纸质测评表，回执：%(r)s") % {"r": receipt})
            return redirect(f"{reverse('evaluations:round-paper', args=[round_.pk])}?channel={channel}")
    return render(
        request,
        "evaluations/paper_entry.html",
        {
            "round": round_,
            "rows": ballot_rows(form, form.targets, request.POST, missing),
            "errors": errors,
            "code": request.POST.get("code", ""),
            "channel": channel,
            "channels": [(c, Channel(c).label) for c in services.ENTERED_CHANNELS],
        },
        status=status,
    )


def round_results_page(request, pk):
    round_ = round_get_for(request.user, pk)
    return render(
        request,
        "evaluations/round_results.html",
        {
            "round": round_,
            **results_page(round_),
            "can_manage": can_manage_round(request.user, round_),
            "public": False,
        },
    )


def _sealed(request, results) -> bool:
    if results.sealed:
        messages.error(request, _("评议进行中，结果在评议结束后才能导出"))
    return results.sealed


def round_export(request, pk):
    round_ = round_get_for(request.user, pk)
    results = round_results(round_)
    if _sealed(request, results):
        return redirect("evaluations:round-results", round_.pk)
    return xlsx_download(results_workbook(results), f"evaluation-{round_.pk}-results.xlsx")


def round_report(request, pk):
    round_ = round_get_for(request.user, pk)
    results = round_results(round_)
    if _sealed(request, results):
        return redirect("evaluations:round-results", round_.pk)
    return docx_download(report_docx(results), f"evaluation-{round_.pk}-report.docx")


def my_rounds(request):
    return render(request, "evaluations/my_rounds.html", {"rounds": member_round_progress_for(request.user)})


def peer_ballot(request, pk):
    """党员互评: a signed-in member rates the peers they have not yet rated, never themselves."""
    round_ = next((r for r in member_round_list_for(request.user) if str(r.pk) == str(pk)), None)
    member = member_may_vote(request.user, round_) if round_ is not None else None
    if member is None:
        raise NotFoundError(_("没有可参加的评议，或评议不在投票时间内"))
    form = ballot_form(round_)
    targets = member_pending_targets(request.user, round_, member)
    errors, receipts, status, missing = [], None, 200, set()
    if request.method == "POST":
        try:
            receipts = services.ballot_cast_member(
                actor=request.user,
                round_=round_,
                answers=answers_from_post(request.POST, form, targets),
                suggestion=request.POST.get("suggestion", ""),
            )
        except ApplicationError as exc:
            errors, status = [str(exc.message)], exc.status
            missing = {d.get("field") for d in exc.details} | {exc.field}
    if receipts:
        return render(
            request,
            "evaluations/receipt.html",
            {"round": round_, "receipts": receipts, "public": False, "trial": round_.status == "trial"},
        )
    return render(
        request,
        "evaluations/peer_ballot.html",
        {
            "round": round_,
            "rows": ballot_rows(form, targets, request.POST, missing),
            "errors": errors,
            "suggestion": request.POST.get("suggestion", ""),
            "suggestion_error": "suggestion" in missing,
            "suggestion_max": SUGGESTION_MAX_CHARS,
        },
        status=status,
    )


def case_list(request):
    page = paginate(request, case_list_for(request.user), PER_PAGE)
    # A case is scoped to its unit; the round may be run above what the user may view.
    viewable = {c.round_id for c in page if can_view_round(request.user, c.round)}
    return render(request, "evaluations/case_list.html", {"page": page, "viewable_rounds": viewable})


def case_answer(request, pk):
    case = case_get_for(request.user, pk)
    form = CaseAnswerForm(
        request.POST or None, initial={"analysis": case.analysis, "measures": case.measures}
    )
    if request.method == "POST" and form.is_valid():
        with refusals_on(form, permission_too=True):
            services.case_answer(actor=request.user, case=case, **form.cleaned_data)
            return success_redirect(request, _("已报送原因分析和整改措施"), "evaluations:case-list")
    return render(request, "evaluations/case_answer.html", {"case": case, "form": form})


def round_suggestions(request, pk):
    """意见建议 of a round: sealed while it runs, reviewed by the office after the close, then released."""
    round_ = round_get_for(request.user, pk)
    page = suggestion_page_for(request.user, round_)
    return render(
        request,
        "evaluations/round_suggestions.html",
        {
            "round": round_,
            "page": page,
            "rows": paginate(request, page.rows, SUGGESTIONS_PER_PAGE),
            "k": settings.EVALUATION_SUGGESTION_K,
            "statuses": SuggestionStatus.choices,
        },
    )


@require_POST
def round_suggestions_review(request, pk):
    round_ = round_get_for(request.user, pk)
    try:
        n = services.suggestions_review(
            actor=request.user,
            round_=round_,
            ids=request.POST.getlist("ids"),
            to_status=request.POST.get("status", ""),
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("已审阅 %(n)d 条意见建议") % {"n": n})
    return redirect("evaluations:round-suggestions", round_.pk)


@require_POST
def round_suggestions_release(request, pk):
    round_ = round_get_for(request.user, pk)
    services.suggestions_release(actor=request.user, round_=round_)
    return success_redirect(request, _("意见建议已发布"), "evaluations:round-suggestions", round_.pk)
