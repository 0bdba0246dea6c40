"""Each role's workspace: the applicant's applications and open calls, a reviewer's dashboard."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from applications.scoping import visible_applications
from applications.views import open_programmes
from portal.models import Role

from .staff import dashboard_context


@login_required
def workspace(request):
    """Each role's dashboard: what waits for this user (with days waited) and counts by state."""
    user = request.user
    context = dashboard_context(user)
    if user.role == Role.APPLICANT:
        # for_table() groups by (member count), which drops Meta.ordering: order explicitly.
        context["applications"] = visible_applications(user).for_table().order_by("-updated_at", "-pk")
        context["programmes"] = open_programmes()
        template = "portal/workspace_applicant.html"
    else:
        template = "review/dashboard/reviewer.html"
    return render(request, template, context)
