from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "pacesetter.actions"
    label = "actions"
    verbose_name = "规定动作与自选动作"
