from .changes import ChangeRequest
from .evaluations import Evaluation, EvaluatorCommission
from .log import SupervisionLog
from .oversight import FundEntry, Rectification, Revocation
from .profile import SupervisionProfile, profile_of
from .reports import FIGURES, SECTIONS, AnnualReport, Reminder, SupervisionFile

__all__ = ["AnnualReport", "ChangeRequest", "Evaluation", "EvaluatorCommission", "FIGURES", "FundEntry",
           "Rectification", "Reminder", "Revocation", "SECTIONS", "SupervisionFile", "SupervisionLog",
           "SupervisionProfile", "profile_of"]
