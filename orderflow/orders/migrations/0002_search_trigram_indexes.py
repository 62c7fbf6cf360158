"""Trigram indexes for the order list's free-text search (PostgreSQL only).

Django's icontains is UPPER(col::text) LIKE UPPER('%term%'); these GIN indexes
on the same expressions let PostgreSQL answer it without scanning every order.
SQLite (the embedded default) has no pg_trgm and scans, which is fine at its size.
"""

from django.db import migrations

INDEXES = [
    ("order_number_trgm", "orders_order", "number"),
    ("order_customer_po_trgm", "orders_order", "customer_po"),
    ("order_contact_name_trgm", "orders_order", "contact_name"),
    ("customer_name_trgm", "masterdata_customer", "name"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
            f"USING gin ((UPPER(({column})::text)) gin_trgm_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("orders", "0001_initial"), ("masterdata", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
