from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    name = "pacesetter.commitments"
    label = "commitments"
    verbose_name = "公开承诺"
