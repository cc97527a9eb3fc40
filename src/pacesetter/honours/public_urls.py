from django.urls import path

from . import public_views

app_name = "honours-public"

urlpatterns = [
    path("roll/", public_views.honour_roll, name="roll"),
    path("c/<str:certificate_no>/", public_views.honour, name="honour"),
    path("<int:pk>/", public_views.programme, name="programme"),
    path("<int:pk>/object/", public_views.objection, name="objection"),
    path("<int:pk>/n/<int:nomination_pk>/", public_views.recommend_form, name="recommend-form"),
    path("<int:pk>/n/<int:nomination_pk>/recommend/", public_views.recommend, name="recommend"),
]
