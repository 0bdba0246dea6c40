"""Events: what happened, and the notices and documents it calls for.

A domain module registers one function per event (as Open Forms' ``logevent.py`` does)::

    @events.on("applications.application", "file")
    def filed(event):
        ...  # outbox.add_job(...), outbox.notify(...)

A transition fired through :func:`portal.lifecycle.perform` sends ``transitioned``; the
notices app turns it into an :class:`Event` and runs the registered function *inside the
transaction of the change*, in the portal's language, so the outbox rows commit with the state
change or not at all; delivery happens after the commit (:mod:`notices.outbox`).  Other domain
events (an expert invited, an objection received) call :func:`emit` themselves.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation

_handlers = {}


@dataclass
class Event:
    subject: str  # "app_label.model", e.g. "applications.application"
    name: str  # the transition's or the event's name
    instance: object = None
    source: str = ""
    target: str = ""
    actor: object = None
    reason: str = ""
    data: dict = field(default_factory=dict)


def on(subject, *names):
    """Register the decorated function for the events ``names`` of ``subject``."""
    def register(function):
        for name in names:
            _handlers.setdefault((subject, name), []).append(function)
        return function
    return register


def portal_language():
    """Write notices in the portal's language (settings.LANGUAGE_CODE), not in the language of
    whoever happens to act: a reviewer browsing in English must not send English notices."""
    return translation.override(settings.LANGUAGE_CODE)


def emit(event):
    """Run every function registered for this event, in the portal's language."""
    with portal_language():
        for function in _handlers.get((event.subject, event.name), []):
            function(event)


def dispatch(sender, instance, name, source, target, actor=None, reason="", **kwargs):
    """Receiver of :data:`portal.lifecycle.transitioned`."""
    emit(Event(subject=sender._meta.label_lower, name=name, instance=instance, source=source, target=target,
               actor=actor, reason=reason))


def registered():
    """``{(subject, name): [function names]}``, for the docs and the tests."""
    return {key: [f.__name__ for f in functions] for key, functions in _handlers.items()}
