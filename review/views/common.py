"""What the programme-staff pages share: the staff-only check, the chosen ids, the chosen programme."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from portal import clientip
from portal.models import Role


def require_staff(request):
    """These pages act for one authority: programme staff only."""
    if request.user.role != Role.STAFF or not request.user.authority_id:
        raise PermissionDenied(_("Only programme staff can do this."))


def posted_ids(request):
    """The ticked ``ids`` of a posted list, as numbers, each once, in their order (others are skipped)."""
    ids = []
    for value in request.POST.getlist("ids"):
        try:
            ids.append(int(value))
        except ValueError:
            continue
    return list(dict.fromkeys(ids))


def authority_programme(request, programmes):
    """The programme chosen with ?programme= (or in the form), else the first one."""
    chosen = request.POST.get("programme") or request.GET.get("programme")
    for programme in programmes:
        if str(programme.pk) == chosen:
            return programme
    return programmes[0] if programmes else None


def client_ip(request):
    """The client's address (behind the trusted proxies): portal.clientip, shared with the public forms."""
    return clientip.client_ip(request)
