from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "pacesetter.plans"
    label = "plans"

    def ready(self):
        from pacesetter.campaigns import tallies

        from .tally_source import plan_approval_months, plan_vectors

        tallies.register(plan_vectors, month=plan_approval_months)
