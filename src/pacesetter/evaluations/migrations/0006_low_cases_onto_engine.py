"""Move existing low-satisfaction cases onto the one case engine: one complaints.Case per row (kind
low_satisfaction, deadlines in working days from the day it was opened), answered ones closed with their
analysis and measures as the verification record."""

from django.contrib.auth.hashers import make_password
from django.db import migrations
from django.utils import timezone

DAYS = {"ack_by": 2, "verify_by": 10, "reply_by": 15, "close_by": 20}


def forward(apps, schema_editor):
    from pacesetter.core.workdays import add_working_days

    Low = apps.get_model("evaluations", "LowSatisfactionCase")
    Case = apps.get_model("complaints", "Case")
    Event = apps.get_model("complaints", "CaseEvent")
    Verification = apps.get_model("complaints", "Verification")
    unusable = make_password(None)
    for low in Low.objects.filter(case__isnull=True).select_related("organisation", "round", "answered_by"):
        received_on = timezone.localdate(low.created_at)
        answered = low.status == "answered"
        when = low.answered_at or low.created_at
        case = Case.objects.create(
            number=f"9{received_on:%y%m%d}{low.pk:05d}"[:20],
            kind="low_satisfaction",
            subject_type="org",
            subject_org=low.organisation,
            first_owner=low.organisation,
            owner=low.organisation,
            path=low.organisation.path,
            status="closed" if answered else "received",
            source_type="evaluations.lowsatisfactioncase",
            source_id=str(low.pk),
            text=f"“{low.round.name}”群众评议满意度 {low.satisfaction}%，低于要求，请分析原因、整改提高。",
            password_hash=unusable,
            received_at=low.created_at,
            received_on=received_on,
            acknowledged_at=when if answered else None,
            verified_at=when if answered else None,
            closed_at=when if answered else None,
            finding="true" if answered else "",
            outcome="closed" if answered else "",
            updated_at=when,
            **{field: add_working_days(received_on, n) for field, n in DAYS.items()},
        )
        Event.objects.create(
            case=case,
            action="file",
            to_status="received",
            organisation=low.organisation,
            at=low.created_at,
            note="由满意度过低整改迁移",
        )
        if answered:
            by = low.answered_by
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
                from_status="received",
                to_status="closed",
                organisation=low.organisation,
                at=when,
                actor=by,
            )
        Low.objects.filter(pk=low.pk).update(case=case)


def backward(apps, schema_editor):
    Low = apps.get_model("evaluations", "LowSatisfactionCase")
    Case = apps.get_model("complaints", "Case")
    ids = list(Low.objects.filter(case__isnull=False).values_list("case_id", flat=True))
    Low.objects.update(case=None)
    Case.objects.filter(pk__in=ids).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("evaluations", "0005_lowsatisfactioncase_case"),
        ("complaints", "0003_month_and_deadline_indexes"),
    ]
    operations = [migrations.RunPython(forward, backward)]
