from django.db import migrations, models


def number_existing(apps, schema_editor):
    """Give the applications made before 申报编号 existed theirs, in the order they were created."""
    Application = apps.get_model("applications", "Application")
    Counter = apps.get_model("notices", "Counter")
    for app in Application.objects.filter(reference__isnull=True).select_related("programme").order_by("created_at", "pk"):
        prefix, year = app.programme.certificate_prefix, app.created_at.year
        counter, _created = Counter.objects.get_or_create(series=f"reference:{prefix}", year=year)
        counter.last += 1
        counter.save(update_fields=["last"])
        app.reference = f"{prefix}SB{year}{counter.last:04d}"
        app.save(update_fields=["reference"])


class Migration(migrations.Migration):

    dependencies = [
        ("applications", "0004_revoked_on"),
        ("notices", "0004_papers"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="reference",
            field=models.CharField(blank=True, max_length=40, null=True, unique=True, verbose_name="application number"),
        ),
        migrations.RunPython(number_existing, migrations.RunPython.noop),
    ]
