import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Two of assessment_score's ten indexes no query needs (#14): every index costs each of the million rows
    a member scheme writes per version. The scorecard_id index is the prefix of uniq_score_subject
    (scorecard, organisation, member), which serves every "scores of this scorecard" query; score_rank_idx
    (scorecard, total) served live ranking by total, which derive replaced by stored ranks."""

    dependencies = [
        ("assessment", "0003_stored_read_model"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="score", name="score_rank_idx"),
        migrations.AlterField(
            model_name="score",
            name="scorecard",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="scores",
                to="assessment.scorecard",
            ),
        ),
    ]
