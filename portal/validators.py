"""Password validators whose messages reach the user in Chinese.

Django 5.2 reworded MinimumLengthValidator's error ("%d" instead of "%(min_length)d") and its
Chinese catalogue has not caught up, so the short-password error showed in English; this one says
the same thing through the portal's own catalogue.
"""

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self):
        return ngettext("This password is too short: it needs at least %(n)d character.",
                        "This password is too short: it needs at least %(n)d characters.",
                        self.min_length) % {"n": self.min_length}
