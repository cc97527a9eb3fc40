from django.urls import path

from . import views

app_name = "assessment"
urlpatterns = [
    path("", views.scheme_list, name="scheme-list"),
    path("mine/", views.my_scores, name="my-scores"),
    path("new/", views.scheme_create, name="scheme-create"),
    path("districts/", views.district_ranking, name="district-ranking"),
    path("<int:pk>/", views.scheme_detail, name="scheme-detail"),
    path("<int:pk>/edit/", views.scheme_edit, name="scheme-edit"),
    path("<int:pk>/compute/", views.scheme_compute, name="scheme-compute"),
    path("<int:pk>/items/", views.item_add, name="item-add"),
    path("scorecards/<int:pk>/", views.scorecard_detail, name="scorecard-detail"),
    path("scorecards/<int:pk>/progress/", views.scorecard_progress, name="scorecard-progress"),
    path("scorecards/<int:pk>/publish/", views.scorecard_publish, name="scorecard-publish"),
    path("scorecards/<int:pk>/export.xlsx", views.scorecard_export, name="scorecard-export"),
    path("scores/<int:pk>/", views.score_detail, name="score-detail"),
    path("scores/<int:pk>/adjust/", views.score_adjust, name="score-adjust"),
    path("scores/<int:pk>/review/", views.score_review, name="score-review"),
]
