from django.urls import path

from . import views

app_name = "members"
urlpatterns = [
    path("pairs/", views.mentorship_list, name="mentorship-list"),
    path("pairs/new/", views.mentorship_create, name="mentorship-create"),
    path("pairs/<int:pk>/", views.mentorship_detail, name="mentorship-detail"),
    path("pairs/<int:pk>/notes/", views.mentorship_note, name="mentorship-note"),
    path("pairs/<int:pk>/end/", views.mentorship_end, name="mentorship-end"),
    path("households/", views.household_list, name="household-list"),
    path("households/new/", views.household_create, name="household-create"),
    path("households/<int:pk>/", views.household_detail, name="household-detail"),
    path("households/<int:pk>/notes/", views.household_note, name="household-note"),
    path("households/<int:pk>/end/", views.household_end, name="household-end"),
    path("panel/<int:member_id>/", views.member_panel, name="member-panel"),
    path("reminders/", views.reminder_list, name="reminder-list"),
    path("reminders/send/", views.reminder_send, name="reminder-send"),
]
