"""Compare the dashboard's roll-up counters (campaigns.tallies) with the raw rows; exit 1 on a difference."""

from django.core.management.base import CommandError

from pacesetter.campaigns import tallies
from pacesetter.campaigns.management.tally import CampaignTallyCommand
from pacesetter.core.management.counters import wrong


class Command(CampaignTallyCommand):
    help = "核对进度看板汇总计数与原始数据，有差异时列出并以状态 1 退出"
    verb = "核对"

    def run(self, only):
        diffs = tallies.differences(only)
        for campaign_id, key, have, want in diffs:
            self.stdout.write(f"campaign {campaign_id} {tallies.describe(key)}: {wrong(have, want)}")
        self.stdout.write(f"differences: {len(diffs)}")
        if diffs:
            raise CommandError(f"{len(diffs)} 行汇总计数与原始数据不符，可运行 tally_repair 重建")
