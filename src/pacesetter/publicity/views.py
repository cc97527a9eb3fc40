"""Pages for publicity inside the platform: information items (信息报送) and articles, drafting and review."""

from functools import partial

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacesetter.core.downloads import stored_file
from pacesetter.core.errors import NotFoundError, ValidationError
from pacesetter.core.forms import pick, refusals_on, success_redirect
from pacesetter.core.paging import paginate
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.models import Organisation
from pacesetter.orgs.selectors import member_named, org_get_for, org_list_for, scope_for, subtree_q

from . import bulletins, exemplars, selectors, services
from .enums import (
    ARTICLE_TRANSITIONS,
    ITEM_TRANSITIONS,
    LEVEL_NEXT,
    ArticleAction,
    BulletinStatus,
    CultivationLevel,
    ItemAction,
    ItemStatus,
    Party,
)
from .forms import (
    ArticleForm,
    BulletinForm,
    ExemplarArticlesForm,
    ExemplarForm,
    ItemForm,
    PromoteForm,
    TransitionForm,
)
from .models import Photo
from .rules import article_parties, can_draft_for, can_publish_for, item_parties

PER_PAGE = 20


def _draft_orgs(user):
    return org_list_for(user, cap=Cap.PUBLICITY_DRAFT, include_inactive=False).order_by("path")[:500]


def _actions(table, status, parties, choices) -> list:
    return [choices(a) for (s, a), t in table.items() if s == status and parties & t.parties]


def item_list(request):
    status = request.GET.get("status", "")
    status = status if status in ItemStatus.values else ""
    org = request.GET.get("org", "")
    page = paginate(request, selectors.item_list_for(request.user, status=status, org=org), PER_PAGE)
    queue = list(selectors.item_review_queue_for(request.user)[:50])
    return render(
        request,
        "publicity/item_list.html",
        {"page": page, "queue": queue, "status": status, "statuses": ItemStatus.choices, "org": org},
    )


def item_create(request):
    orgs = list(_draft_orgs(request.user))
    form = ItemForm(request.POST or None, request.FILES or None, orgs=orgs)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            d = form.cleaned_data
            item = services.item_create(
                actor=request.user,
                organisation=org_get_for(request.user, d["organisation"], cap=Cap.PUBLICITY_DRAFT),
                **pick(d, "kind", "title", "body"),
                photos=request.FILES.getlist("photos"),
            )
            return success_redirect(request, _("信息已保存为草稿"), "publicity:item-detail", item.pk)
    return render(request, "publicity/item_form.html", {"form": form})


def item_detail(request, pk):
    item = selectors.item_get_for(request.user, pk)
    parties = item_parties(request.user, item.organisation)
    actions = _actions(ITEM_TRANSITIONS, item.status, parties, ItemAction)
    return render(
        request,
        "publicity/item_detail.html",
        {
            "item": item,
            "actions": actions,
            "may_convert": item.status == ItemStatus.ACCEPTED and Party.EDITOR in parties,
        },
    )


def item_edit(request, pk):
    item = selectors.item_get_for(request.user, pk)
    orgs = [item.organisation]
    initial = {
        "organisation": item.organisation_id,
        "kind": item.kind,
        "title": item.title,
        "body": item.body,
    }
    form = ItemForm(request.POST or None, request.FILES or None, orgs=orgs, initial=initial)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            d = form.cleaned_data
            services.item_update(
                actor=request.user,
                item=item,
                **pick(d, "kind", "title", "body"),
                photos=request.FILES.getlist("photos"),
            )
            return success_redirect(request, _("已保存"), "publicity:item-detail", item.pk)
    return render(request, "publicity/item_form.html", {"form": form, "item": item})


def _posted_back(request, form, write, message: str, detail_url: str, pk: int):
    """A small form posted from an object's page, which comes back to that page either way: ``write(**the form's
    cleaned data)`` calls the service; then ``message``, the service's refusal or the form's errors as the page's
    message."""
    if form.is_valid():
        with refusals_on(form):
            write(**form.cleaned_data)
            return success_redirect(request, message, detail_url, pk)
    for errors in form.errors.values():
        messages.error(request, " ".join(str(e) for e in errors))
    return redirect(detail_url, pk)


