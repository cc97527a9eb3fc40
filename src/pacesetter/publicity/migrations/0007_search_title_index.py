"""PostgreSQL: a GIN index over the title's words alone, so that a search finds the newest title matches through
an index (the weight-A lexemes of `vector` cannot be told apart by its GIN index). SQLite's FTS5 has columns."""

from django.db import migrations

PG_UP = [
    "CREATE INDEX publicity_searchdoc_title_gin ON publicity_searchdoc"
    " USING gin (to_tsvector('simple'::regconfig, title_seg))"
]
PG_DOWN = ["DROP INDEX IF EXISTS publicity_searchdoc_title_gin"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("publicity", "0006_exemplar_honour")]

    operations = [migrations.RunPython(_run(PG_UP), _run(PG_DOWN))]
