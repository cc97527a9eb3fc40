"""Search facets: filter words (`xpub`, `xk<kind>`) in their own FTS5 column, so that SQLite filters, ranks
(bm25 with the column weights as the table's `rank`) and cuts to the page inside FTS5, and computes snippets for
that page only. The FTS5 table is rebuilt with the new column; PostgreSQL only gains the field."""

from django.db import migrations, models

COLUMNS = "title_seg, body_seg, extra_seg, facets"
NEW = "new.title_seg, new.body_seg, new.extra_seg, new.facets"
OLD = "old.title_seg, old.body_seg, old.extra_seg, old.facets"

SQLITE_UP = [
    "DROP TRIGGER IF EXISTS publicity_searchdoc_au",
    "DROP TRIGGER IF EXISTS publicity_searchdoc_ad",
    "DROP TRIGGER IF EXISTS publicity_searchdoc_ai",
    "DROP TABLE IF EXISTS publicity_searchdoc_fts",
    f"CREATE VIRTUAL TABLE publicity_searchdoc_fts USING fts5({COLUMNS},"
    " content='publicity_searchdoc', content_rowid='id')",
    "INSERT INTO publicity_searchdoc_fts(publicity_searchdoc_fts, rank) VALUES ('rank', 'bm25(8.0, 2.0, 1.0, 0.0)')",
    "CREATE TRIGGER publicity_searchdoc_ai AFTER INSERT ON publicity_searchdoc BEGIN "
    f"INSERT INTO publicity_searchdoc_fts(rowid, {COLUMNS}) VALUES (new.id, {NEW}); END",
    "CREATE TRIGGER publicity_searchdoc_ad AFTER DELETE ON publicity_searchdoc BEGIN "
    f"INSERT INTO publicity_searchdoc_fts(publicity_searchdoc_fts, rowid, {COLUMNS}) "
    f"VALUES ('delete', old.id, {OLD}); END",
    "CREATE TRIGGER publicity_searchdoc_au AFTER UPDATE ON publicity_searchdoc BEGIN "
    f"INSERT INTO publicity_searchdoc_fts(publicity_searchdoc_fts, rowid, {COLUMNS}) "
    f"VALUES ('delete', old.id, {OLD}); "
    f"INSERT INTO publicity_searchdoc_fts(rowid, {COLUMNS}) VALUES (new.id, {NEW}); END",
    "INSERT INTO publicity_searchdoc_fts(publicity_searchdoc_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS publicity_searchdoc_au",
    "DROP TRIGGER IF EXISTS publicity_searchdoc_ad",
    "DROP TRIGGER IF EXISTS publicity_searchdoc_ai",
    "DROP TABLE IF EXISTS publicity_searchdoc_fts",
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
    "INSERT INTO publicity_searchdoc_fts(publicity_searchdoc_fts) VALUES ('rebuild')",
]
FILL = (
    "UPDATE publicity_searchdoc SET facets = (CASE WHEN is_public THEN 'xpub ' ELSE '' END) || 'xk' || kind"
)


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for sql in statements:
                schema_editor.execute(sql)

    return run


def fill(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":  # the old triggers would re-index every row
        for sql in SQLITE_UP[:3]:
            schema_editor.execute(sql)
    schema_editor.execute(FILL)


class Migration(migrations.Migration):
    dependencies = [("publicity", "0004_exemplars")]

    operations = [
        migrations.AddField(
            model_name="searchdoc",
            name="facets",
            field=models.CharField(blank=True, editable=False, max_length=40),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(_run(SQLITE_UP), _run(SQLITE_DOWN)),
    ]
