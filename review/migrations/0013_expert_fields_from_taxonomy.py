"""The expert pool's fields (a JSON list of names) point at the shared field taxonomy: each name is
matched to the taxonomy's field of that name (made when the taxonomy has none, so nothing is lost)."""

from django.db import migrations, models


def forwards(apps, schema_editor):
    Field = apps.get_model("applications", "Field")
    for expert in apps.get_model("review", "Expert").objects.all():
        for name in expert.fields_json or []:
            name = str(name).strip()[:60]
            if name:
                field, _created = Field.objects.get_or_create(name=name)
                expert.fields.add(field)


def backwards(apps, schema_editor):
    for expert in apps.get_model("review", "Expert").objects.all():
        expert.fields_json = [field.name for field in expert.fields.all()]
        expert.save(update_fields=["fields_json"])


class Migration(migrations.Migration):

    dependencies = [
        ('applications', '0009_vocabulary_and_field_taxonomy'),
        ('review', '0012_transitionlog_evaluator_role'),
    ]

    operations = [
        migrations.RenameField(model_name='expert', old_name='fields', new_name='fields_json'),
        migrations.AddField(
            model_name='expert',
            name='fields',
            field=models.ManyToManyField(blank=True, help_text='Fields (领域) the expert can evaluate, from the shared taxonomy.', related_name='experts', to='applications.field', verbose_name='fields'),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name='expert', name='fields_json'),
    ]
