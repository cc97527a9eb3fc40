from django.urls import path

from . import views

app_name = "points"
urlpatterns = [
    path("", views.home, name="home"),
    path("members/<int:pk>/", views.member_account, name="member-account"),
    path("members/<int:pk>/account.xlsx", views.account_xlsx, name="account-xlsx"),
    path("claims/", views.claim_queue, name="claim-queue"),
    path("claims/new/", views.claim_create, name="claim-create"),
    path("claims/<int:pk>/", views.claim_detail, name="claim-detail"),
    path("claims/<int:pk>/evidence", views.claim_evidence, name="claim-evidence"),
    path("award/", views.award, name="award"),
    path("periods/", views.period_list, name="period-list"),
    path("periods/<int:pk>/", views.period_detail, name="period-detail"),
    path("periods/<int:pk>/transition/", views.period_transition, name="period-transition"),
    path("periods/<int:pk>/sweep/", views.period_sweep, name="period-sweep"),
    path("rules/<int:pk>/", views.rule_edit, name="rule-edit"),
    path("rules/<int:pk>/transition/", views.rule_transition, name="rule-transition"),
    path("orgs/<int:pk>/members/", views.member_standing, name="member-standing"),
    path("orgs/<int:pk>/members.xlsx", views.member_standing_xlsx, name="member-standing-xlsx"),
    path("orgs/<int:pk>/standing/", views.org_standing, name="org-standing"),
    path("orgs/<int:pk>/standing.xlsx", views.org_standing_xlsx, name="org-standing-xlsx"),
]
