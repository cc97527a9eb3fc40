from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "pacesetter.orgs"
    label = "orgs"
