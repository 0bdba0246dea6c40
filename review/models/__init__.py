"""Everything reviewers, experts and staff record about an application.

The states and transitions themselves live in :mod:`applications.lifecycle`.
"""

from .experts import (
    Assignment,
    Criterion,
    Expert,
    ExpertDraw,
    ExpertRelation,
    Score,
    SiteVisit,
    combine_totals,
)
from .exports import ExportJob
from .files import review_file_path, sha256_of
from .imports import PaperFiling, PaperImport
from .proposals import PoolProposal, ProposalNotice
from .publicity import Objection, ObjectionMark, PublicityBatch, PublicityEntry
from .recommendations import RecommendationBatch, RecommendationEntry
from .records import (
    CertificateCounter,
    Decision,
    DistrictOpinion,
    FilingAgreement,
    FormalReview,
    HolidayDay,
    Meeting,
    PeerOpinion,
    TransitionLog,
)

__all__ = [
    "Assignment",
    "CertificateCounter",
    "Criterion",
    "Decision",
    "DistrictOpinion",
    "Expert",
    "ExpertDraw",
    "ExpertRelation",
    "ExportJob",
    "FilingAgreement",
    "FormalReview",
    "HolidayDay",
    "Meeting",
    "Objection",
    "ObjectionMark",
    "PaperFiling",
    "PaperImport",
    "PeerOpinion",
    "PoolProposal",
    "ProposalNotice",
    "PublicityBatch",
    "PublicityEntry",
    "RecommendationBatch",
    "RecommendationEntry",
    "Score",
    "SiteVisit",
    "TransitionLog",
    "review_file_path",
    "combine_totals",
    "sha256_of",
]
