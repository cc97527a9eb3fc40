"""Fill the organisation subtree counters (SubtreeTally, issue #23) from the organisations already there, with
orgs.subtree_tally.rebuild and the current models."""

from django.db import migrations


def rebuild(apps, schema_editor):
    from pacesetter.orgs.subtree_tally import rebuild as do_rebuild

    do_rebuild()


class Migration(migrations.Migration):
    dependencies = [("orgs", "0005_subtree_tally")]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
