from django.urls import path

from . import views

app_name = "actions"
urlpatterns = [
    path("orgs/<int:org_id>/", views.checklist, name="checklist"),
    path("orgs/<int:org_id>/required/<int:pk>/link/", views.link_create, name="link-create"),
    path("orgs/<int:org_id>/required/<int:pk>/reject/", views.link_reject, name="link-reject"),
    path("links/<int:pk>/restore/", views.link_restore, name="link-restore"),
    path("orgs/<int:org_id>/optional/", views.optional_create, name="optional-create"),
    path("optional/<int:pk>/mark/", views.optional_mark, name="optional-mark"),
    path("campaigns/<int:pk>/required/", views.required_list, name="required-list"),
    path("required/<int:pk>/delete/", views.required_delete, name="required-delete"),
]
