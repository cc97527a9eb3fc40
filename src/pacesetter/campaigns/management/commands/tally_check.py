"""Compare the dashboard's roll-up counters (campaigns.tallies) with the raw rows; exit 1 on a difference."""

from django.core.management.base import BaseCommand, CommandError

from pacesetter.campaigns import tallies
from pacesetter.campaigns.models import Campaign


class Command(BaseCommand):
    help = "核对进度看板汇总计数与原始数据，有差异时列出并以状态 1 退出"

    def add_arguments(self, parser):
        parser.add_argument("--campaign", type=int, help="只核对这一个活动（编号）")

    def handle(self, *args, campaign=None, **options):
        only = Campaign.objects.filter(pk=campaign).first() if campaign else None
        if campaign and only is None:
            raise CommandError(f"活动 {campaign} 不存在")
        diffs = tallies.differences(only)
        for campaign_id, key, have, want in diffs:
            wrong = ", ".join(f"{k} {have[k]}≠{want[k]}" for k in have if have[k] != want[k])
            self.stdout.write(f"campaign {campaign_id} {tallies.describe(key)}: {wrong}")
        self.stdout.write(f"differences: {len(diffs)}")
        if diffs:
            raise CommandError(f"{len(diffs)} 行汇总计数与原始数据不符，可运行 tally_repair 重建")
