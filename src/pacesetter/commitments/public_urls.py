"""The public commitment wall (示诺): no sign-in, published commitments only."""

from django.urls import path

from . import public_views

app_name = "wall"
urlpatterns = [
    path("", public_views.wall, name="wall"),
    path("c/<int:pk>/", public_views.commitment, name="commitment"),
    path("c/<int:pk>/rate/", public_views.rate, name="rate"),
    path("c/<int:pk>/rate/code/", public_views.rate_code, name="rate-code"),
    path("slip/", public_views.slip, name="slip"),
    path("org/<int:pk>/", public_views.org, name="org"),
    path("files/<int:pk>/", public_views.attachment, name="attachment"),
]
