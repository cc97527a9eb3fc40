from django.apps import AppConfig


class PointsConfig(AppConfig):
    name = "pacesetter.points"
    label = "points"
    verbose_name = "积分"

    def ready(self):
        from . import assessment_source  # noqa: F401  (registers the assessment source)
