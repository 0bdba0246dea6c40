from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

#: The staff list finds applications by their lead unit's name or credit code (substrings, any case):
#: trigram indexes on UPPER(column), as ``icontains`` compares.  PostgreSQL only (the demo's SQLite
#: has no pg_trgm and scans its few rows).
TRIGRAM_INDEXES = [
    ("unit_name_trgm", "portal_unit", "name"),
    ("unit_credit_code_trgm", "portal_unit", "credit_code"),
]


def add_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, column in TRIGRAM_INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (UPPER({column}) gin_trgm_ops)")


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ("portal", "0005_papers"),
    ]

    operations = [
        TrigramExtension(),  # does nothing on SQLite
        migrations.RunPython(add_trigram_indexes, drop_trigram_indexes),
    ]