def _transition_posted(request, transition, detail_url: str, pk: int):
    """A review button (submit, return, accept…) on an item's or an article's page: ``transition(action=…,
    comment=…)`` runs it."""
    return _posted_back(request, TransitionForm(request.POST), transition, _("操作成功"), detail_url, pk)


@require_POST
def item_transition(request, pk):
    item = selectors.item_get_for(request.user, pk)
    transition = partial(services.item_transition, actor=request.user, item=item)
    return _transition_posted(request, transition, "publicity:item-detail", item.pk)


@require_POST
def item_to_article(request, pk):
    item = selectors.item_get_for(request.user, pk)
    form = TransitionForm({"action": "convert"})
    with refusals_on(form):
        article = services.article_from_item(actor=request.user, item=item)
        message = _("已转为稿件草稿，请编辑后提交审核")
        return success_redirect(request, message, "publicity:article-detail", article.pk)
    messages.error(request, " ".join(form.non_field_errors()))
    return redirect("publicity:item-detail", item.pk)


def article_list(request):
    page = paginate(request, selectors.article_list_for(request.user), PER_PAGE)
    queue = list(selectors.article_review_queue_for(request.user)[:50])
    return render(request, "publicity/article_list.html", {"page": page, "queue": queue})


def _article_call(request, form, article=None):
    d = form.cleaned_data
    fields = {
        k: d[k] for k in ("section", "title", "summary", "body", "event_kind", "event_date", "event_place")
    }
    photos = request.FILES.getlist("photos")
    if article is None:
        org = org_get_for(request.user, d["organisation"], cap=Cap.PUBLICITY_DRAFT)
        return services.article_create(
            actor=request.user, organisation=org, tags=d["tags"], photos=photos, **fields
        )
    return services.article_update(
        actor=request.user, article=article, tags=d["tags"], photos=photos, **fields
    )


def article_create(request):
    form = ArticleForm(request.POST or None, request.FILES or None, orgs=list(_draft_orgs(request.user)))
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            article = _article_call(request, form)
            return success_redirect(request, _("稿件已保存为草稿"), "publicity:article-detail", article.pk)
    return render(request, "publicity/article_form.html", {"form": form})


def article_edit(request, pk):
    article = selectors.article_get_for(request.user, pk)
    initial = {
        "organisation": article.organisation_id,
        "tags": "、".join(t.name for t in article.tags.all()),
        **{
            k: getattr(article, k)
            for k in ("section", "title", "summary", "body", "event_kind", "event_date", "event_place")
        },
    }
    form = ArticleForm(
        request.POST or None, request.FILES or None, orgs=[article.organisation], initial=initial
    )
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            _article_call(request, form, article)
            return success_redirect(request, _("已保存"), "publicity:article-detail", article.pk)
    return render(request, "publicity/article_form.html", {"form": form, "article": article})


def article_detail(request, pk):
    article = selectors.article_get_for(request.user, pk)
    parties = article_parties(request.user, article.organisation)
    actions = _actions(ARTICLE_TRANSITIONS, article.status, parties, ArticleAction)
    return render(
        request,
        "publicity/article_detail.html",
        {"article": article, "actions": actions, "exemplars": article.exemplars.order_by("name")},
    )


@require_POST
def article_transition(request, pk):
    article = selectors.article_get_for(request.user, pk)
    transition = partial(services.article_transition, actor=request.user, article=article)
    return _transition_posted(request, transition, "publicity:article-detail", article.pk)


def photo(request, pk):
    """A photo of an item or article the user may see (drafts included)."""
    p = Photo.objects.filter(pk=pk).first() if str(pk).isdigit() else None
    if p is None:
        raise NotFoundError()
    if p.item_id:
        selectors.item_get_for(request.user, p.item_id)
    else:
        selectors.article_get_for(request.user, p.article_id)
    return stored_file(p.file, p.content_type)


# ------------------------------------------------------------------ bulletins


