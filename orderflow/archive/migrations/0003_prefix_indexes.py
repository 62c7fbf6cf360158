"""Prefix indexes for the archive index's number search (PostgreSQL only, P9.2).

The search asks number LIKE 'TERM%'; under a non-C collation only a pattern_ops index
answers that. SQLite (the embedded default) scans, which is fine at its size.
"""

from django.db import migrations

INDEXES = [("dossier_order_number_prefix", "order_number"),
           ("dossier_number_prefix", "number")]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON archive_dossier "
                              f"({column} varchar_pattern_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("archive", "0002_defaults")]
    operations = [migrations.RunPython(create, drop)]
