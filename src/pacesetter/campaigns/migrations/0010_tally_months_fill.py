"""Fill the dashboard's monthly counters (TallyMonth, issue #23) from the records and plan decisions already
there, with campaigns.tallies.rebuild_months and the current models (its sources live in the apps above
campaigns), hence the dependencies on their latest migrations at the time of writing."""

from django.db import migrations


def rebuild(apps, schema_editor):
    from pacesetter.campaigns.models import Campaign
    from pacesetter.campaigns.tallies import rebuild_months

    for campaign in Campaign.objects.select_related("organisation").order_by("pk"):
        rebuild_months(campaign)


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0009_tally_months"),
        ("plans", "0004_loop_consultation"),
        ("records", "0004_members_record_kinds"),
    ]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
