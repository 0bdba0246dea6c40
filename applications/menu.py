"""The applications app's entries in the back office's sidebar (:mod:`portal.menu`), registered by
``ApplicationsConfig.ready``: the programmes in the admin and the public calls."""

from django.utils.translation import gettext_lazy as _

from portal.menu import CONFIGURATION, PUBLIC, Entry, register


def register_entries():
    register(
        Entry("applications.programmes", _("Programmes"), "admin:applications_programme_changelist",
              section=CONFIGURATION, order=10, permission="applications.view_programme"),
        Entry("applications.calls", _("Calls for applications"), "applications:call_list", section=PUBLIC, order=10,
              also=("applications:call_detail",)),
    )
