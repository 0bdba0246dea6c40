"""An application whose state another request changed since it was read is not saved over it
(django-fsm's ConcurrentTransitionMixin, with its state fields found once per class)."""

import pytest
from django.db import transaction
from django_fsm import ConcurrentTransition

from applications.models import Application
from applications.states import State
from tests.review_factories import make_application


def test_a_state_changed_since_the_application_was_read_is_not_saved_over(seeded):
    app = make_application("beijing-2026", state=State.FORMAL_REVIEW)
    stale = Application.objects.get(pk=app.pk)
    Application.objects.filter(pk=app.pk).update(state=State.RETURNED)  # another request moved it meanwhile
    stale.name = "改名的创新联合体"
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        stale.save()
    fresh = Application.objects.get(pk=app.pk)
    assert fresh.state == State.RETURNED and fresh.name == app.name
    fresh.name = "改名的创新联合体"
    fresh.save()  # read after the change: saved
    assert Application.objects.get(pk=app.pk).name == "改名的创新联合体"


def test_the_guarded_fields_are_the_state_fields(seeded):
    app = make_application("beijing-2026", state=State.FORMAL_REVIEW)
    assert [field.name for field in app.state_fields] == ["state"]
    read = Application.objects.defer("goals").get(pk=app.pk)
    assert [field.name for field in read.state_fields] == ["state"] and "goals" in read.get_deferred_fields()
