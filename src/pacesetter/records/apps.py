from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "pacesetter.records"
    label = "records"

    def ready(self):
        from pacesetter.campaigns import tallies

        from .tally_source import record_months, record_vectors

        tallies.register(record_vectors, month=record_months)
