from django.urls import path

from . import public_views

app_name = "report"

urlpatterns = [
    path("", public_views.form, name="form"),
    path("code/", public_views.send_code, name="code"),
    path("rules/", public_views.rules, name="rules"),
    path("q/", public_views.query, name="query"),
    path("q/rate/", public_views.rate, name="rate"),
]
