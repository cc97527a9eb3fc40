from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "pacesetter.campaigns"
    label = "campaigns"

    def ready(self):
        from pacesetter.orgs import hooks

        from . import tallies

        hooks.register(**tallies.hooks())
