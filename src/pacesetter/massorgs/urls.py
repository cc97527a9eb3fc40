from django.urls import path

from . import views

app_name = "massorgs"
urlpatterns = [
    path("", views.mass_org_list, name="list"),
    path("<int:pk>/", views.mass_org_detail, name="detail"),
    path("<int:pk>/members/<int:member_id>/remove/", views.mass_member_remove, name="member-remove"),
]
