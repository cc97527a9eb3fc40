"""征求意见稿 (public, no sign-in): the page the notice-board QR code opens, and its comment form."""

from django.urls import path

from . import public_views

app_name = "consult"
urlpatterns = [
    path("<int:pk>/", public_views.consultation, name="consultation"),
    path("<int:pk>/comment/", public_views.comment, name="comment"),
    path("<int:pk>/comment/code/", public_views.comment_code, name="comment-code"),
]
