from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("Supervision after filing")

    def ready(self):
        # The event functions and the document kind register themselves when imported (they import the models); importing the
        # tasks registers the Celery task the beat schedule names.
        from . import documents, events, menu, tasks  # noqa: F401

        menu.register_entries()  # the sidebar's entries of this app (portal.menu)
