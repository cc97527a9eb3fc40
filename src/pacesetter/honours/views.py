"""Pages of commendation for the office, the nominating and reviewing organisations."""

from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacesetter.campaigns.windows import campaign_nearest
from pacesetter.core.downloads import docx_download, stored_file
from pacesetter.core.errors import NotFoundError, ValidationError
from pacesetter.core.forms import pick, refusals_on, success_redirect
from pacesetter.core.paging import paginate
from pacesetter.massorgs.enums import MassOrgKind
from pacesetter.massorgs.selectors import mass_org_list_for
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.models import Organisation
from pacesetter.orgs.selectors import (
    member_get_for,
    member_named,
    org_list_for,
    org_resolve_for,
    scope_for,
    scope_q,
)

from . import documents, selectors, services
from .enums import NominationStatus, ProgrammeStatus, Rule, Subject
from .forms import (
    CategoryForm,
    DecisionForm,
    NominationForm,
    ProgrammeForm,
    QuotaForm,
    RemoveForm,
    ResubmitForm,
    ReviewForm,
)
from .models import Category, Decision, Honour, Quota
from .rules import is_office, parties_for


def _office_orgs(user):
    paths = scope_for(user, Cap.HONOURS_MANAGE).roots
    return Organisation.objects.filter(path__in=paths, is_active=True).order_by("path")


def programme_list(request):
    office_orgs = list(_office_orgs(request.user))
    form = ProgrammeForm(request.POST or None, initial={"year": timezone.localdate().year, "notice_days": 7})
    if request.method == "POST" and office_orgs:
        org = office_orgs[0]
        campaign = campaign_nearest(org)
        if form.is_valid():
            with refusals_on(form):
                if campaign is None:
                    raise ValidationError(_("还没有覆盖%(o)s的活动，请先部署活动") % {"o": org.name})
                p = services.programme_create(
                    actor=request.user, campaign=campaign, organisation=org, **form.cleaned_data
                )
                message = _("已设立“%(t)s”，请设置类别和名额") % {"t": p.title}
                return success_redirect(request, message, "honours:programme-detail", p.pk)
    return render(
        request,
        "honours/programme_list.html",
        {"programmes": selectors.programme_list_for(request.user), "form": form if office_orgs else None},
    )


def _programme_page(request, p, *, status=200, **forms):
    """The programme's page; after a refused post (422) with that form (``category_form=…``) and its errors."""
    office = is_office(request.user, p)
    categories = list(p.categories.all())
    # The places of the organisations the user acts for (their grants' own organisations), at most ten.
    mine = (
        Quota.objects.filter(
            category__programme=p, organisation__path__in=scope_for(request.user, Cap.HONOURS_NOMINATE).roots
        )
        .select_related("organisation__parent", "category")
        .order_by("organisation__path", "category__position")[:10]
    )
    usage = [
        {"org": q.organisation, "category": q.category, **services.quota_usage(q.category, q.organisation)}
        for q in mine
    ]
    # What the commending organisation passed down (one level: its children), one query.
    passed: dict[int, list] = {}
    for q in (
        Quota.objects.filter(category__programme=p, allocated_by=p.organisation)
        .select_related("organisation")
        .order_by("organisation__path")[:500]
    ):
        passed.setdefault(q.category_id, []).append(q)
    page = paginate(
        request, selectors.nomination_list_for(request.user, p, status=request.GET.get("status", "")), 100
    )
    decisions = list(p.decisions.all())
    objections = services.objections_for([n.pk for n in page.items if n.status == NominationStatus.IN_NOTICE])
    rows = [(n, services.objection_state(objections.get(n.pk, []))) for n in page.items]
    context = {
        "p": p,
        "office": office,
        "categories": categories,
        "allocations": [(c, passed.get(c.pk, [])) for c in categories],
        "candidates": selectors.district_candidates(p, categories),
        "usage": usage,
        "rows": rows,
        "page": page,
        "queue_waiting": selectors.review_queue_for(request.user, p).exists(),
        "decisions": decisions,
        "statuses": NominationStatus.choices,
        "category_form": forms.get("category_form") or (CategoryForm() if office else None),
        "quota_form": forms.get("quota_form") or QuotaForm(categories=p.categories.all()),
        "decision_form": forms.get("decision_form") or DecisionForm(),
        "notice_running": services.notice_is_running(p),
        "can_decide": p.notice_ends_on is not None and timezone.localdate() > p.notice_ends_on,
        "public_url": request.build_absolute_uri(reverse("honours-public:programme", args=[p.pk])),
    }
    return render(request, "honours/programme_detail.html", context, status=status)


