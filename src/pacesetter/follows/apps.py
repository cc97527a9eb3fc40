from django.apps import AppConfig


class FollowsConfig(AppConfig):
    name = "pacesetter.follows"
    label = "follows"
