"""What the applications' pages share."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from portal.models import Role

from ..selectors import visible_applications


def own_application(request, pk, editable=False):
    """The application if the user may see it (404 otherwise); applicants only for editing."""
    queryset = visible_applications(request.user)
    if editable and request.user.role != Role.APPLICANT:
        raise Http404
    return get_object_or_404(queryset.select_related("programme__authority", "unit__division"), pk=pk)


def short_time(moment):
    """HH:MM today, the date too on another day (Beijing time)."""
    local = timezone.localtime(moment)
    return local.strftime("%H:%M" if local.date() == timezone.localdate() else "%Y-%m-%d %H:%M")
