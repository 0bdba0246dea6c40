"""Programmes (held as data) and the applications made to them."""
from .applications import (
    Application,
    ApplicationQuerySet,
    ApplicationVersion,
    Attachment,
    AttachmentFile,
    BudgetLine,
    Member,
    Person,
    Target,
    Task,
    attachment_path,
)
from .certificates import Certificate
from .editing import DraftState
from .programmes import AttachmentRequirement, Programme, ProgrammeRule
from .vocabulary import Field, LeadCategory, MemberKind

__all__ = ["Application", "ApplicationQuerySet", "ApplicationVersion", "Attachment", "AttachmentFile",
           "AttachmentRequirement", "BudgetLine", "Certificate", "DraftState", "Field", "LeadCategory", "Member", "MemberKind", "Person", "Programme", "ProgrammeRule", "Target", "Task",
           "attachment_path"]
