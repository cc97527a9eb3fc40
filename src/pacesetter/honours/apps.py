from django.apps import AppConfig


class HonoursConfig(AppConfig):
    name = "pacesetter.honours"
    label = "honours"
    verbose_name = "评选表彰"

    def ready(self):
        from . import (
            assessment_source,  # noqa: F401  (registers the assessment source)
            points_source,  # noqa: F401  (registers the points source 获得表彰)
        )
