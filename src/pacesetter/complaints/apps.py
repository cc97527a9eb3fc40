from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "pacesetter.complaints"
    label = "complaints"
    verbose_name = "群众举报与意见建议"
