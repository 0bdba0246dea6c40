"""Model permissions that follow from a user's role, not from rows in the database.

Programme staff keep their authority's configuration in the Django admin (the issue: "a new
guideline ... configured by staff in the Django admin alone"; the holiday table "editable by staff
in the admin"): programmes with their rules, attachment requirements and scoring sheets, the
expert pool, the holiday calendar, and their programmes' supervision profiles.  The admin itself limits the programmes they see to their
own authority (applications/admin.py).  Nothing else — applications, logs, users — is theirs to
edit there: those change only through the workflow.
"""

from django.contrib.auth.backends import BaseBackend

from .models import Role

STAFF_PERMISSIONS = frozenset(
    [f"applications.{action}_programme" for action in ("view", "add", "change")]
    + [f"applications.{action}_{model}" for model in ("programmerule", "attachmentrequirement")
       for action in ("view", "add", "change", "delete")]
    + [f"review.{action}_criterion" for action in ("view", "add", "change")]
    + ["applications.view_field", "applications.add_field"]
    + [f"applications.{action}_{model}" for model in ("leadcategory", "memberkind") for action in ("view", "add", "change")]
    + [f"review.{action}_{model}" for model in ("expert", "expertrelation") for action in ("view", "add", "change")]
    + ["review.delete_expertrelation"]
    + [f"review.{action}_holidayday" for action in ("view", "add", "change", "delete")]
    + [f"portal.{action}_creditcodecorrection" for action in ("view", "add")]
    # what their programmes ask after filing (supervision.admin limits the rows to their authority)
    + [f"supervision.{action}_supervisionprofile" for action in ("view", "change")]
)


class RolePermissionBackend(BaseBackend):
    """Grants STAFF_PERMISSIONS to active programme staff; authenticates nobody itself."""

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or getattr(user_obj, "role", None) != Role.STAFF or obj is not None:
            return set()
        return set(STAFF_PERMISSIONS)

    def has_perm(self, user_obj, perm, obj=None):
        return perm in self.get_all_permissions(user_obj, obj)

    def has_module_perms(self, user_obj, app_label):
        return any(perm.startswith(f"{app_label}.") for perm in self.get_all_permissions(user_obj))
