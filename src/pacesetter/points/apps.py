from django.apps import AppConfig


class PointsConfig(AppConfig):
    name = "pacesetter.points"
    label = "points"
    verbose_name = "积分"
