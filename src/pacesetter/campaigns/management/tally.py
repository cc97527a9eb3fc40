"""What the commands on the dashboard's roll-up counters (campaigns.tallies) share: all campaigns, or the one
`--campaign` names (refused if there is none by that number)."""

from django.core.management.base import BaseCommand, CommandError

from pacesetter.campaigns.models import Campaign


class CampaignTallyCommand(BaseCommand):
    """A subclass says what it does to one campaign (`verb`, for the option's help) and implements `run`."""

    verb = ""

    def add_arguments(self, parser):
        parser.add_argument("--campaign", type=int, help=f"只{self.verb}这一个活动（编号）")

    def handle(self, *args, campaign=None, **options):
        only = Campaign.objects.filter(pk=campaign).first() if campaign else None
        if campaign and only is None:
            raise CommandError(f"活动 {campaign} 不存在")
        self.run(only)

    def run(self, only: Campaign | None) -> None:
        raise NotImplementedError
