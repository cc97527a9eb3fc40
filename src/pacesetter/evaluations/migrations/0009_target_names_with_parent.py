"""Organisation targets of rounds made before targets were named apart (#22): where two targets of one round
share a name, each becomes "上级组织 / 名称", as new rounds name them (orgs.selectors.distinct_labels). Only
the copied display name changes; ballots refer to targets by id. Names an office already changed by hand
(no longer the organisation's name) are left alone."""

from collections import defaultdict

from django.db import migrations


def name_apart(apps, schema_editor):
    RoundTarget = apps.get_model("evaluations", "RoundTarget")
    rows = (
        RoundTarget.objects.filter(organisation__isnull=False, organisation__parent__isnull=False)
        .values_list("pk", "round_id", "name", "organisation__name", "organisation__parent__name")
        .order_by("round_id", "pk")
        .iterator(chunk_size=2000)
    )
    by_round: dict[int, list[tuple]] = defaultdict(list)
    for row in rows:
        by_round[row[1]].append(row)
    for targets in by_round.values():
        counts: dict[str, int] = defaultdict(int)
        for _pk, _round, name, _org, _parent in targets:
            counts[name] += 1
        for pk, _round, name, org_name, parent_name in targets:
            if counts[name] > 1 and name == org_name:
                RoundTarget.objects.filter(pk=pk).update(name=f"{parent_name} / {org_name}"[:200])


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0008_suggestions")]

    operations = [migrations.RunPython(name_apart, migrations.RunPython.noop)]
