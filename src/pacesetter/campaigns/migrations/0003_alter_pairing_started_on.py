# Kept (empty) because records.0001_initial depends on this name; the field change it once held is
# folded into 0002.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0002_criteriaitem_criteriaindicator_criteriaset_and_more"),
    ]

    operations = []
