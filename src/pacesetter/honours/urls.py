from django.urls import path

from . import views

app_name = "honours"

urlpatterns = [
    path("", views.programme_list, name="programme-list"),
    path("mine/", views.my_honours, name="my-honours"),
    path("members/<int:member_id>/", views.member_honours, name="member-honours"),
    path("<int:pk>/", views.programme_detail, name="programme-detail"),
    path("<int:pk>/categories/", views.category_add, name="category-add"),
    path("<int:pk>/quotas/", views.quota_allocate, name="quota-allocate"),
    path("<int:pk>/open/", views.programme_open, name="programme-open"),
    path("<int:pk>/notice/", views.notice_start, name="notice-start"),
    path("<int:pk>/notice.docx", views.notice_docx, name="notice-docx"),
    path("<int:pk>/decision/", views.decision_issue, name="decision-issue"),
    path("<int:pk>/nominate/", views.nomination_create, name="nomination-create"),
    path("<int:pk>/queue/", views.review_queue, name="review-queue"),
    path("decisions/<int:pk>.docx", views.decision_docx, name="decision-docx"),
    path("decisions/<int:pk>/certificates.docx", views.certificates_docx, name="certificates-docx"),
    path("n/<int:pk>/", views.nomination_detail, name="nomination-detail"),
    path("n/<int:pk>/review/", views.nomination_review, name="nomination-review"),
    path("n/<int:pk>/resubmit/", views.nomination_resubmit, name="nomination-resubmit"),
    path("n/<int:pk>/remove/", views.nomination_remove, name="nomination-remove"),
    path("n/photos/<int:pk>/", views.nomination_photo, name="nomination-photo"),
]
