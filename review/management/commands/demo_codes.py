"""The current second-factor codes of the demo's back-office logins (``manage.py demo_codes``).

The demo keeps the second factor required, as production does; its back-office users are enrolled with
a TOTP device by ``demo_data`` (and ``load_supervision --demo`` for the evaluator), and this prints the
code each device shows now, so the demo walk needs no phone.  Only the demo's own usernames are printed,
and never in the production profile.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.twofactor import current_code

from .demo_data import backoffice_usernames


class Command(BaseCommand):
    help = "Print the current second-factor code of each demo back-office login (never in production)."

    def handle(self, *args, **options):
        if getattr(settings, "PRODUCTION", False):
            raise CommandError(_("Refusing to print second-factor codes in production."))
        names = backoffice_usernames()
        devices = {device.user.username: device for device in TOTPDevice.objects.filter(
            user__username__in=names, name="default", confirmed=True).select_related("user")}
        if not devices:
            raise CommandError(_("No demo login is enrolled yet: run manage.py demo_data first."))
        step = next(iter(devices.values())).step
        left = step - int(time.time()) % step
        self.stdout.write(_("Codes of the demo logins, valid for %(seconds)d more seconds (each works once):") % {
            "seconds": left})
        for name in names:
            if name in devices:
                self.stdout.write(f"  {name:<20} {current_code(devices[name])}")
