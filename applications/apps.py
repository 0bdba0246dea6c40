from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Programmes and applications")

    def ready(self):
        # The event functions and document kinds register themselves when imported; they import
        # the models, which cannot happen before the app registry is ready.
        from . import documents, events, menu, signals  # noqa: F401

        menu.register_entries()  # the sidebar's entries of this app (portal.menu)
