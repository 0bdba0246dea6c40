from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from portal.lifecycle import transitioned

from .events import dispatch


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = _("Notices")

    def ready(self):
        # The tasks module imports the models, which cannot be imported before the registry is ready;
        # importing it registers the Celery tasks the outbox looks up by name.
        from . import tasks  # noqa: F401

        transitioned.connect(dispatch, dispatch_uid="notices.events.dispatch")
