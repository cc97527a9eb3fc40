from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "pacesetter.assessment"
    label = "assessment"
    verbose_name = "组织考核"
