"""The full-text index of SearchDoc: an FTS5 table kept by triggers on SQLite, a GIN index on PostgreSQL."""

from django.db import migrations

SQLITE_UP = [
    "CREATE VIRTUAL TABLE publicity_searchdoc_fts USING fts5("
    "title_seg, body_seg, extra_seg, content='publicity_searchdoc', content_rowid='id')",
    "CREATE TRIGGER publicity_searchdoc_ai AFTER INSERT ON publicity_searchdoc BEGIN "
    "INSERT INTO publicity_searchdoc_fts(rowid, title_seg, body_seg, extra_seg) "
    "VALUES (new.id, new.title_seg, new.body_seg, new.extra_seg); END",
    "CREATE TRIGGER publicity_searchdoc_ad AFTER DELETE ON publicity_searchdoc BEGIN "
    "INSERT INTO publicity_searchdoc_fts(publicity_searchdoc_fts, rowid, title_seg, body_seg, extra_seg) "
    "VALUES ('delete', old.id, old.title_seg, old.body_seg, old.extra_seg); END",
    "CREATE TRIGGER publicity_searchdoc_au AFTER UPDATE ON publicity_searchdoc BEGIN "
    "INSERT INTO publicity_searchdoc_fts(publicity_searchdoc_fts, rowid, title_seg, body_seg, extra_seg) "
    "VALUES ('delete', old.id, old.title_seg, old.body_seg, old.extra_seg); "
    "INSERT INTO publicity_searchdoc_fts(rowid, title_seg, body_seg, extra_seg) "
    "VALUES (new.id, new.title_seg, new.body_seg, new.extra_seg); END",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS publicity_searchdoc_au",
    "DROP TRIGGER IF EXISTS publicity_searchdoc_ad",
    "DROP TRIGGER IF EXISTS publicity_searchdoc_ai",
    "DROP TABLE IF EXISTS publicity_searchdoc_fts",
]
PG_UP = ["CREATE INDEX publicity_searchdoc_vector_gin ON publicity_searchdoc USING gin (vector)"]
PG_DOWN = ["DROP INDEX IF EXISTS publicity_searchdoc_vector_gin"]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("publicity", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": PG_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN}),
        )
    ]
