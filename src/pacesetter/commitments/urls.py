from django.urls import path

from . import problem_views, views

app_name = "commitments"
urlpatterns = [
    path("", views.commitment_list, name="commitment-list"),
    path("new/", views.commitment_create, name="commitment-create"),
    path("post/", views.post_set, name="post-set"),
    path("reviews/", views.review_queue, name="review-queue"),
    path("unreported/", views.unreported_list, name="unreported-list"),
    path("moderation/", views.moderation_queue, name="moderation-queue"),
    path("moderation/<int:pk>/", views.rating_moderate, name="rating-moderate"),
    path("<int:pk>/", views.commitment_detail, name="commitment-detail"),
    path("<int:pk>/edit/", views.commitment_edit, name="commitment-edit"),
    path("<int:pk>/transition/", views.commitment_transition, name="commitment-transition"),
    path("<int:pk>/progress/", views.progress_add, name="progress-add"),
    path("<int:pk>/report/", views.report_file, name="report-file"),
    path("<int:pk>/rate/", views.commitment_rate, name="commitment-rate"),
    path("<int:pk>/poster.docx", views.poster_docx, name="poster-docx"),
    path("mass-orgs/<int:pk>/", views.mass_org_commitments, name="mass-org-commitments"),
    path("orgs/<int:pk>/pledge.docx", views.org_pledge_docx, name="org-pledge-docx"),
    path("orgs/<int:pk>/wall.xlsx", views.wall_xlsx, name="wall-xlsx"),
    path("orgs/<int:pk>/stats/", views.stats, name="stats"),
    path("orgs/<int:pk>/slips/", views.slip_sheet, name="slip-sheet"),
    # 问题清单 (loop)
    path("problems/orgs/<int:org_id>/", problem_views.problem_list, name="problem-list"),
    path("problems/orgs/<int:org_id>/import/", problem_views.problem_import, name="problem-import"),
    path("problems/template.xlsx", problem_views.problem_template, name="problem-template"),
    path("problems/<int:pk>/transition/", problem_views.problem_transition, name="problem-transition"),
    path("problems/<int:pk>/link/", problem_views.problem_link, name="problem-link"),
    path("members/<int:member_id>/pledge.docx", views.member_pledge_docx, name="member-pledge-docx"),
]
