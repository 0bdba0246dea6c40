"""The forms of the review pages, one module per page family: the programme staff's (`staff`), the district
office's (`district`), the experts' (`experts`), the applicant's and the public's (`public`)."""

from .district import PEER_AUTO_ID, DistrictOpinionForm, PeerOpinionForm, RecommendationBatchForm
from .experts import AcceptForm, ConcludeForm, DeclineForm, DrawForm, ScoreSheetForm, VisitForm
from .public import ObjectionForm, ReissueForm, VerifyDocumentForm, WithdrawForm
from .staff import (
    AgreementForm,
    ConfirmImportForm,
    DecisionForm,
    FindingForm,
    FormalReviewForm,
    InviteForm,
    PaperImportForm,
    PublicityForm,
)

__all__ = ["AcceptForm", "AgreementForm", "ConcludeForm", "ConfirmImportForm", "DecisionForm", "DeclineForm", "DistrictOpinionForm", "DrawForm", "FindingForm", "FormalReviewForm", "InviteForm", "ObjectionForm", "PEER_AUTO_ID", "PaperImportForm", "PeerOpinionForm", "PublicityForm", "RecommendationBatchForm", "ReissueForm", "ScoreSheetForm", "VerifyDocumentForm", "VisitForm", "WithdrawForm"]
