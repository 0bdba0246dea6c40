"""What reviewers, experts and staff do, each action in one transaction, by family.

Every state change goes through :func:`applications.services.fire` (:func:`portal.lifecycle.perform`):
permission, conditions (each with its own message), the transition, the append-only log; a lost
race becomes a clear message and nothing is half-written.  This package's API is what the review
pages call; each family lives in its own module.
"""

from .applicant import resubmit, withdraw
from .decisions import decide, new_meeting
from .district import (
    BatchRefused,
    Ranked,
    add_peer_opinion,
    district_decide,
    recommend_batch,
    withdraw_peer_opinion,
)
from .experts import (
    aggregate,
    conclude_experts,
    conflicts,
    criteria_for,
    draw_experts,
    expert_of,
    record_site_visit,
    replay_draw,
    respond_to_invitation,
    submit_scores,
    weighted_total,
)
from .filing import (
    close_finished_batches,
    file_applications,
    next_certificate_number,
    reissue_certificate,
    store_filing_agreement,
)
from .formal import formal_checklist, formal_review_decide
from .imports import (
    IMPORT_LABEL,
    IMPORT_TRANSITION,
    can_import,
    check_import,
    import_paper_filings,
    invite_unit_administrator,
    upload_paper_import,
)
from .objections import TooManyObjections, mark_spam, restore_objections
from .publicity import notify_closed_publicities, open_publicity, record_finding, submit_objection

__all__ = ["resubmit", "withdraw", "add_peer_opinion", "withdraw_peer_opinion", "district_decide", "Ranked", "BatchRefused", "recommend_batch", "formal_checklist", "formal_review_decide", "conflicts", "draw_experts", "replay_draw", "expert_of", "respond_to_invitation", "weighted_total", "submit_scores", "criteria_for", "aggregate", "conclude_experts", "record_site_visit", "decide", "new_meeting", "open_publicity", "notify_closed_publicities", "submit_objection", "TooManyObjections", "mark_spam", "restore_objections", "record_finding", "next_certificate_number", "file_applications", "store_filing_agreement", "close_finished_batches", "reissue_certificate",
           "IMPORT_LABEL", "IMPORT_TRANSITION", "can_import", "check_import", "import_paper_filings", "invite_unit_administrator", "upload_paper_import"]
