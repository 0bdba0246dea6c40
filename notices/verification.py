"""Is this PDF one the portal issued, unchanged?  The answer for the public verification page: the
file's SHA-256 against the stored documents, and its signature (:mod:`notices.signing`)."""

import hashlib
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from . import signing
from .models import Document

ORIGINAL = "original"      # stored and signed as issued
ALTERED = "altered"        # signed by a portal issuer, but not the bytes it issued
UNSIGNED = "unsigned"      # stored, issued before documents were signed
UNKNOWN = "unknown"        # no portal signature: not a document of this portal

MESSAGES = {
    ORIGINAL: _("This file is an original issued by the portal: its signature is valid and it is unchanged."),
    ALTERED: _("This file carries a portal signature but is not the document as issued: it was changed after "
               "signing. Do not rely on it."),
    UNSIGNED: _("This file is a document the portal issued before documents were signed digitally; it is unchanged."),
    UNKNOWN: _("This file was not issued by the portal (it has no valid portal signature)."),
}


@dataclass
class Finding:
    status: str
    document: Document | None
    verdict: signing.Verdict

    @property
    def message(self):
        return MESSAGES[self.status]


def identify(data: bytes) -> Finding:
    digest = hashlib.sha256(data).hexdigest()
    document = Document.objects.select_related("job").filter(sha256=digest).first()
    verdict = signing.verify(data)
    if document is not None and verdict.valid:
        return Finding(ORIGINAL, document, verdict)
    if document is not None and not verdict.signed:
        return Finding(UNSIGNED, document, verdict)
    if verdict.signed and verdict.trusted:
        return Finding(ALTERED, None, verdict)
    if verdict.signed and not verdict.intact and verdict.signer:
        # A signature that no longer matches its bytes; whether its certificate is ours does not matter.
        return Finding(ALTERED, None, verdict)
    return Finding(UNKNOWN, None, verdict)
