from django.urls import path

from . import consultation_views, views

app_name = "plans"
urlpatterns = [
    path("", views.plan_home, name="plan-home"),
    path("orgs/<int:org_id>/", views.plan_edit, name="plan-edit"),
    path("<int:pk>/", views.plan_detail, name="plan-detail"),
    path("<int:pk>/submit/", views.plan_submit, name="plan-submit"),
    path("<int:pk>/decide/", views.plan_decide, name="plan-decide"),
    path("<int:pk>/docx/", views.plan_docx, name="plan-docx"),
    path("<int:pk>/attachments/", views.attachment_upload, name="attachment-upload"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment-download"),
    path("attachments/<int:pk>/delete/", views.attachment_delete, name="attachment-delete"),
    path("review/", views.review_queue, name="review-queue"),
    path("overdue/", views.overdue, name="overdue"),
    path("overdue/xlsx/", views.overdue_xlsx, name="overdue-xlsx"),
    path("overdue/remind/", views.overdue_remind, name="overdue-remind"),
    path("summary/docx/", views.summary_docx, name="summary-docx"),
    # 征求意见 on a draft plan
    path("<int:pk>/consultation/", consultation_views.consultation, name="consultation"),
    path("<int:pk>/consultation/answer/", consultation_views.consultation_answer, name="consultation-answer"),
    path(
        "consultation/comments/<int:pk>/moderate/",
        consultation_views.comment_moderate,
        name="consultation-comment-moderate",
    ),
    path(
        "consultation/comments/<int:pk>/answer/",
        consultation_views.comment_answer,
        name="consultation-comment-answer",
    ),
]
