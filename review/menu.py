"""The review app's entries in the back office's sidebar (:mod:`portal.menu`), registered by
``ReviewConfig.ready``: the workspace, the staff list and one list per waiting state of each role's
stages (from :data:`applications.stages.STAGES`), decisions, publicity and filing, the experts'
evaluations, the expert pool and the holiday calendar, and the public pages."""

from django.utils.translation import gettext_lazy as _

from applications.stages import STAGES, acting_states
from applications.states import State
from portal.menu import CONFIGURATION, PUBLIC, WORK, Entry, Section, register, register_section
from portal.models import Role

from .filters import LIST_ROLES
from .models import PoolProposal

STAGE_LISTS, DECISIONS, EXPERTS = "review.stages", "review.decisions", "review.experts"

STAFF = frozenset({Role.STAFF})
POOL = frozenset({Role.STAFF, Role.REGISTRAR, Role.ADMIN})


def _pages_of(state):
    """The application pages (by pk) where an application waiting in ``state`` is acted on."""
    return tuple(dict.fromkeys(page.url_name for stage in STAGES.values() for waits, page in stage.pages.items()
                               if waits == state and page.args == "pk"))


def _stage_lists():
    """One staff-list entry per state a role acts in, seen by that role and by administrators."""
    labels = dict(State.choices)
    roles_of = {}
    for role in (Role.DISTRICT, Role.STAFF):
        for state in acting_states(role):
            roles_of.setdefault(state, {Role.ADMIN}).add(role)
    return [Entry(f"review.state.{state}", labels[state], "review:staff_list", section=STAGE_LISTS,
                  order=20 + index, roles=frozenset(roles), query=(("state", str(state)),), also=_pages_of(state))
            for index, (state, roles) in enumerate(sorted(roles_of.items(), key=lambda i: State.values.index(i[0])))]


def register_entries():
    register_section(Section(STAGE_LISTS, _("Applications by stage"), order=20),
                     Section(DECISIONS, _("Decision, publicity and filing"), order=30),
                     Section(EXPERTS, _("Expert evaluation"), order=50))
    register(
        Entry("review.workspace", _("Workspace"), "review:workspace", section=WORK, order=10),
        Entry("review.staff_list", _("All applications"), "review:staff_list", section=STAGE_LISTS, order=10,
              roles=frozenset(LIST_ROLES),
              also=("review:application_detail", "review:version_diff", "review:export_detail",
                    "review:reissue_certificate")),
        *_stage_lists(),
        Entry("review.district_batch", _("Recommend in a batch"), "review:district_batch", section=WORK, order=20,
              roles=frozenset({Role.DISTRICT}), also=("review:recommendation_batch",)),
        Entry("review.credit", _("Credit records"), "review:credit_list", section=WORK, order=30,
              roles=frozenset({Role.STAFF, Role.ADMIN}), also=("review:credit_new", "review:credit_edit")),
        Entry("review.statistics", _("Statistics"), "review:statistics", section=WORK, order=40,
              roles=frozenset(LIST_ROLES)),
        Entry("review.imports", _("Import paper filings"), "review:import_list", section=WORK, order=50,
              roles=STAFF, also=("review:import_detail",)),
        Entry("review.decisions", _("Decisions"), "review:decision_batch", section=DECISIONS, order=10,
              roles=STAFF, also=("review:decision",)),
        Entry("review.publicity", _("Publicity management"), "review:publicity_manage", section=DECISIONS,
              order=20, roles=STAFF, also=("review:publicity_batch", "review:objection_finding",
                                                "review:objection_marks")),
        Entry("review.filing", _("Filing"), "review:filing", section=DECISIONS, order=30, roles=STAFF,
              also=("review:filing_agreement",)),
        Entry("review.assignments", _("My evaluations"), "review:expert_assignments", section=EXPERTS, order=10,
              roles=frozenset({Role.EXPERT}), also=("review:assignment_detail",)),
        # The shared expert pool and holiday calendar: staff see them and propose; the registry keeper decides
        # (its queue in its work) and edits them in the admin.
        Entry("review.expert_pool", _("Expert pool"), "review:expert_pool", section=CONFIGURATION, order=20,
              roles=POOL, also=("review:proposal_new",)),
        Entry("review.holidays", _("Holiday calendar"), "admin:review_holidayday_changelist",
              section=CONFIGURATION, order=30, permission="review.view_holidayday"),
        Entry("review.proposals", _("Pool proposals"), "review:proposal_list", section=CONFIGURATION, order=25,
              roles=frozenset({Role.STAFF}), also=("review:proposal_detail",)),
        Entry("review.proposal_queue", _("Proposals to decide"), "review:proposal_list", section=WORK, order=15,
              roles=frozenset({Role.REGISTRAR, Role.ADMIN}), query=(("status", str(PoolProposal.Status.PENDING)),),
              also=("review:proposal_detail",)),
        Entry("review.publicity_list", _("Publicity"), "review:publicity_list", section=PUBLIC, order=20,
              also=("review:publicity_detail",)),
        Entry("review.directory", _("Directory"), "review:directory", section=PUBLIC, order=30),
        Entry("review.verify", _("Check a document"), "review:verify_document", section=PUBLIC, order=40),
    )
