"""Reads of the review: what waits for whom."""

from applications.models import Application
from applications.scoping import visible_applications
from applications.stages import acting_states


def waiting_queue(user):
    """Applications waiting for this user's action (the states in which the user's role acts)."""
    states = acting_states(user.role)
    return visible_applications(user).filter(state__in=states) if states else Application.objects.none()
