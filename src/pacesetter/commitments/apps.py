from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    name = "pacesetter.commitments"
    label = "commitments"
    verbose_name = "公开承诺"

    def ready(self):
        from pacesetter.campaigns import tallies

        from .tally_source import commitment_vectors

        tallies.register(commitment_vectors)
