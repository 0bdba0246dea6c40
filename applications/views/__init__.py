"""The applications' pages, by family: the public calls, the editor, drafts and submission, attachments."""

from .calls import call_detail, call_list, home, open_programmes
from .drafts import (
    application_copy,
    application_delete,
    application_start,
    application_submit,
    version_detail,
)
from .editor import application_autosave, application_edit, eligibility, facts_from_forms
from .files import attachment_download, attachment_upload

__all__ = ["application_autosave", "application_copy", "application_delete", "application_edit",
           "application_start", "application_submit", "attachment_download", "attachment_upload", "call_detail",
           "call_list", "eligibility", "facts_from_forms", "home", "open_programmes", "version_detail"]
