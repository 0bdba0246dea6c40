"""What the supervision pages share: the consortium in the user's scope, the staff check, running an action."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from applications import lifecycle
from portal import clientip
from portal.lifecycle import ActionRefused

from ..selectors import consortia_in_scope, in_scope


def consortium_or_404(request, application_id):
    queryset = consortia_in_scope(request.user).select_related("programme__authority", "unit")
    return get_object_or_404(queryset, pk=application_id)


def record_or_404(request, model, pk):
    return get_object_or_404(in_scope(model, request.user).select_related(
        "application__programme__authority", "application__unit"), pk=pk)


def require_staff_of(request, application):
    if not lifecycle.is_staff_of(application, request.user):
        raise PermissionDenied(_("Only the programme's staff can do this."))


def require_consortium(request, application):
    if not lifecycle.is_applicant_of(application, request.user):
        raise PermissionDenied(_("Only the consortium's own unit can do this."))


def run(request, action, done):
    """Run ``action()``; show ``done`` or the reason it was refused.  True when it went through."""
    try:
        action()
    except ActionRefused as error:
        messages.error(request, _("Nothing was changed: %(reason)s") % {"reason": error})
        return False
    messages.success(request, done)
    return True


def client_ip(request):
    """The client's address (behind the trusted proxies): portal.clientip, as the review pages and axes read it."""
    return clientip.client_ip(request)


def page_of(request, queryset, per_page=25):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
