from django.urls import path

from . import views

app_name = "records"
urlpatterns = [
    path("", views.record_list, name="record-list"),
    path("mine/", views.my_records, name="my-records"),
    path("new/", views.record_create, name="record-create"),
    path("export.xlsx", views.export, name="export"),
    path("<int:pk>/", views.record_detail, name="record-detail"),
    path("<int:pk>/edit/", views.record_edit, name="record-edit"),
    path("<int:pk>/delete/", views.record_delete, name="record-delete"),
    path("<int:pk>/check/", views.record_check, name="record-check"),
    path("<int:pk>/photos/", views.photo_add, name="photo-add"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("photos/<int:pk>/delete/", views.photo_delete, name="photo-delete"),
    path("<int:pk>/attendance/", views.meeting_attendance, name="meeting-attendance"),
    path("<int:pk>/attendance/all-present/", views.meeting_attendance_all, name="meeting-attendance-all"),
    path("<int:pk>/sign-in/open/", views.sign_in_open, name="sign-in-open"),
    path("<int:pk>/sign-in/close/", views.sign_in_close, name="sign-in-close"),
    # The token is passed as `pk` (a string) so the permission walk in tests can fill the pattern.
    path("meetings/sign-in/<str:pk>/", views.sign_in, name="sign-in"),
]
