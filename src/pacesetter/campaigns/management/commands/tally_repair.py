"""Rebuild the dashboard's roll-up counters (campaigns.tallies) from the raw rows."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from pacesetter.campaigns import tallies
from pacesetter.campaigns.models import Campaign


class Command(BaseCommand):
    help = "按原始数据重建进度看板汇总计数"

    def add_arguments(self, parser):
        parser.add_argument("--campaign", type=int, help="只重建这一个活动（编号）")

    def handle(self, *args, campaign=None, **options):
        only = Campaign.objects.filter(pk=campaign).first() if campaign else None
        if campaign and only is None:
            raise CommandError(f"活动 {campaign} 不存在")
        with transaction.atomic():
            n = tallies.rebuild(only)
        self.stdout.write(f"rows: {n}")
