"""One way to change the state of anything with a lifecycle (django-fsm-2, public API only).

A model with a lifecycle has a protected ``state`` FSMField, transitions whose ``conditions``
are declared with :func:`condition` (the message shown when one is not met, and the article it
cites) and whose ``permission`` says who may fire them, and a ``log_transition(...)`` method
that writes its append-only log.  :func:`perform` is the only code that fires a transition:

1. load the row inside one transaction;
2. refuse, with a message, a transition that does not start from the present state or that
   this user may not fire;
3. run the caller's ``before`` (records that must exist for the conditions, e.g. an opinion);
4. check each condition in turn and refuse with the first unmet one's message;
5. fire, save (a concurrent change raises and becomes a message), log, run ``after``;
6. send :data:`transitioned`, whose receivers (the notices app) write the outbox rows of the
   event in the same transaction, so a notice is never lost nor sent for a change rolled back.

Annual reports, change requests and any later lifecycle use it unchanged.
"""

from django.db import transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import ConcurrentTransition, TransitionNotAllowed, can_proceed

#: Sent inside the transaction after a transition is saved and logged.
#: Arguments: ``instance``, ``name``, ``source``, ``target``, ``actor``, ``reason``.
transitioned = Signal()


class ActionRefused(Exception):
    """An action the user may not take now; the message says why, in the user's language."""


#: What perform() says when it refuses; a model with a lifecycle may set its own ``lifecycle_messages``
#: (the application's name it an application), with ``%(state)s`` in "wrong_state".
MESSAGES = {
    "gone": gettext_lazy("This record no longer exists."),
    "wrong_state": gettext_lazy("This cannot be done while the record is “%(state)s”."),
    "not_allowed": gettext_lazy("You are not allowed to do this."),
    "race": gettext_lazy("Someone else has just acted on this record; nothing was changed. Please reload the page "
                         "to see its present state."),
}


def _message(model, key):
    return str({**MESSAGES, **getattr(model, "lifecycle_messages", {})}[key])


def condition(message, cite=""):
    """Declare a transition condition with the message shown when it is not met.

    ``message`` is a string or a callable of the instance (for messages with figures);
    ``cite`` is the article of the guideline the condition comes from.  A page that lists why many
    rows cannot go on yet (with dates and counts, from what it has loaded) sets ``explain`` on the
    condition with :func:`explains`.
    """
    def declare(function):
        function.message = message
        function.cite = cite
        return function
    return declare


def explains(condition_function):
    """Attach the decorated ``explain(instance, today) -> [reasons]`` to a declared condition."""
    def attach(explain):
        condition_function.explain = explain
        return explain
    return attach


def obstacles(instance, name, today):
    """Every reason the conditions of ``name`` (from the present state) give for not going on yet."""
    transition = current_transition(instance, name)
    return [reason for function in (transition.conditions if transition else [])
            if getattr(function, "explain", None) for reason in function.explain(instance, today)]


def condition_message(function, instance):
    message = getattr(function, "message", None)
    if message is None:
        return _("A condition is not met.")
    return str(message(instance) if callable(message) else message)


def field_transitions(model):
    """Every declared transition of ``model``'s ``state`` field (django-fsm-2's Transition objects)."""
    return list(model._meta.get_field("state").get_all_transitions(model))


def _applies(transition, state):
    source = transition.source
    return source == state or source == "*" or (source == "+" and state != transition.target)


def current_transition(instance, name):
    """The transition ``name`` that starts from the instance's present state, or None."""
    for transition in field_transitions(type(instance)):
        if transition.name == name and _applies(transition, instance.state):
            return transition
    return None


def permitted(instance, name, user) -> bool:
    """Whether ``user`` may fire ``name`` from the present state, conditions aside (each unmet
    condition gets its own message from :func:`unmet`)."""
    transition = current_transition(instance, name)
    return bool(transition is not None and user.is_authenticated and transition.has_perm(instance, user))


def unmet(instance, name):
    """The message of the first condition of ``name`` that is not met now (None when all are)."""
    transition = current_transition(instance, name)
    for function in (transition.conditions if transition else []):
        if not function(instance):
            return condition_message(function, instance)
    return None


def labels(model):
    """``{transition name: label}`` from each transition's ``custom["label"]``."""
    found = {}
    for transition in field_transitions(model):
        label = transition.custom.get("label")
        if label and transition.name not in found:
            found[transition.name] = label
    return found


def _load(queryset, pk):
    try:
        return queryset.get(pk=pk)
    except queryset.model.DoesNotExist:
        raise ActionRefused(_message(queryset.model, "gone")) from None


def _check_allowed(instance, name, user):
    if permitted(instance, name, user):
        return
    if not can_proceed(getattr(instance, name), check_conditions=False):
        state = instance.get_state_display() if hasattr(instance, "get_state_display") else instance.state
        raise ActionRefused(_message(type(instance), "wrong_state") % {"state": state})
    raise ActionRefused(_message(type(instance), "not_allowed"))


def perform(queryset, pk, name, user, reason="", ip=None, before=None, after=None):
    """Fire transition ``name`` on the row ``pk`` of ``queryset`` for ``user``; returns the instance."""
    try:
        with transaction.atomic():
            instance = _load(queryset, pk)
            _check_allowed(instance, name, user)
            transition = current_transition(instance, name)
            if transition.custom.get("reason_required") and not reason.strip():
                raise ActionRefused(str(transition.custom["reason_required"]))
            if before is not None:
                before(instance)
            problem = unmet(instance, name)
            if problem:
                raise ActionRefused(problem)
            source = instance.state
            getattr(instance, name)(by=user, reason=reason)
            instance.save()
            instance.log_transition(name=name, source=source, target=instance.state, actor=user, reason=reason,
                                    ip=ip)
            if after is not None:
                after(instance)
            transitioned.send(sender=type(instance), instance=instance, name=name, source=source,
                              target=instance.state, actor=user, reason=reason)
            return instance
    except (ConcurrentTransition, TransitionNotAllowed):
        raise ActionRefused(_message(queryset.model, "race")) from None
