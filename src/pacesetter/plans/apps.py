from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "pacesetter.plans"
    label = "plans"
