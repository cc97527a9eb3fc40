from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "pacesetter.records"
    label = "records"
