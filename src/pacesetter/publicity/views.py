"""Pages for publicity inside the platform: information items (信息报送) and articles, drafting and review."""

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacesetter.core.errors import NotFoundError
from pacesetter.core.forms import refusals_on
from pacesetter.core.paging import paginate
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.selectors import org_get_for, org_list_for

from . import selectors, services
from .enums import ARTICLE_TRANSITIONS, ITEM_TRANSITIONS, ArticleAction, ItemAction, ItemStatus, Party
from .forms import ArticleForm, ItemForm, TransitionForm
from .models import Photo
from .rules import article_parties, item_parties

PER_PAGE = 20


def _draft_orgs(user):
    return org_list_for(user, cap=Cap.PUBLICITY_DRAFT, include_inactive=False).order_by("path")[:500]


def _actions(table, status, parties, choices) -> list:
    return [choices(a) for (s, a), t in table.items() if s == status and parties & t.parties]


def item_list(request):
    status = request.GET.get("status", "")
    status = status if status in ItemStatus.values else ""
    page = paginate(request, selectors.item_list_for(request.user, status=status), PER_PAGE)
    queue = list(selectors.item_review_queue_for(request.user)[:50])
    return render(
        request,
        "publicity/item_list.html",
        {"page": page, "queue": queue, "status": status, "statuses": ItemStatus.choices},
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
                kind=d["kind"],
                title=d["title"],
                body=d["body"],
                photos=request.FILES.getlist("photos"),
            )
            messages.success(request, _("信息已保存为草稿"))
            return redirect("publicity:item-detail", item.pk)
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
                kind=d["kind"],
                title=d["title"],
                body=d["body"],
                photos=request.FILES.getlist("photos"),
            )
            messages.success(request, _("已保存"))
            return redirect("publicity:item-detail", item.pk)
    return render(request, "publicity/item_form.html", {"form": form, "item": item})


@require_POST
def item_transition(request, pk):
    item = selectors.item_get_for(request.user, pk)
    form = TransitionForm(request.POST)
    if form.is_valid():
        with refusals_on(form):
            services.item_transition(
                actor=request.user,
                item=item,
                action=form.cleaned_data["action"],
                comment=form.cleaned_data["comment"],
            )
            messages.success(request, _("操作成功"))
            return redirect("publicity:item-detail", item.pk)
    for e in form.errors.values():
        messages.error(request, " ".join(e))
    return redirect("publicity:item-detail", item.pk)


@require_POST
def item_to_article(request, pk):
    item = selectors.item_get_for(request.user, pk)
    form = TransitionForm({"action": "convert"})
    with refusals_on(form):
        article = services.article_from_item(actor=request.user, item=item)
        messages.success(request, _("已转为稿件草稿，请编辑后提交审核"))
        return redirect("publicity:article-detail", article.pk)
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
            messages.success(request, _("稿件已保存为草稿"))
            return redirect("publicity:article-detail", article.pk)
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
            messages.success(request, _("已保存"))
            return redirect("publicity:article-detail", article.pk)
    return render(request, "publicity/article_form.html", {"form": form, "article": article})


def article_detail(request, pk):
    article = selectors.article_get_for(request.user, pk)
    parties = article_parties(request.user, article.organisation)
    actions = _actions(ARTICLE_TRANSITIONS, article.status, parties, ArticleAction)
    return render(request, "publicity/article_detail.html", {"article": article, "actions": actions})


@require_POST
def article_transition(request, pk):
    article = selectors.article_get_for(request.user, pk)
    form = TransitionForm(request.POST)
    if form.is_valid():
        with refusals_on(form):
            services.article_transition(
                actor=request.user,
                article=article,
                action=form.cleaned_data["action"],
                comment=form.cleaned_data["comment"],
            )
            messages.success(request, _("操作成功"))
            return redirect("publicity:article-detail", article.pk)
    for errors in form.errors.values():
        messages.error(request, " ".join(errors))
    return redirect("publicity:article-detail", article.pk)


def photo(request, pk):
    """A photo of an item or article the user may see (drafts included)."""
    p = Photo.objects.filter(pk=pk).first() if str(pk).isdigit() else None
    if p is None:
        raise NotFoundError()
    if p.item_id:
        selectors.item_get_for(request.user, p.item_id)
    else:
        selectors.article_get_for(request.user, p.article_id)
    response = FileResponse(p.file.open("rb"), content_type=p.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
