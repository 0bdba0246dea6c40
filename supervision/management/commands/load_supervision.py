"""Write the seed programmes' supervision profiles (``supervision/seed.py``); profiles staff edited in the admin
are kept unless ``--reset``.  ``--demo`` also adds the demo's third-party evaluator (``evaluator``, commissioned
for every filed demo consortium for this year) and the annual reports the filed consortia owe."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from applications.models import Application, Programme
from applications.states import State
from portal.models import Role, User
from portal.twofactor import enrol
from review.management.commands.demo_data import DEMO_EVALUATOR, DEMO_PASSWORD
from supervision.models import EvaluatorCommission, SupervisionProfile
from supervision.seed import defaults_for
from supervision.services import ensure_reports


class Command(BaseCommand):
    help = "Load the supervision profiles of the programmes from the seed (and, with --demo, the demo evaluator)."

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="Overwrite profiles that exist.")
        parser.add_argument("--demo", action="store_true", help="Add the demo evaluator and the reports owed.")

    @transaction.atomic
    def handle(self, *args, reset=False, demo=False, **options):
        for programme in Programme.objects.all():
            values = defaults_for(programme.code)
            if reset:
                SupervisionProfile.objects.update_or_create(programme=programme, defaults=values)
            else:
                SupervisionProfile.objects.get_or_create(programme=programme, defaults=values)
        self.stdout.write(f"{SupervisionProfile.objects.count()} supervision profiles.")
        if demo:
            self._demo()

    def _demo(self):
        evaluator, created = User.objects.get_or_create(
            username=DEMO_EVALUATOR, defaults={"role": Role.EVALUATOR, "full_name": "示范第三方评价机构",
                                            "email": "evaluator@example.cn"})
        if created:
            evaluator.set_password(DEMO_PASSWORD)
            evaluator.save()
        enrol(evaluator)  # the second factor its role needs (manage.py demo_codes prints the code)
        admin = User.objects.filter(role=Role.ADMIN).first() or evaluator
        year = timezone.localdate().year
        for application in Application.objects.filter(state=State.FILED, revoked_on__isnull=True):
            EvaluatorCommission.objects.get_or_create(evaluator=evaluator, application=application, period=year,
                                                      defaults={"commissioned_by": admin})
        self.stdout.write(f"demo evaluator: evaluator; {ensure_reports()} annual report(s) opened.")
