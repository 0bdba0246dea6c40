"""The lead unit's name and credit code on the application (``lead_search``), with one trigram index: the
staff list's search reads one table instead of looking the units up first and passing their ids on (a
list that grew with the data)."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Concat

INDEX = "application_lead_trgm"


def backfill(apps, schema_editor):
    Application = apps.get_model("applications", "Application")
    Unit = apps.get_model("portal", "Unit")
    unit = Unit.objects.filter(pk=OuterRef("unit_id"))
    Application.objects.update(lead_search=Concat(
        Subquery(unit.values("name")[:1]), Value("\n"), Subquery(unit.values("credit_code")[:1]),
        output_field=models.TextField()))


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":  # the demo's SQLite has no pg_trgm
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON applications_application USING gin (UPPER(lead_search) gin_trgm_ops)")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ('applications', '0009_vocabulary_and_field_taxonomy'),
        ('portal', '0006_unit_search_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='application',
            name='lead_search',
            field=models.TextField(blank=True, default='', editable=False, verbose_name='lead unit, as searched'),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.RunPython(add_index, drop_index),
    ]