def _issuer(request):
    """The organisation whose bulletins this user edits: their top publishing grant."""
    paths = scope_for(request.user, Cap.PUBLICITY_PUBLISH).roots
    org = Organisation.objects.filter(path__in=paths[:1]).first()
    if org is None:
        raise NotFoundError()
    return org


def _bulletin_form(request, issuer, **kw):
    from pacesetter.campaigns.windows import campaigns_covering

    items = list(selectors.accepted_items_for_bulletin(request.user, issuer)[:200])
    orgs = list(
        Organisation.objects.filter(
            subtree_q(issuer.path), is_active=True, depth__lte=issuer.depth + 2
        ).order_by("path")[:500]
    )
    return BulletinForm(
        request.POST or None, items=items, orgs=orgs, campaigns=list(campaigns_covering(issuer)), **kw
    )


def bulletin_list(request):
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = None
    page = paginate(request, selectors.bulletin_list_for(request.user, year=year), PER_PAGE)
    return render(
        request,
        "publicity/bulletin_list.html",
        {"page": page, "year": year, "years": selectors.bulletin_years_for(request.user)},
    )


def bulletin_create(request):
    from pacesetter.campaigns.models import Campaign

    issuer = _issuer(request)
    form = _bulletin_form(request, issuer)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        with refusals_on(form):
            campaign = Campaign.objects.filter(pk=d["campaign"]).first() if d["campaign"] else None
            b = bulletins.bulletin_create(
                actor=request.user,
                issuer=issuer,
                campaign=campaign,
                **{
                    k: d[k]
                    for k in ("title", "editor", "intro", "report_to", "copy_to", "items", "distribute_to")
                },
            )
            return success_redirect(request, _("简报草稿已生成"), "publicity:bulletin-detail", b.pk)
    return render(request, "publicity/bulletin_form.html", {"form": form, "issuer": issuer})


def bulletin_detail(request, pk):
    b = selectors.bulletin_get_for(request.user, pk)
    may_edit = b.status == BulletinStatus.DRAFT and can_publish_for(request.user, b.issuer)
    items = b.items.select_related("organisation").order_by("accepted_at", "id")
    return render(
        request,
        "publicity/bulletin_detail.html",
        {"b": b, "may_edit": may_edit, "items": items, "distribute": b.distribute_to.order_by("path")},
    )


