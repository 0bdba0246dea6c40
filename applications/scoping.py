"""Access control in the queryset: one scoping function per role.

Every view and download starts from :func:`visible_applications`, so an id outside the
user's scope is a 404, never a leak.
"""

from django.db import models

from portal.models import Role


class ApplicationQuerySet(models.QuerySet):
    def for_table(self):
        """Everything a list needs, in a fixed number of queries."""
        return self.select_related("programme__authority", "unit", "district").annotate(
            member_count=models.Count("members", distinct=True))

    def for_detail(self):
        from .models import Attachment

        return self.select_related("programme__authority", "unit__division__parent__parent", "district",
                                   "created_by").prefetch_related(
            "programme__attachment_requirements", "programme__rules",
            "members", "people", "tasks", "budget_lines", "targets", "versions", "documents",
            models.Prefetch("attachments", queryset=Attachment.objects.select_related("requirement").prefetch_related(
                "files")),
        )


def visible_applications(user):
    from .models import Application

    qs = Application.objects.all()
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.role == Role.APPLICANT:
        return qs.filter(unit_id=user.unit_id)
    if user.role == Role.DISTRICT:
        return qs.filter(district_id=user.district_id).exclude(state="draft")
    if user.role == Role.STAFF:
        return qs.filter(programme__authority_id=user.authority_id).exclude(state="draft")
    if user.role == Role.ADMIN:
        return qs
    if user.role == Role.EXPERT:
        # Only applications the expert has accepted (after declaring no conflict of interest).
        return qs.filter(assignments__expert__user=user,
                         assignments__status__in=["accepted", "submitted"]).distinct()
    return qs.none()
