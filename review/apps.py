from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = _("Review")

    def ready(self):
        # The document kinds and the events' notices register themselves when imported (after the app registry is ready); importing
        # the tasks registers the Celery tasks the exports look up by name.
        from . import documents, events, menu, tasks  # noqa: F401

        menu.register_entries()  # the sidebar's entries of this app (portal.menu)

        from django.db.models.signals import post_save

        from applications.models import Certificate

        from .directory import forget_choices

        post_save.connect(forget_choices, sender=Certificate, dispatch_uid="review.directory.forget_choices")
