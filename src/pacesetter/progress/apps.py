from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "pacesetter.progress"
    label = "progress"
    verbose_name = "活动进度"

    def ready(self):
        # The 通报 draft (supervision, below progress) names what lags by the dashboard's rule.
        from pacesetter.supervision.documents import register_lagging_rule

        from .selectors import lagging_children

        register_lagging_rule(lagging_children)
