"""Rebuild the dashboard's roll-up counters (campaigns.tallies) from the raw rows."""

from django.db import transaction

from pacesetter.campaigns import tallies
from pacesetter.campaigns.management.tally import CampaignTallyCommand


class Command(CampaignTallyCommand):
    help = "按原始数据重建进度看板汇总计数"
    verb = "重建"

    def run(self, only):
        with transaction.atomic():
            n = tallies.rebuild(only)
        self.stdout.write(f"rows: {n}")
