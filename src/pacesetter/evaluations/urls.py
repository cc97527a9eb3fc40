from django.urls import path

from . import paper_views, survey_views, views

app_name = "evaluations"
urlpatterns = [
    path("", views.round_list, name="round-list"),
    path("new/", views.round_create, name="round-create"),
    path("mine/", views.my_rounds, name="my-rounds"),
    path("standard-survey/", survey_views.standard_survey, name="standard-survey"),
    path("cases/", views.case_list, name="case-list"),
    path("cases/<int:pk>/", views.case_answer, name="case-answer"),
    path("<int:pk>/", views.round_detail, name="round-detail"),
    path("<int:pk>/results/", views.round_results_page, name="round-results"),
    path("<int:pk>/questions/", views.round_questions, name="round-questions"),
    path("<int:pk>/edit/", views.round_edit, name="round-edit"),
    path("<int:pk>/status/", views.round_transition, name="round-transition"),
    path("<int:pk>/publish/", views.round_publish, name="round-publish"),
    path("<int:pk>/codes/", views.round_codes, name="round-codes"),
    path("<int:pk>/paper/", views.round_paper, name="round-paper"),
    path("<int:pk>/paper/template.xlsx", paper_views.paper_template, name="round-paper-template"),
    path("<int:pk>/paper/upload/", paper_views.paper_upload, name="round-paper-upload"),
    path("<int:pk>/results.xlsx", views.round_export, name="round-export"),
    path("<int:pk>/report.docx", views.round_report, name="round-report"),
    path("<int:pk>/peer/", views.peer_ballot, name="peer-ballot"),
    path("<int:pk>/suggestions/", views.round_suggestions, name="round-suggestions"),
    path("<int:pk>/suggestions/review/", views.round_suggestions_review, name="round-suggestions-review"),
    path("<int:pk>/suggestions/release/", views.round_suggestions_release, name="round-suggestions-release"),
]
