from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "pacesetter.supervision"
    label = "supervision"
    verbose_name = "领导点评与督促检查"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from pacesetter.orgs import hooks

        from . import coverage_tally, stats_tally

        hooks.register(**coverage_tally.hooks())
        hooks.register(**stats_tally.hooks())
