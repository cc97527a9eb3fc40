"""The public news site (宣传): published articles and events, a phone-first reading page, Word download and
Chinese full-text search across articles, published commitments and organisations. No sign-in."""

from urllib.parse import quote

from django.http import HttpResponse
from django.shortcuts import render

from pacesetter.core.downloads import stored_file
from pacesetter.core.errors import ApplicationError, NotFoundError
from pacesetter.core.paging import paginate
from pacesetter.documents.word import DOCX_MIME

from . import documents, search, selectors
from .enums import PUBLIC_LEVELS, ArticleStatus, SearchKind, Section
from .forms import FindModelForm, SearchForm
from .models import Photo


def home(request):
    section = request.GET.get("section", "")
    section = section if section in Section.values else ""
    tag = (request.GET.get("tag") or "")[:30]
    page = paginate(request, selectors.public_articles(section=section, tag=tag).prefetch_related("tags"), 20)
    return render(
        request,
        "publicity/public/home.html",
        {"page": page, "section": section, "tag": tag, "sections": Section.choices},
    )


def article(request, pk):
    a = selectors.public_article_get(pk)
    exemplars = a.exemplars.filter(level__in=PUBLIC_LEVELS).order_by("name")
    return render(
        request,
        "publicity/public/article.html",
        {"a": a, "related": selectors.related_hits(a), "exemplars": exemplars},
    )


def article_docx(request, pk):
    a = selectors.public_article_get(pk)
    response = HttpResponse(documents.article_docx(a), content_type=DOCX_MIME)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(a.title[:80] + '.docx')}"
    return response


def search_page(request):
    form = SearchForm(request.GET or None)
    hits, error, q, kind = [], "", "", ""
    if form.is_valid():
        q, kind = form.cleaned_data["q"], form.cleaned_data["kind"]
        if q or "q" in request.GET:
            try:
                hits = search.search_public(q, kind=kind, limit=30)
            except ApplicationError as exc:
                error = str(exc.message)
    else:
        error = " ".join(" ".join(e) for e in form.errors.values())
    return render(
        request,
        "publicity/public/search.html",
        {"q": q[:200], "kind": kind, "hits": hits, "error": error, "kinds": SearchKind.choices},
    )


def photo(request, pk):
    p = Photo.objects.select_related("article").filter(pk=pk).first() if str(pk).isdigit() else None
    if p is None or p.article is None or not p.article.is_public:
        raise NotFoundError()
    return stored_file(p.file, p.content_type, cache="public, max-age=3600")


def exemplars_like(request):
    """找榜样: public models by sector, trade and post."""
    form = FindModelForm(request.GET or None)
    d = form.cleaned_data if form.is_valid() else {}
    found = selectors.exemplars_like(
        sector=d.get("sector", ""), trade=d.get("trade", ""), post=d.get("post", "")
    )
    return render(request, "publicity/public/exemplars.html", {"form": form, "found": found})


def exemplar(request, pk):
    e = selectors.public_exemplar_get(pk)
    articles = e.articles.filter(status=ArticleStatus.PUBLISHED).order_by("-published_at")
    return render(
        request,
        "publicity/public/exemplar.html",
        {"e": e, "history": e.history.select_related("awarded_by"), "articles": articles},
    )