def my_honours(request):
    return render(request, "honours/my_honours.html", {"honours": selectors.my_honours(request.user)})


def member_honours(request, member_id):
    """The honours on a member's record page (荣誉), loaded into it; the member must be in the viewer's scope."""
    member = member_get_for(request.user, member_id)
    return render(
        request, "honours/_member_honours.html", {"honours": selectors.honours_of_member(member)[:20]}
    )


def programme_detail(request, pk):
    p = selectors.programme_get_for(request.user, pk)
    return _programme_page(request, p)


@require_POST
def category_add(request, pk):
    p = selectors.programme_get_for(request.user, pk)
    form = CategoryForm(request.POST)
    if form.is_valid():
        with refusals_on(form):
            d = form.cleaned_data
            services.category_save(
                actor=request.user,
                programme=p,
                **pick(d, "name", "subject", "quota"),
                rules=form.rules(),
            )
            message = _("已添加表彰类别“%(n)s”") % {"n": d["name"]}
            return success_redirect(request, message, "honours:programme-detail", p.pk)
    return _programme_page(request, p, status=422, category_form=form)


@require_POST
def quota_allocate(request, pk):
    p = selectors.programme_get_for(request.user, pk)
    form = QuotaForm(request.POST, categories=p.categories.all())
    if form.is_valid():
        with refusals_on(form):
            org = org_resolve_for(request.user, form.cleaned_data["organisation"], cap=Cap.ORG_VIEW)
            services.quota_allocate(
                actor=request.user, organisation=org, **pick(form.cleaned_data, "category", "amount")
            )
            message = _("已为%(o)s分配名额") % {"o": org.name}
            return success_redirect(request, message, "honours:programme-detail", p.pk)
    return _programme_page(request, p, status=422, quota_form=form)


@require_POST
def programme_open(request, pk):
    p = selectors.programme_get_for(request.user, pk)
    services.programme_open(actor=request.user, programme=p)
    return success_redirect(request, _("已开始推荐，已通知有名额的单位"), "honours:programme-detail", p.pk)


@require_POST
def notice_start(request, pk):
    p = selectors.programme_get_for(request.user, pk)
    p = services.notice_start(actor=request.user, programme=p)
    message = _("公示已发布，至 %(d)s 24 时结束") % {"d": p.notice_ends_on.isoformat()}
    return success_redirect(request, message, "honours:programme-detail", p.pk)


