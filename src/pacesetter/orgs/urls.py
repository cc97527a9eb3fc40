from django.urls import path

from . import views, views_imports

app_name = "orgs"
urlpatterns = [
    path("orgs/", views.org_tree, name="org-tree"),
    path("orgs/<int:pk>/", views.org_detail, name="org-detail"),
    path("orgs/<int:pk>/children/", views.org_children_view, name="org-children"),
    path("orgs/<int:pk>/new/", views.org_create, name="org-create"),
    path("orgs/<int:pk>/edit/", views.org_edit, name="org-edit"),
    path("orgs/<int:pk>/move/", views.org_move, name="org-move"),
    path("orgs/<int:pk>/deactivate/", views.org_set_active, {"active": False}, name="org-deactivate"),
    path("orgs/<int:pk>/activate/", views.org_set_active, {"active": True}, name="org-activate"),
    path("orgs/<int:pk>/members/new/", views.member_create, name="member-create"),
    path("me/", views.me, name="me"),
    path("members/", views.member_list, name="member-list"),
    path("members/<int:pk>/", views.member_detail, name="member-detail"),
    path("members/<int:pk>/edit/", views.member_edit, name="member-edit"),
    path("members/<int:pk>/reveal/<str:field>/", views.member_reveal, name="member-reveal"),
    path(
        "members/<int:pk>/deactivate/", views.member_set_active, {"active": False}, name="member-deactivate"
    ),
    path("members/<int:pk>/activate/", views.member_set_active, {"active": True}, name="member-activate"),
    path("members/<int:pk>/account/", views.member_account, name="member-account"),
    path("roles/", views.grant_list, name="grant-list"),
    path("roles/new/", views.grant_create, name="grant-create"),
    path("roles/<int:pk>/revoke/", views.grant_revoke, name="grant-revoke"),
    path("roles/accounts/new/", views.account_create, name="account-create"),
    path("roles/liaisons/new/", views.liaison_create, name="liaison-create"),
    path("roles/liaisons/<int:pk>/remove/", views.liaison_remove, name="liaison-remove"),
    path("imports/", views_imports.import_list, name="import-list"),
    path("imports/new/", views_imports.import_upload, name="import-upload"),
    path("imports/<int:pk>/", views_imports.import_detail, name="import-detail"),
    path("imports/<int:pk>/progress/", views_imports.import_progress, name="import-progress"),
    path("imports/<int:pk>/confirm/", views_imports.import_confirm, name="import-confirm"),
    path("imports/<int:pk>/rollback/", views_imports.import_rollback, name="import-rollback"),
    path("imports/template/<str:kind>.xlsx", views_imports.import_template, name="import-template"),
    path("exports/<str:kind>.xlsx", views_imports.export, name="export"),
]
