"""Rebuild the publicity search index (articles, published commitments, organisations)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from pacesetter.publicity import sources
from pacesetter.publicity.enums import SearchKind


class Command(BaseCommand):
    help = "重建全文检索索引（文章、已公开承诺、党组织）"

    def add_arguments(self, parser):
        parser.add_argument(
            "--kind", action="append", choices=SearchKind.values, help="只重建这一类（可重复）"
        )
        parser.add_argument("--since-hours", type=int, help="只刷新最近 N 小时内变动的承诺和党组织")

    def handle(self, *args, kind=None, since_hours=None, **options):
        if since_hours is not None:
            if since_hours <= 0 or since_hours > 24 * 366:
                raise CommandError("--since-hours 应在 1 到 8784 之间")
            counts = sources.refresh_since(timezone.now() - datetime.timedelta(hours=since_hours))
        else:
            counts = sources.rebuild(kind or SearchKind.values)
        for k, n in counts.items():
            self.stdout.write(f"{k}: {n}")
