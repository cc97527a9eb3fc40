from django.urls import path

from . import account_views, views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("audit/", account_views.audit_list, name="audit-list"),
    path("audit.xlsx", account_views.audit_xlsx, name="audit-xlsx"),
    path("tokens/", account_views.token_list, name="token-list"),
    path("tokens/<int:pk>/revoke/", account_views.token_revoke_view, name="token-revoke"),
    path("lockouts/", account_views.lockout_list, name="lockout-list"),
    path("lockouts/lift/", account_views.lockout_lift_view, name="lockout-lift"),
    path("tasks/", account_views.task_list, name="task-list"),
    path("tasks/<str:pk>/retry/", account_views.task_retry_view, name="task-retry"),
    path("p/orgs/<int:pk>/", views.public_org, name="public-org"),
    path("progress/", views.progress, name="progress"),
    path("progress.xlsx", views.progress_xlsx, name="progress-xlsx"),
    path("orgs/<int:pk>/poster.docx", views.public_org_poster, name="public-org-poster"),
]
