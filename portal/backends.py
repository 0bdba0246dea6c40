"""Model permissions that follow from a user's role, not from rows in the database.

Programme staff keep their authority's configuration in the Django admin (the issue: "a new
guideline ... configured by staff in the Django admin alone"; the holiday table "editable by staff
in the admin"): programmes with their rules, attachment requirements and scoring sheets, the
expert pool, the holiday calendar, and their programmes' supervision profiles.  The admin itself limits the programmes they see to their
own authority (applications/admin.py).  Nothing else — applications, logs, users — is theirs to
edit there: those change only through the workflow.

The expert pool (with the declared relations that exclude experts from every authority's draws) and
the holiday calendar are shared: only the central registry keeper (``Role.REGISTRAR``) and system
administrators change them.  Programme staff see them and propose changes (review's pool proposals),
which the keeper accepts or declines.
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
    + [f"review.view_{model}" for model in ("expert", "expertrelation", "holidayday")]  # seen; changes proposed
    + [f"portal.{action}_creditcodecorrection" for action in ("view", "add")]
    # what their programmes ask after filing (supervision.admin limits the rows to their authority)
    + [f"supervision.{action}_supervisionprofile" for action in ("view", "change")]
)


#: The central registry keeper's: the shared expert pool, its declared relations and the holiday calendar.
REGISTRAR_PERMISSIONS = frozenset(
    [f"review.{action}_{model}" for model in ("expert", "expertrelation", "holidayday")
     for action in ("view", "add", "change", "delete")]
    + ["applications.view_field"]
)

ROLE_PERMISSIONS = {Role.STAFF: STAFF_PERMISSIONS, Role.REGISTRAR: REGISTRAR_PERMISSIONS}


class RolePermissionBackend(BaseBackend):
    """Grants each active user the permissions of their role (ROLE_PERMISSIONS); authenticates nobody itself."""

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or obj is not None:
            return set()
        return set(ROLE_PERMISSIONS.get(getattr(user_obj, "role", None), ()))

    def has_perm(self, user_obj, perm, obj=None):
        return perm in self.get_all_permissions(user_obj, obj)

    def has_module_perms(self, user_obj, app_label):
        return any(perm.startswith(f"{app_label}.") for perm in self.get_all_permissions(user_obj))
