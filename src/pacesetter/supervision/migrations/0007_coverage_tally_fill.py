"""Fill the dashboard's 集中点评 coverage counters (CoverageTally, issue #23) from the organisations, sessions
and reviews already there, with supervision.coverage_tally.rebuild and the current models."""

from django.db import migrations


def rebuild(apps, schema_editor):
    from pacesetter.supervision.coverage_tally import rebuild as do_rebuild

    do_rebuild()


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0006_coverage_tally"),
        ("orgs", "0004_sector_guidance"),
    ]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
