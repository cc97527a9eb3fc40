"""Pages of the points ledger (积分): my account, claims and their review, manual awards, periods and rules
(the office), standings of members in a branch and of organisations at a level, Excel exports."""

from urllib.parse import quote, urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from pacesetter.campaigns.selectors import campaign_list_for
from pacesetter.core.downloads import stored_file, xlsx_download
from pacesetter.core.errors import NotFoundError
from pacesetter.core.forms import refusals_on, success_redirect
from pacesetter.core.paging import MAX_PAGE, Page
from pacesetter.orgs.enums import Cap, Sector
from pacesetter.orgs.selectors import member_for_user, org_get_for, org_in_scope, scope_for

from . import exporters, selectors, services
from .enums import STANDING_RULE, ClaimAction, ClaimStatus, EventType, PeriodAction, RuleAction
from .forms import AwardForm, ClaimForm, DecideForm, PeriodForm, RuleForm
from .rules import can_decide_claim, can_manage_points


def _period(request, member=None):
    pk = request.GET.get("period")
    if pk:
        return selectors.period_get_for(request.user, pk)
    return selectors.current_period_for(request.user, member)


def _account_page(request, member, *, own: bool):
    period = _period(request, member)
    ctx: dict = {
        "member": member,
        "period": period,
        "own": own,
        "periods": selectors.period_list_for(request.user),
    }
    if period is not None:
        ctx["account"] = selectors.account_for(member, period, limit=200)
        if own:
            ctx["claims"] = selectors.claim_list_for(request.user, mine=True).filter(rule__period=period)[:50]
            ctx["can_claim"] = period.is_open and selectors.claimable_rules(period).exists()
    return render(request, "points/account.html", ctx)


def home(request):
    """My points (我的积分): a member's own account; others are sent to what they do here."""
    member = member_for_user(request.user)
    if member is None:
        if selectors.claim_list_for(request.user).exists() or scope_for(request.user, Cap.POINTS_AWARD).roots:
            return redirect("points:claim-queue")
        return render(request, "points/no_member.html")
    return _account_page(request, member, own=True)


def member_account(request, pk):
    member = selectors.account_member_get_for(request.user, pk)
    return _account_page(request, member, own=member.user_id == request.user.pk)


def account_xlsx(request, pk):
    member = selectors.account_member_get_for(request.user, pk)
    period = _period(request, member)
    if period is None:
        raise NotFoundError()
    account = selectors.account_for(member, period, limit=100_000)
    return xlsx_download(exporters.account_xlsx(account), f"{member.name}-{period.year}-积分明细.xlsx")


def claim_create(request):
    member = member_for_user(request.user)
    if member is None:
        return render(request, "points/no_member.html")
    period = _period(request, member)
    if period is None:
        return render(request, "points/no_member.html", {"no_period": True})
    form = ClaimForm(request.POST or None, request.FILES or None, rules=selectors.claimable_rules(period))
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            services.claim_file(actor=request.user, **form.cleaned_data)
            message = _("已提交积分申报，等待支部审核")
            return success_redirect(request, message, f"{reverse('points:home')}?period={period.pk}")
    return render(request, "points/claim_form.html", {"form": form, "period": period, "member": member})


def claim_queue(request):
    status = request.GET.get("status") or ClaimStatus.SUBMITTED
    if status not in ClaimStatus.values:
        status = ClaimStatus.SUBMITTED
    claims = selectors.claim_list_for(request.user, status=status)[:200]
    return render(
        request,
        "points/claim_queue.html",
        {"claims": claims, "status": status, "statuses": ClaimStatus.choices},
    )


def claim_detail(request, pk):
    claim = selectors.claim_get_for(request.user, pk)
    decider = can_decide_claim(request.user, claim)
    form = DecideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action = form.cleaned_data["action"]
        if action == ClaimAction.RESUBMIT or decider:
            with refusals_on(form):
                services.claim_transition(
                    actor=request.user, claim=claim, action=action, comment=form.cleaned_data["comment"]
                )
                return success_redirect(request, _("已处理积分申报"), "points:claim-detail", claim.pk)
        else:
            raise NotFoundError()
    return render(request, "points/claim_detail.html", {"claim": claim, "decider": decider, "form": form})


def claim_evidence(request, pk):
    claim = selectors.claim_get_for(request.user, pk)
    if not claim.evidence:
        raise NotFoundError()
    disposition = f"inline; filename*=UTF-8''{quote(claim.evidence_name)}"
    return stored_file(claim.evidence, claim.evidence_type, disposition=disposition)


def award(request):
    member = selectors.account_member_get_for(request.user, request.GET.get("member") or "")
    period = _period(request, member)
    if period is None:
        raise NotFoundError()
    rules = (
        selectors.rule_list(period, active_only=True)
        .filter(event_type=EventType.MANUAL)
        .exclude(manual_by="nobody")
    )
    form = AwardForm(request.POST or None, rules=rules)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            services.points_award(actor=request.user, member=member, **form.cleaned_data)
            message = _("已为%(m)s记分") % {"m": member.name}
            return success_redirect(
                request, message, f"{reverse('points:member-account', args=[member.pk])}?period={period.pk}"
            )
    return render(request, "points/award_form.html", {"form": form, "member": member, "period": period})


