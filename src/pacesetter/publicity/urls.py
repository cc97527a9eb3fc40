from django.urls import path

from . import views

app_name = "publicity"
urlpatterns = [
    path("", views.item_list, name="item-list"),
    path("items/new/", views.item_create, name="item-create"),
    path("items/<int:pk>/", views.item_detail, name="item-detail"),
    path("items/<int:pk>/edit/", views.item_edit, name="item-edit"),
    path("items/<int:pk>/transition/", views.item_transition, name="item-transition"),
    path("items/<int:pk>/article/", views.item_to_article, name="item-to-article"),
    path("articles/", views.article_list, name="article-list"),
    path("articles/new/", views.article_create, name="article-create"),
    path("articles/<int:pk>/", views.article_detail, name="article-detail"),
    path("articles/<int:pk>/edit/", views.article_edit, name="article-edit"),
    path("articles/<int:pk>/transition/", views.article_transition, name="article-transition"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("exemplars/", views.exemplar_list, name="exemplar-list"),
    path("exemplars/new/", views.exemplar_create, name="exemplar-create"),
    path("exemplars/<int:pk>/", views.exemplar_detail, name="exemplar-detail"),
    path("exemplars/<int:pk>/promote/", views.exemplar_promote, name="exemplar-promote"),
    path("exemplars/<int:pk>/articles/", views.exemplar_articles, name="exemplar-articles"),
    path("bulletins/", views.bulletin_list, name="bulletin-list"),
    path("bulletins/new/", views.bulletin_create, name="bulletin-create"),
    path("bulletins/<int:pk>/", views.bulletin_detail, name="bulletin-detail"),
    path("bulletins/<int:pk>/edit/", views.bulletin_edit, name="bulletin-edit"),
    path("bulletins/<int:pk>/issue/", views.bulletin_issue, name="bulletin-issue"),
    path("bulletins/<int:pk>/bulletin.docx", views.bulletin_docx, name="bulletin-docx"),
]
