"""Who may act on a filed consortium's supervision records (each record names its ``application``).

* the consortium: the applicant users of its lead unit;
* programme staff: the staff of the programme's authority;
* a third-party evaluator (第三方评价机构): only the consortia it is commissioned for
  (``EvaluatorCommission``), and only their evaluations.
"""

from applications import lifecycle
from portal.models import Role


def is_consortium_of(record, user) -> bool:
    return lifecycle.is_applicant_of(record.application, user)


def is_staff_of(record, user) -> bool:
    return lifecycle.is_staff_of(record.application, user)


def is_commissioned_for(application, user) -> bool:
    return bool(user.is_authenticated and user.role == Role.EVALUATOR
                and application.evaluator_commissions.filter(evaluator=user).exists())


def may_edit_evaluation(evaluation, user) -> bool:
    """Staff of the programme, or the evaluator commissioned for the consortium."""
    return is_staff_of(evaluation, user) or is_commissioned_for(evaluation.application, user)
