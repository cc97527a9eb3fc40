from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "pacesetter.notifications"
    label = "notifications"
