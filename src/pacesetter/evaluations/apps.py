from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    name = "pacesetter.evaluations"
    label = "evaluations"
    verbose_name = "群众评议"
