"""Seed the holiday table from chinesecalendar (every year it knows, with 调休 make-up days).

Staff keep it current in the admin when the State Council publishes a new year's notice.
"""

from django.db import migrations


def seed(apps, schema_editor):
    from review.calendar import load_holidays

    load_holidays(apps.get_model("review", "HolidayDay"))


class Migration(migrations.Migration):
    dependencies = [("review", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
