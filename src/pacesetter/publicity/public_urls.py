"""The public news site: published articles and events, search. No sign-in."""

from django.urls import path

from . import public_views

app_name = "news"
urlpatterns = [
    path("", public_views.home, name="home"),
    path("a/<int:pk>/", public_views.article, name="article"),
    path("a/<int:pk>/word.docx", public_views.article_docx, name="article-docx"),
    path("search/", public_views.search_page, name="search"),
    path("models/", public_views.exemplars_like, name="exemplars"),
    path("models/<int:pk>/", public_views.exemplar, name="exemplar"),
    path("photos/<int:pk>/", public_views.photo, name="photo"),
]
