from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "pacesetter.complaints"
    label = "complaints"
    verbose_name = "群众举报与意见建议"

    def ready(self):
        # The evaluations' low-satisfaction cases open and advance on this engine (evaluations.signals).
        from . import low_satisfaction  # noqa: F401
