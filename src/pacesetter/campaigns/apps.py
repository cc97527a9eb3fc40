from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "pacesetter.campaigns"
    label = "campaigns"
