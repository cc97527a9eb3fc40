from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("audit/", views.audit_list, name="audit-list"),
    path("tokens/", views.token_list, name="token-list"),
    path("tokens/<int:pk>/revoke/", views.token_revoke_view, name="token-revoke"),
    path("lockouts/", views.lockout_list, name="lockout-list"),
    path("lockouts/lift/", views.lockout_lift_view, name="lockout-lift"),
]
