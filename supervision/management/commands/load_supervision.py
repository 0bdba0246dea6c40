"""Write the seed programmes' supervision profiles (``supervision/seed.py``); profiles staff edited in the admin
are kept unless ``--reset``."""

from django.core.management.base import BaseCommand

from applications.models import Programme
from supervision.models import SupervisionProfile
from supervision.seed import defaults_for


class Command(BaseCommand):
    help = "Load the supervision profiles of the programmes from the seed."

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="Overwrite profiles that exist.")

    def handle(self, *args, reset=False, **options):
        for programme in Programme.objects.all():
            values = defaults_for(programme.code)
            if reset:
                SupervisionProfile.objects.update_or_create(programme=programme, defaults=values)
            else:
                SupervisionProfile.objects.get_or_create(programme=programme, defaults=values)
        self.stdout.write(f"{SupervisionProfile.objects.count()} supervision profiles.")
