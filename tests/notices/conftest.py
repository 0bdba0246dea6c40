"""What the documents' tests share: in-process dispatch of the outbox, and applications prepared with it held."""

import pytest
from django.test import override_settings

from notices import outbox
from portal.celery import app as celery_app
from tests.review_factories import make_application


@pytest.fixture
def dispatch(settings, monkeypatch):
    """Eager, in-process dispatch; the test transaction never commits, so run on_commit at once."""
    monkeypatch.setattr(outbox.transaction, "on_commit", lambda func: func())
    settings.OUTBOX_DISPATCH = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    celery_app.conf.task_always_eager = True
    return settings


def prepared(code, **kwargs):
    """``make_application`` with the outbox held: the jobs of the way there are written but not handed
    on (they stay pending, as with the broker away), so their documents and e-mails are not rendered.
    For tests that look at what happens next, not at the documents of the set-up."""
    with override_settings(OUTBOX_DISPATCH=False):
        return make_application(code, **kwargs)
