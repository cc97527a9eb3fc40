from django.apps import AppConfig


class HonoursConfig(AppConfig):
    name = "pacesetter.honours"
    label = "honours"
    verbose_name = "评选表彰"
