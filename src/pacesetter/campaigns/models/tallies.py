"""Roll-up counters of the progress dashboard (Tally, issue #23): see campaigns/tallies.py."""

from django.db import models

from pacesetter.orgs.models import Organisation

from .campaign import Campaign

# Every counter a Tally row holds (what campaigns.tallies.bump may add to).
COUNTERS = (
    "orgs",
    "plan_none",
    "plan_draft",
    "plan_submitted",
    "plan_returned",
    "plan_approved",
    "with_records",
    "commit_drafted",
    "commit_published",
    "commit_fulfilled",
    "commit_overdue",
)
SHARDS = 8


class Tally(models.Model):
    """The dashboard's counters over the organisations O in `node`'s subtree (ancestor-or-self) below the
    campaign's own organisation whose sector is `sector` and whose id % SHARDS is `shard` (so that no one
    row is written by every change; reads sum the shards)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    node = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    sector = models.CharField(max_length=20)
    shard = models.PositiveSmallIntegerField()
    orgs = models.IntegerField(default=0)
    plan_none = models.IntegerField(default=0)
    plan_draft = models.IntegerField(default=0)
    plan_submitted = models.IntegerField(default=0)
    plan_returned = models.IntegerField(default=0)
    plan_approved = models.IntegerField(default=0)
    with_records = models.IntegerField(default=0)
    commit_drafted = models.IntegerField(default=0)
    commit_published = models.IntegerField(default=0)
    commit_fulfilled = models.IntegerField(default=0)
    commit_overdue = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "node", "sector", "shard"], name="uniq_tally_key")
        ]

    def __str__(self):
        return f"{self.campaign_id}/{self.node_id}/{self.sector}/{self.shard}"


# Every counter a TallyMonth row holds (what campaigns.tallies.bump_month may add to).
MONTH_COUNTERS = ("records", "plans_approved")


class TallyMonth(models.Model):
    """The dashboard's timeline over the organisations O in `node`'s subtree (ancestor-or-self) below the
    campaign's own organisation with O.id % SHARDS == `shard`, active or not: in calendar month `month` (its
    first day), the campaign's records that occurred then and the approvals of overall plans decided then
    (Asia/Shanghai), as records.selectors.records_by_month and plans.selectors.plans_approved_by_month count."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    node = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    shard = models.PositiveSmallIntegerField()
    month = models.DateField()
    records = models.IntegerField(default=0)
    plans_approved = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "node", "shard", "month"], name="uniq_tally_month_key"
            )
        ]

    def __str__(self):
        return f"{self.campaign_id}/{self.node_id}/{self.shard}/{self.month:%Y-%m}"
