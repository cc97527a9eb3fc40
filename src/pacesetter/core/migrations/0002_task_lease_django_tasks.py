"""The queue moves to django.tasks on django-tasks-db: unfinished rows of the old Task table are queued
again there (a RUNNING one was cut short: tasks are idempotent, so it runs again), then the table goes."""

import uuid

import django.db.models.deletion
from django.db import migrations, models


def requeue_unfinished(apps, schema_editor):
    Task = apps.get_model("core", "Task")
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    DBTaskResult.objects.bulk_create(
        DBTaskResult(
            id=uuid.uuid4(),
            status="READY",
            args_kwargs={"args": [], "kwargs": t.args},
            priority=0,
            task_path=t.name,
            queue_name="default",
            backend_name="default",
            run_after=t.run_after,
        )
        for t in Task.objects.filter(status__in=["queued", "running"]).order_by("id")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [
        migrations.CreateModel(
            name="TaskLease",
            fields=[
                (
                    "result",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="lease",
                        serialize=False,
                        to="django_tasks_database.dbtaskresult",
                    ),
                ),
                ("worker", models.CharField(max_length=64)),
                ("expires_at", models.DateTimeField(db_index=True)),
            ],
        ),
        migrations.RunPython(requeue_unfinished, migrations.RunPython.noop),
        migrations.DeleteModel(name="Task"),
    ]
