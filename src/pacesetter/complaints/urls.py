from django.urls import path

from . import views

app_name = "complaints"

urlpatterns = [
    path("", views.case_list, name="case-list"),
    path("triage/", views.triage_queue, name="triage-queue"),
    path("stats/", views.stats, name="stats"),
    path("stats.xlsx", views.stats_xlsx, name="stats-xlsx"),
    path("<int:pk>/", views.case_detail, name="case-detail"),
    path("<int:pk>/act/", views.case_act, name="case-act"),
    path("files/<int:pk>/", views.attachment, name="case-attachment"),
]
