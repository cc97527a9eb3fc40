from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("audit/", views.audit_list, name="audit-list"),
    path("tokens/", views.token_list, name="token-list"),
    path("tokens/<int:pk>/revoke/", views.token_revoke_view, name="token-revoke"),
    path("tasks/", views.task_list, name="task-list"),
    path("tasks/<str:pk>/retry/", views.task_retry_view, name="task-retry"),
]
