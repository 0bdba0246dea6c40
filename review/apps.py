from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = _("Review")

    def ready(self):
        # The document kinds register themselves when imported (after the app registry is ready).
        from . import documents  # noqa: F401
