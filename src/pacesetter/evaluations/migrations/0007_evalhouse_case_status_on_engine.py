"""A low-satisfaction case's status is its engine case's status: the duplicate `status` column goes.

0006 put every row onto the engine (answered ones closed). Since then every answer has advanced the engine
case in the same transaction; a row marked answered whose engine case is still open (none is expected) is
closed here first, with its analysis and measures as the verification record, so no state is lost.
"""

from django.db import migrations


def forward(apps, schema_editor):
    Low = apps.get_model("evaluations", "LowSatisfactionCase")
    Event = apps.get_model("complaints", "CaseEvent")
    Verification = apps.get_model("complaints", "Verification")
    Case = apps.get_model("complaints", "Case")
    rows = Low.objects.filter(status="answered", case__isnull=False).exclude(case__status="closed")
    for low in rows.select_related("case", "organisation", "answered_by"):
        case, by = low.case, low.answered_by
        when = low.answered_at or low.created_at
        Verification.objects.create(
            case=case,
            checked=low.analysis,
            checked_by=(f"{by.first_name}{by.last_name}".strip() or by.username) if by else "-",
            finding="true",
            evidence=low.measures,
            actor=by,
            at=when,
        )
        Event.objects.create(
            case=case,
            action="close",
            from_status=case.status,
            to_status="closed",
            organisation=low.organisation,
            at=when,
            actor=by,
        )
        Case.objects.filter(pk=case.pk).update(
            status="closed",
            acknowledged_at=case.acknowledged_at or when,
            verified_at=case.verified_at or when,
            closed_at=when,
            finding="true",
            outcome="closed",
            updated_at=when,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("evaluations", "0006_low_cases_onto_engine"),
        ("complaints", "0003_month_and_deadline_indexes"),
    ]

    operations = [
        migrations.RunPython(forward, migrations.RunPython.noop),
        migrations.RemoveField(model_name="lowsatisfactioncase", name="status"),
    ]
