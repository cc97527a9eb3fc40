"""SQLite: ballot sheets and ballots in WITHOUT ROWID tables, so no hidden key follows the order of casting.

An ordinary SQLite table numbers its rows in insertion order (the hidden rowid), whatever its primary key;
for ballots that is an order-revealing key, and next to the participation rows (numbered in the same
order) it would tie a sheet to its rater. A WITHOUT ROWID table is stored in the order of its primary key,
here a random UUID. PostgreSQL has no rowid (its physical row order is a residual, admin-only matter;
see the evaluations README section). Django's table remake for a later migration of these models would
drop the clause: tests/evaluations/test_anonymity.py checks it is still there.
"""

from django.db import migrations

TABLES = ("evaluations_ballotsheet", "evaluations_ballot")
CLAUSE = " WITHOUT ROWID"


def _rebuild(without_rowid: bool):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        with schema_editor.connection.cursor() as cur:
            for table in TABLES:
                cur.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [table])
                create = cur.fetchone()[0].removesuffix(CLAUSE)
                cur.execute(
                    "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                    [table],
                )
                indexes = [row[0] for row in cur.fetchall()]
                new = f"{table}__new"
                head = f'CREATE TABLE "{table}"'
                if not create.startswith(head):
                    raise RuntimeError(f"unexpected schema for {table}: {create[:80]}")
                schema_editor.execute(
                    f'CREATE TABLE "{new}"' + create[len(head) :] + (CLAUSE if without_rowid else "")
                )
                schema_editor.execute(f'INSERT INTO "{new}" SELECT * FROM "{table}"')
                schema_editor.execute(f'DROP TABLE "{table}"')
                schema_editor.execute(f'ALTER TABLE "{new}" RENAME TO "{table}"')
                for sql in indexes:
                    schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("evaluations", "0002_ballotcode_hot_update"),
    ]

    operations = [migrations.RunPython(_rebuild(True), _rebuild(False))]
