from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("", views.home, name="home"),
    path("liaisons/", views.liaison_list, name="liaison-list"),
    path("reviews/", views.review_list, name="review-list"),
    path("reviews/orgs/<int:org_id>/new/", views.review_create, name="review-create"),
    path("reviews/<int:pk>/", views.review_detail, name="review-detail"),
    path("reviews/<int:pk>/respond/", views.review_respond, name="review-respond"),
    path("reviews/<int:pk>/publish/", views.review_publish, name="review-publish"),
    path("reviews/<int:pk>/rectify/", views.review_rectify, name="review-rectify"),
    path("rectifications/", views.rectification_list, name="rectification-list"),
    path("rectifications/<int:pk>/", views.rectification_detail, name="rectification-detail"),
    path("rectifications/<int:pk>/report/", views.rectification_report, name="rectification-report"),
    path("rectifications/<int:pk>/verify/", views.rectification_verify, name="rectification-verify"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence-download"),
    path("teams/", views.team_list, name="team-list"),
    path("teams/new/", views.team_create, name="team-create"),
    path("inspections/", views.inspection_list, name="inspection-list"),
    path("inspections/new/", views.inspection_create, name="inspection-create"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection-detail"),
    path("inspections/<int:pk>/file/", views.inspection_file, name="inspection-file"),
    path("inspections/<int:pk>/cancel/", views.inspection_cancel, name="inspection-cancel"),
    path("inspections/<int:pk>/findings/", views.finding_add, name="finding-add"),
    path("findings/<int:pk>/rectify/", views.finding_rectify, name="finding-rectify"),
    path("low-cases/<int:pk>/rectify/", views.case_rectify, name="case-rectify"),
    path("draws/", views.draw_list, name="draw-list"),
    path("draws/new/", views.draw_create, name="draw-create"),
    path("draws/<int:pk>/", views.draw_public, name="draw-public"),
    path("notices/", views.notice_list, name="notice-list"),
    path("notices/new/", views.notice_create, name="notice-create"),
    path("notices/<int:pk>/", views.notice_detail, name="notice-detail"),
    path("notices/<int:pk>/edit/", views.notice_edit, name="notice-edit"),
    path("notices/<int:pk>/issue/", views.notice_issue, name="notice-issue"),
    path("notices/<int:pk>/docx/", views.notice_docx, name="notice-docx"),
]
