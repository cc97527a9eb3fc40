"""Fill the dashboard's roll-up counters (Tally, issue #23) from the plans, records and commitments already
there. It runs campaigns.tallies.rebuild with the current models (its sources live in the apps above
campaigns), hence the dependencies on their latest migrations at the time of writing."""

from django.db import migrations


def rebuild(apps, schema_editor):
    from pacesetter.campaigns.tallies import rebuild as do_rebuild

    do_rebuild(months=False)  # TallyMonth comes with 0009; 0010 fills it


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0007_tallies"),
        ("commitments", "0005_commitment_mass_org"),
        ("orgs", "0004_sector_guidance"),
        ("plans", "0004_loop_consultation"),
        ("records", "0004_members_record_kinds"),
    ]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
