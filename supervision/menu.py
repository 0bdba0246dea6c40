"""The supervision app's entries in the back office's sidebar (:mod:`portal.menu`), registered by
``SupervisionConfig.ready``: the consortia under supervision and the lists of reports, evaluations,
changes and revocations, and the funds granted and recovered per programme and year.  Applicants reach their consortia from the public layout's top navigation."""

from django.utils.translation import gettext_lazy as _

from portal.menu import Entry, Section, register, register_section
from portal.models import Role

SUPERVISION = "supervision"
OVERSEERS = frozenset({Role.STAFF, Role.ADMIN})


def register_entries():
    register_section(Section(SUPERVISION, _("Supervision after filing"), order=40))
    register(
        Entry("supervision.consortia", _("Consortia under supervision"), "supervision:consortia",
              section=SUPERVISION, order=10, roles=frozenset({Role.STAFF, Role.ADMIN, Role.EVALUATOR}),
              also=("supervision:consortium", "supervision:report_edit", "supervision:evaluation_edit",
                    "supervision:commission", "supervision:rectification_new", "supervision:rectification",
                    "supervision:revocation_new", "supervision:funds_new", "supervision:change_new",
                    "supervision:report_start")),
        Entry("supervision.reports", _("Annual reports"), "supervision:reports", section=SUPERVISION, order=20,
              roles=OVERSEERS, also=("supervision:report_review",)),
        Entry("supervision.evaluations", _("Evaluations"), "supervision:evaluations", section=SUPERVISION,
              order=30, roles=OVERSEERS, also=("supervision:evaluation_confirm",)),
        Entry("supervision.changes", _("Change filings"), "supervision:changes", section=SUPERVISION, order=40,
              roles=OVERSEERS, also=("supervision:change_review",)),
        Entry("supervision.revocations", _("Revocations"), "supervision:revocations", section=SUPERVISION,
              order=50, roles=OVERSEERS, also=("supervision:revocation_review",)),
        Entry("supervision.funds", _("Funds granted and recovered"), "supervision:funds", section=SUPERVISION,
              order=60, roles=OVERSEERS, also=("supervision:funds_export",)),
    )
