"""portal.lifecycle.perform serves any model with a lifecycle, not only Application.

A small ticket model (created for these tests only) with a protected state field, a transition
with a permission and a declared condition, and its own log: perform() checks the permission,
gives the condition's message, logs, emits the event the notices app dispatches to the function a
domain module registered, and turns a concurrent change into a message.
"""

import pytest
from django.db import connection, models
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from notices import events
from portal.lifecycle import ActionRefused, condition, labels, obstacles, perform, permitted, unmet


@condition("The ticket needs an answer first.", cite="测试 一、1")
def answered(ticket):
    return bool(ticket.answer)


def is_owner(ticket, user):
    return user.is_authenticated and user.username == ticket.owner


class Ticket(ConcurrentTransitionMixin, models.Model):
    state = FSMField(default="open", protected=True)
    owner = models.CharField(max_length=30)
    answer = models.CharField(max_length=30, blank=True)

    class Meta:
        app_label = "portal"
        managed = False

    log = []

    def log_transition(self, name, source, target, actor, reason="", ip=None):
        self.log.append((self.pk, name, source, target, actor.username, reason))

    @transition(field=state, source="open", target="closed", conditions=[answered], permission=is_owner,
                custom={"label": "close"})
    def close(self, **kwargs):
        pass


@pytest.fixture
def tickets(db):
    with connection.schema_editor() as editor:
        editor.create_model(Ticket)
    Ticket.log.clear()
    yield Ticket.objects
    with connection.schema_editor() as editor:
        editor.delete_model(Ticket)


@pytest.fixture
def owner(django_user_model):
    return django_user_model.objects.create_user("owner", password="x", role="expert")


@pytest.fixture
def stranger(django_user_model):
    return django_user_model.objects.create_user("stranger", password="x", role="expert")


def test_a_second_model_goes_through_the_same_service(tickets, owner, stranger):
    seen = []
    events.on("portal.ticket", "close")(lambda event: seen.append((event.name, event.source, event.target,
                                                                    event.reason)))
    ticket = tickets.create(owner="owner")
    assert permitted(ticket, "close", owner) and not permitted(ticket, "close", stranger)
    assert labels(Ticket) == {"close": "close"}

    with pytest.raises(ActionRefused, match="You are not allowed to do this."):
        perform(tickets.all(), ticket.pk, "close", stranger)
    with pytest.raises(ActionRefused, match="The ticket needs an answer first."):
        perform(tickets.all(), ticket.pk, "close", owner)
    assert unmet(ticket, "close") == "The ticket needs an answer first." and answered.cite == "测试 一、1"
    assert obstacles(ticket, "close", None) == []  # no explain declared

    tickets.filter(pk=ticket.pk).update(answer="done")
    closed = perform(tickets.all(), ticket.pk, "close", owner, reason="答复完毕")
    assert closed.state == "closed" and tickets.get(pk=ticket.pk).state == "closed"
    assert Ticket.log == [(ticket.pk, "close", "open", "closed", "owner", "答复完毕")]
    assert seen == [("close", "open", "closed", "答复完毕")]

    with pytest.raises(ActionRefused, match="This cannot be done while the record is “closed”."):
        perform(tickets.all(), ticket.pk, "close", owner)
    with pytest.raises(ActionRefused, match="This record no longer exists."):
        perform(tickets.all(), ticket.pk + 99, "close", owner)


def test_a_lost_race_is_a_message_and_changes_nothing(tickets, owner):
    ticket = tickets.create(owner="owner", answer="done")

    def meanwhile(instance):  # another request closes it after this one has loaded it
        Ticket.objects.filter(pk=instance.pk).update(state="closed")

    with pytest.raises(ActionRefused, match="Someone else has just acted on this record"):
        perform(tickets.all(), ticket.pk, "close", owner, before=meanwhile)
    assert Ticket.log == []
