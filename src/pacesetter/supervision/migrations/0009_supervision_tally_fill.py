"""Fill the dashboard's supervision counters and the liaison links' review clocks (SupervisionTally,
LiaisonClock, issue #23) from the links, reviews and rectification orders already there, with
supervision.stats_tally.rebuild and the current models."""

from django.db import migrations


def rebuild(apps, schema_editor):
    from pacesetter.supervision.stats_tally import rebuild as do_rebuild

    do_rebuild()


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0008_supervision_tally"),
        ("orgs", "0004_sector_guidance"),
    ]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
