from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = _("Notices")

    def ready(self):
        # Connecting a receiver is what ready() is for; importing at module level would load
        # the models before the app registry is ready.
        from portal.lifecycle import transitioned

        from . import tasks  # noqa: F401  (registers the Celery tasks the outbox looks up by name)
        from .events import dispatch

        transitioned.connect(dispatch, dispatch_uid="notices.events.dispatch")