def period_list(request):
    manageable = [c.pk for c in campaign_list_for(request.user) if can_manage_points(request.user, c)]
    form = PeriodForm(
        request.POST or None, campaigns=campaign_list_for(request.user).filter(pk__in=manageable)
    )
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            period = services.period_create(actor=request.user, **form.cleaned_data)
            message = _("已设立 %(y)d 积分年度") % {"y": period.year}
            return success_redirect(request, message, "points:period-detail", period.pk)
    periods = [p for p in selectors.period_list_for(request.user) if can_manage_points(request.user, p)]
    return render(request, "points/period_list.html", {"form": form, "periods": periods})


def period_detail(request, pk):
    period = selectors.period_get_for(request.user, pk, manage=True)
    form = RuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            rule = services.rule_create(actor=request.user, period=period, **form.cleaned_data)
            message = _("已添加积分规则“%(r)s”") % {"r": rule.name}
            return success_redirect(request, message, "points:period-detail", period.pk)
    return render(
        request,
        "points/period_detail.html",
        {
            "period": period,
            "rules": selectors.rule_list(period),
            "form": form,
            "actions": PeriodAction.choices,
        },
    )


def period_transition(request, pk):
    period = selectors.period_get_for(request.user, pk, manage=True)
    if request.method == "POST":
        services.period_transition(actor=request.user, period=period, action=request.POST.get("action", ""))
        messages.success(request, _("已更新积分年度状态"))
    return redirect("points:period-detail", period.pk)


def period_sweep(request, pk):
    period = selectors.period_get_for(request.user, pk, manage=True)
    if request.method == "POST":
        n = services.points_sweep(period=period, actor=request.user)
        messages.success(request, _("已自动计分 %(n)d 条") % {"n": n})
    return redirect("points:period-detail", period.pk)


def rule_edit(request, pk):
    rule = selectors.rule_get_for(request.user, pk, manage=True)
    initial = {f: getattr(rule, f) for f in services.RULE_FIELDS}
    form = RuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            services.rule_update(actor=request.user, rule=rule, **form.cleaned_data)
            return success_redirect(request, _("已修改积分规则"), "points:period-detail", rule.period_id)
    return render(
        request, "points/rule_form.html", {"rule": rule, "form": form, "actions": RuleAction.choices}
    )


def rule_transition(request, pk):
    rule = selectors.rule_get_for(request.user, pk, manage=True)
    if request.method == "POST":
        services.rule_transition(actor=request.user, rule=rule, action=request.POST.get("action", ""))
        messages.success(request, _("已更新规则状态"))
    return redirect("points:period-detail", rule.period_id)


def member_standing(request, pk):
    org = org_get_for(request.user, pk)
    period = _period(request)
    standing = selectors.member_standing(org, period) if period else None
    return render(
        request,
        "points/member_standing.html",
        {
            "org": org,
            "period": period,
            "standing": standing,
            "rule": STANDING_RULE,
            "periods": selectors.period_list_for(request.user),
            "my_member_id": getattr(member_for_user(request.user), "pk", None),
            # whoever may see the branch's members opens each account; a member only their own
            "may_open_accounts": org_in_scope(request.user, org, Cap.PERSON_VIEW),
        },
    )


def member_standing_xlsx(request, pk):
    org = org_get_for(request.user, pk)
    period = _period(request)
    if period is None:
        raise NotFoundError()
    data = exporters.member_standing_xlsx(org, period, selectors.member_standing(org, period))
    return xlsx_download(data, f"{org.name}-{period.year}-党员积分排名.xlsx")


def _org_filters(request, org):
    sector = request.GET.get("sector", "")
    sector = sector if sector in Sector.values else ""
    depth_text = request.GET.get("depth", "")
    depth = int(depth_text) if depth_text.isdigit() and len(depth_text) < 3 else org.depth + 1
    return sector, max(depth, org.depth + 1)


STANDING_PAGE = 100


def _standing_page(request, org, period, sector, depth):
    """One page (?page=N) of the organisation standing, ranked over the whole sample. A page number that is
    not a number reads as the first page, one past the end as the last."""
    try:
        number = max(1, min(int(request.GET.get("page", 1)), MAX_PAGE))
    except ValueError:
        number = 1
    standing = selectors.org_standing(
        org, period, sector=sector, depth=depth, limit=STANDING_PAGE, offset=(number - 1) * STANDING_PAGE
    )
    last = max(1, -(-standing.sample // STANDING_PAGE))
    if number > last:
        number = last
        standing = selectors.org_standing(
            org, period, sector=sector, depth=depth, limit=STANDING_PAGE, offset=(last - 1) * STANDING_PAGE
        )
    params = urlencode({k: v for k, v in request.GET.items() if k != "page" and v})
    page = Page(standing.rows, number, STANDING_PAGE, number < last, params + "&" if params else "")
    return standing, page


def org_standing(request, pk):
    org = org_get_for(request.user, pk)
    period = _period(request)
    sector, depth = _org_filters(request, org)
    standing, page = _standing_page(request, org, period, sector, depth) if period else (None, None)
    return render(
        request,
        "points/org_standing.html",
        {
            "org": org,
            "period": period,
            "standing": standing,
            "page": page,
            "sector": sector,
            "depth": depth,
            "sectors": Sector.choices,
            "levels": range(org.depth + 1, org.depth + 5),
            "rule": STANDING_RULE,
        },
    )


def org_standing_xlsx(request, pk):
    org = org_get_for(request.user, pk)
    period = _period(request)
    if period is None:
        raise NotFoundError()
    sector, depth = _org_filters(request, org)
    standing = selectors.org_standing(org, period, sector=sector, depth=depth, limit=1_000_000)
    return xlsx_download(
        exporters.org_standing_xlsx(org, period, standing), f"{org.name}-{period.year}-组织积分排名.xlsx"
    )