def bulletin_edit(request, pk):
    b = selectors.bulletin_get_for(request.user, pk)
    initial = {
        **{k: getattr(b, k) for k in ("title", "editor", "intro", "report_to", "copy_to")},
        "items": list(b.items.values_list("pk", flat=True)),
        "distribute_to": list(b.distribute_to.values_list("pk", flat=True)),
    }
    form = _bulletin_form(request, b.issuer, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        with refusals_on(form):
            bulletins.bulletin_update(
                actor=request.user,
                bulletin=b,
                refresh_figures=d["refresh_figures"],
                **{
                    k: d[k]
                    for k in ("title", "editor", "intro", "report_to", "copy_to", "items", "distribute_to")
                },
            )
            return success_redirect(request, _("已保存"), "publicity:bulletin-detail", b.pk)
    return render(request, "publicity/bulletin_form.html", {"form": form, "issuer": b.issuer, "b": b})


@require_POST
def bulletin_issue(request, pk):
    b = selectors.bulletin_get_for(request.user, pk)
    form = TransitionForm({"action": "issue"})
    with refusals_on(form):
        b = bulletins.bulletin_issue(actor=request.user, bulletin=b)
        message = _("已印发：%(n)s") % {"n": b.number_label}
        return success_redirect(request, message, "publicity:bulletin-detail", b.pk)
    messages.error(request, " ".join(form.non_field_errors()))
    return redirect("publicity:bulletin-detail", b.pk)


def bulletin_docx(request, pk):
    from urllib.parse import quote

    from django.http import HttpResponse

    from pacesetter.documents.word import DOCX_MIME

    b = selectors.bulletin_get_for(request.user, pk)
    response = HttpResponse(bulletins.bulletin_docx(b), content_type=DOCX_MIME)
    name = f"简报{b.year or ''}{b.number_label}.docx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


# ------------------------------------------------------------------ exemplary cases


def exemplar_list(request):
    level = request.GET.get("level", "")
    level = level if level in CultivationLevel.values else ""
    page = paginate(request, selectors.exemplar_list_for(request.user, level=level), PER_PAGE)
    return render(
        request,
        "publicity/exemplar_list.html",
        {
            "page": page,
            "level": level,
            "levels": CultivationLevel.choices,
            "honours": selectors.honours_to_register(request.user),
        },
    )


def exemplar_create(request):
    """Register a model; `?honour=<certificate no>` prefills it from a commendation (name, organisation, deed)."""
    no = (request.POST.get("honour") or request.GET.get("honour") or "").strip()
    honour = selectors.honour_get_for_draft(request.user, no) if no else None
    initial = {}
    if honour is not None:
        initial = {
            "organisation": honour.organisation_id,
            "member_name": honour.member.name if honour.member_id else "",
            "name": honour.display_name,
            "sector": honour.organisation.sector,
            "post": honour.nomination.post[:40],
            "summary": honour.nomination.deed,
            "honour": honour.certificate_no,
        }
    orgs = list(_draft_orgs(request.user))
    if honour is not None and honour.organisation not in orgs:
        orgs.append(honour.organisation)
    form = ExemplarForm(request.POST or None, orgs=orgs, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        with refusals_on(form):
            org = org_get_for(request.user, d["organisation"], cap=Cap.PUBLICITY_DRAFT)
            member = None
            if d["member_name"]:
                member = member_named(org, d["member_name"])
                if member is None:
                    raise ValidationError(
                        _("“%(org)s”没有（或有不止一名）叫“%(n)s”的党员")
                        % {"org": org.name, "n": d["member_name"]},
                        field="member_name",
                    )
            e = exemplars.exemplar_register(
                actor=request.user,
                organisation=org,
                member=member,
                honour=honour,
                **pick(d, "name", "sector", "trade", "post", "summary"),
            )
            return success_redirect(request, _("典型已登记（培育）"), "publicity:exemplar-detail", e.pk)
    return render(request, "publicity/exemplar_form.html", {"form": form, "honour": honour})


def exemplar_detail(request, pk):
    e = selectors.exemplar_get_for(request.user, pk)
    nxt = LEVEL_NEXT.get(e.level)
    may_promote = nxt is not None and exemplars.awarding_office(request.user, e, nxt) is not None
    form = PromoteForm(initial={"level": nxt, "awarded_on": timezone.localdate()}) if may_promote else None
    linked = list(e.articles.order_by("-published_at", "-id"))
    # an article this person may not open internally links to its public page once published, else is named
    openable = set(
        selectors.article_list_for(request.user)
        .filter(pk__in=[a.pk for a in linked])
        .values_list("pk", flat=True)
    )
    for a in linked:
        a.openable = a.pk in openable
    link_form = None
    if can_draft_for(request.user, e.organisation):
        link_form = ExemplarArticlesForm(
            articles=selectors.articles_to_link(request.user, e), initial={"articles": [a.pk for a in linked]}
        )
    return render(
        request,
        "publicity/exemplar_detail.html",
        {
            "e": e,
            "history": e.history.select_related("awarded_by"),
            "form": form,
            "next": nxt,
            "linked": linked,
            "link_form": link_form,
        },
    )


@require_POST
def exemplar_articles(request, pk):
    """Link the articles about a model (shown on its page and theirs)."""
    e = selectors.exemplar_get_for(request.user, pk)
    choices = list(selectors.articles_to_link(request.user, e))

    def link(articles):
        chosen = set(articles)
        exemplars.exemplar_link_articles(
            actor=request.user, exemplar=e, articles=[a for a in choices if a.pk in chosen]
        )

    form = ExemplarArticlesForm(request.POST, articles=choices)
    return _posted_back(request, form, link, _("相关报道已保存"), "publicity:exemplar-detail", e.pk)


@require_POST
def exemplar_promote(request, pk):
    e = selectors.exemplar_get_for(request.user, pk)
    promote = partial(exemplars.exemplar_promote, actor=request.user, exemplar=e)
    return _posted_back(
        request, PromoteForm(request.POST), promote, _("已晋升"), "publicity:exemplar-detail", e.pk
    )
