"""What the supervision pages and the beat do, each action in one transaction, by family.  Every change of
state goes through :func:`portal.lifecycle.perform` (permission, conditions with their articles, the log, a
lost race as a message, the event's notices in the same transaction)."""

from .changes import approve_change, refuse_change, request_change
from .evaluations import commission_evaluator, confirm_evaluation, save_evaluation
from .oversight import (
    check_rectification,
    confirm_revocation,
    dismiss_revocation,
    net_by_year,
    open_rectification,
    propose_revocation,
    record_credit_for_revocation,
    record_funds,
    respond_rectification,
)
from .reports import (
    accept_report,
    ensure_reports,
    report_for,
    return_report,
    save_report,
    send_reminders,
    submit_report,
)

__all__ = ["approve_change", "refuse_change", "request_change", "commission_evaluator", "confirm_evaluation",
           "save_evaluation", "check_rectification", "confirm_revocation", "dismiss_revocation", "net_by_year",
           "open_rectification", "propose_revocation", "record_credit_for_revocation", "record_funds",
           "respond_rectification", "accept_report", "ensure_reports", "report_for", "return_report", "save_report",
           "send_reminders", "submit_report"]
