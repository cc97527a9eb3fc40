from django.urls import path

from . import local_views, views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="campaign-list"),
    path("new/", views.campaign_create, name="campaign-create"),
    path("<int:pk>/", views.campaign_detail, name="campaign-detail"),
    path("<int:pk>/edit/", views.campaign_edit, name="campaign-edit"),
    path("<int:pk>/status/", views.campaign_transition, name="campaign-transition"),
    path("<int:pk>/stages/new/", views.stage_create, name="stage-create"),
    path("<int:pk>/criteria/", views.criteria_list, name="criteria-list"),
    path("<int:pk>/member-requirements/", views.member_requirements, name="member-requirements"),
    path("<int:pk>/orgs/<int:org_id>/", views.campaign_org, name="campaign-org"),
    path("<int:pk>/orgs/<int:org_id>/theme/", views.theme_edit, name="theme-edit"),
    path("<int:pk>/orgs/<int:org_id>/group/", views.group_edit, name="group-edit"),
    path("<int:pk>/pairings/", views.pairing_list, name="pairing-list"),
    path("<int:pk>/pairings/new/", views.pairing_create, name="pairing-create"),
    path("stages/<int:pk>/edit/", views.stage_edit, name="stage-edit"),
    path("stages/<int:pk>/layout/", views.stage_layout, name="stage-layout"),
    path("stages/<int:pk>/milestones/new/", views.milestone_create, name="milestone-create"),
    path("milestones/<int:pk>/delete/", views.milestone_delete, name="milestone-delete"),
    path("steps/<int:pk>/edit/", views.step_edit, name="step-edit"),
    path("steps/<int:pk>/extend/", views.extension_create, name="extension-create"),
    path("criteria/<int:pk>/edit/", views.criteria_edit, name="criteria-edit"),
    path("pairings/<int:pk>/", views.pairing_detail, name="pairing-detail"),
    # local standards (loop, issue #17)
    path("<int:pk>/criteria/local/", local_views.local_criteria, name="local-criteria"),
    path("<int:pk>/criteria/preset/", local_views.criteria_preset, name="criteria-preset"),
    path("criteria/<int:pk>/allow-local/", local_views.criteria_allow_local, name="criteria-allow-local"),
]
