from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "pacesetter.assessment"
    label = "assessment"
    verbose_name = "组织考核"

    def ready(self):
        from . import grade_lines  # noqa: F401  (the 组织考核 rounds' grade lines come from the member scheme)
