"""Following from the public pages (关注), no sign-in. The signed token of a link goes in `?t=`."""

from django.urls import path

from . import views
from .enums import Subject

app_name = "follows"
urlpatterns = [
    path("org/<int:pk>/", views.follow, {"subject_type": Subject.ORG}, name="org"),
    path("org/<int:pk>/code/", views.follow_code, {"subject_type": Subject.ORG}, name="org-code"),
    path("commitment/<int:pk>/", views.follow, {"subject_type": Subject.COMMITMENT}, name="commitment"),
    path(
        "commitment/<int:pk>/code/",
        views.follow_code,
        {"subject_type": Subject.COMMITMENT},
        name="commitment-code",
    ),
    path("confirm/", views.confirm, name="confirm"),
    path("unsubscribe/", views.unsubscribe, name="unsubscribe"),
]