@require_POST
def decision_issue(request, pk):
    p = selectors.programme_get_for(request.user, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        with refusals_on(form):
            d = services.decision_issue(actor=request.user, programme=p, **form.cleaned_data)
            message = _("表彰决定已发布：%(n)s") % {"n": d.number}
            return success_redirect(request, message, "honours:programme-detail", p.pk)
    return _programme_page(request, p, status=422, decision_form=form)


def notice_docx(request, pk):
    p = selectors.programme_get_for(request.user, pk)
    if p.notice_starts_on is None:
        raise NotFoundError(_("尚未发布公示"))
    rows = selectors.public_nominations(p).exclude(status=NominationStatus.REMOVED)
    return docx_download(documents.notice_docx(p, list(rows)), f"{p.title}拟表彰对象公示.docx")


def _decision(request, pk) -> Decision:
    d = Decision.objects.select_related("programme__organisation").filter(pk=pk).first()
    if d is None:
        raise NotFoundError()
    selectors.programme_get_for(request.user, d.programme_id)
    return d


def decision_docx(request, pk):
    d = _decision(request, pk)
    honours = list(d.honours.order_by("certificate_no"))
    return docx_download(documents.decision_docx(d, honours), f"{d.title}.docx")


def certificates_docx(request, pk):
    d = _decision(request, pk)
    honours = list(
        d.honours.select_related("decision__programme", "nomination__subject_mass_member__mass_org").order_by(
            "certificate_no"
        )
    )

    def url_for(h: Honour) -> str:
        return request.build_absolute_uri(reverse("honours-public:honour", args=[h.certificate_no]))

    return docx_download(documents.certificates_docx(honours, url_for=url_for), f"荣誉证书-{d.number}.docx")


# ---------------------------------------------------------------- nominations


def _resolve_subject(user, category: Category, text: str):
    """(org, member) from what the nominator typed: an organisation name, or "姓名@党组织"."""
    text = (text or "").replace("\x00", "").strip()
    if category.subject == Subject.MASS_MEMBER:
        raise ValidationError(
            _("“%(c)s”表彰的是群团成员，请在“或推荐群团成员”中选择") % {"c": category.name},
            field="subject_mass_member",
        )
    if category.subject == Subject.ORGANISATION:
        return org_resolve_for(user, text, cap=Cap.HONOURS_NOMINATE), None
    name, sep, org_text = text.partition("@")
    if not sep or not name.strip() or not org_text.strip():
        raise ValidationError(
            _("个人请写成“党员姓名@所在党组织”，如：林文@城厢区实验小学党支部"), field="subject_name"
        )
    org = org_resolve_for(user, org_text.strip(), cap=Cap.HONOURS_NOMINATE)
    member = member_named(org, name.strip())
    if member is None:
        raise ValidationError(
            _("在%(o)s找不到（或有多名）叫“%(n)s”的党员") % {"o": org.name, "n": name.strip()},
            field="subject_name",
        )
    return None, member


def _mass_kinds_allowed(categories) -> set[str]:
    """The 群团组织 kinds some collective category accepts (one without an org-type rule accepts all)."""
    every = {k for k, _label in MassOrgKind.choices}
    allowed: set[str] = set()
    for cat in categories:
        types = [r.get("types", []) for r in cat.rules if r.get("rule") == Rule.ORG_TYPE]
        allowed |= every if not types else every.intersection(*map(set, types))
    return allowed


def nomination_create(request, pk):
    p = selectors.programme_get_for(request.user, pk)
    # Those that can nominate: the organisations with places in this programme (and the office itself).
    with_places = Quota.objects.filter(category__programme=p).values("organisation")
    nominators = (
        org_list_for(request.user, cap=Cap.HONOURS_NOMINATE, include_inactive=False)
        .filter(Q(pk__in=with_places) | Q(pk=p.organisation_id))
        .order_by("path")
    )
    # A 群团组织 may be nominated only in a collective category, and only one within the user's nominating
    # scope (the service checks it again against the chosen nominator).
    mass_orgs = None
    kinds = _mass_kinds_allowed(p.categories.filter(subject=Subject.ORGANISATION))
    if kinds:
        mass_orgs = mass_org_list_for(request.user).filter(
            scope_q(request.user, Cap.HONOURS_NOMINATE, field="party_org__path"),
            is_active=True,
            party_org__is_active=True,
            kind__in=kinds,
        )
    # groups: 群团成员 only where a category takes them, and only those within the user's nominating scope
    mass_members = None
    if p.categories.filter(subject=Subject.MASS_MEMBER).exists():
        mass_members = selectors.nominable_mass_members_for(request.user)
    form = NominationForm(
        request.POST or None,
        request.FILES or None,
        categories=p.categories.all(),
        nominators=nominators,
        mass_orgs=mass_orgs,
        mass_members=mass_members,
    )
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            d = form.cleaned_data
            mass_org = d.get("subject_mass_org")
            mass_member = d.get("subject_mass_member")
            org, member = (
                (None, None)
                if mass_org or mass_member
                else _resolve_subject(request.user, d["category"], d["subject_name"])
            )
            n = services.nomination_create(
                actor=request.user,
                category=d["category"],
                nominator=d["nominator"],
                subject_org=org,
                subject_member=member,
                subject_mass_org=mass_org,
                subject_mass_member=mass_member,
                **pick(d, "post", "summary", "deed"),
                photos=request.FILES.getlist("photos"),
            )
            message = _("已推荐“%(n)s”，等待%(r)s审核") % {"n": n.display_name, "r": n.reviewer.name}
            return success_redirect(request, message, "honours:nomination-detail", n.pk)
    return render(
        request, "honours/nomination_form.html", {"p": p, "form": form}, status=422 if form.errors else 200
    )


def _nomination_page(request, n, *, status=200, **forms):
    """The nomination's page; after a refused post (422) with that form (``review_form=…``) and its errors."""
    parties = parties_for(request.user, n)
    objections = services.objections_for([n.pk]).get(n.pk, [])
    context = {
        "n": n,
        "p": n.programme,
        "parties": parties,
        "events": n.events.select_related("organisation").all(),
        "photos": n.photos.all(),
        "objections": objections,
        "objection_state": services.objection_state(objections),
        "can_review": "reviewer" in parties and n.status == NominationStatus.UNDER_REVIEW,
        "can_resubmit": "nominator" in parties and n.status == NominationStatus.RETURNED,
        "can_remove": "office" in parties
        and n.status in (NominationStatus.SHORTLISTED, NominationStatus.IN_NOTICE),
        "review_form": forms.get("review_form") or ReviewForm(),
        "resubmit_form": forms.get("resubmit_form")
        or ResubmitForm(initial={"post": n.post, "summary": n.summary, "deed": n.deed}),
        "remove_form": forms.get("remove_form") or RemoveForm(),
        "programme_open": n.programme.status == ProgrammeStatus.NOMINATING,
    }
    return render(request, "honours/nomination_detail.html", context, status=status)


def nomination_detail(request, pk):
    n = selectors.nomination_get_for(request.user, pk)
    return _nomination_page(request, n)


@require_POST
def nomination_review(request, pk):
    n = selectors.nomination_get_for(request.user, pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        with refusals_on(form):
            n = services.nomination_review(actor=request.user, nomination=n, **form.cleaned_data)
            message = _("已%(a)s：%(n)s") % {
                "a": dict(form.fields["action"].choices)[form.cleaned_data["action"]],
                "n": n.display_name,
            }
            return success_redirect(request, message, "honours:nomination-detail", n.pk)
    return _nomination_page(request, n, status=422, review_form=form)


@require_POST
def nomination_resubmit(request, pk):
    n = selectors.nomination_get_for(request.user, pk)
    form = ResubmitForm(request.POST)
    if form.is_valid():
        with refusals_on(form):
            n = services.nomination_resubmit(actor=request.user, nomination=n, **form.cleaned_data)
            return success_redirect(request, _("已重新报送"), "honours:nomination-detail", n.pk)
    return _nomination_page(request, n, status=422, resubmit_form=form)


@require_POST
def nomination_remove(request, pk):
    n = selectors.nomination_get_for(request.user, pk)
    form = RemoveForm(request.POST)
    if form.is_valid():
        with refusals_on(form):
            n = services.nomination_remove(
                actor=request.user, nomination=n, note=form.cleaned_data["comment"]
            )
            message = _("已取消“%(n)s”的拟表彰资格") % {"n": n.display_name}
            return success_redirect(request, message, "honours:nomination-detail", n.pk)
    return _nomination_page(request, n, status=422, remove_form=form)


def nomination_photo(request, pk):
    """A deed photo, only to those who may open its nomination; never from MEDIA_URL."""
    photo = selectors.nomination_photo_get_for(request.user, pk)
    return stored_file(photo.file, photo.content_type, disposition="inline", cache="private, max-age=3600")


def review_queue(request, pk):
    p = selectors.programme_get_for(request.user, pk)
    page = paginate(request, selectors.review_queue_for(request.user, p), 100)
    return render(request, "honours/review_queue.html", {"p": p, "rows": page.items, "page": page})
