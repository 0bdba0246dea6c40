"""Checking an uploaded attachment before it is accepted.

The extension, the magic bytes and a full parse must agree; encrypted or broken PDFs are
refused with a clear message.  File names are never trusted (the stored name is derived
from the checksum); the original name is kept only for display.
"""

import io
import os
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
EXTENSIONS = {".pdf": PDF, ".jpg": JPEG, ".jpeg": JPEG, ".png": PNG}
TEXT_LIMIT = 200_000  # characters of the text layer kept for the formal-review checks


class UploadRejected(Exception):
    pass


@dataclass
class CheckedUpload:
    data: bytes
    content_type: str
    original_name: str
    page_count: int | None
    text: str


def sniff(head: bytes):
    if b"%PDF-" in head[:1024]:
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    return None


def display_name(name: str) -> str:
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    return "".join(ch for ch in base if ch.isprintable())[:180] or "file"


def check_upload(uploaded, requirement) -> CheckedUpload:
    name = display_name(uploaded.name)
    ext = os.path.splitext(name)[1].lower()
    allowed = {".pdf"} | ({".jpg", ".jpeg", ".png"} if requirement.allow_images else set())
    if ext not in allowed:
        if requirement.allow_images:
            raise UploadRejected(_("%(name)s: only PDF, JPG or PNG files are accepted.") % {"name": name})
        raise UploadRejected(_("%(name)s: only PDF files are accepted for %(kind)s.") % {
            "name": name, "kind": requirement.name})
    limit_mb = min(requirement.max_mb, settings.ATTACHMENT_MAX_MB)
    if uploaded.size > limit_mb * 1024 * 1024:
        raise UploadRejected(_("%(name)s is %(size).1f MB; the limit is %(limit)d MB.") % {
            "name": name, "size": uploaded.size / 1024 / 1024, "limit": limit_mb})
    if uploaded.size == 0:
        raise UploadRejected(_("%(name)s is empty.") % {"name": name})
    data = b"".join(uploaded.chunks())
    kind = sniff(data[:1024])
    if kind is None or kind != EXTENSIONS[ext]:
        raise UploadRejected(_("%(name)s: the content is not a real %(ext)s file (the extension does not match "
                               "the content).") % {"name": name, "ext": ext.lstrip(".").upper()})
    if kind == PDF:
        pages, text = _check_pdf(data, name)
    else:
        pages, text = None, ""
        _check_image(data, name)
    return CheckedUpload(data=data, content_type=kind, original_name=name, page_count=pages, text=text)


def _check_pdf(data, name):
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise UploadRejected(_("%(name)s is encrypted or password-protected; please upload an unprotected PDF.")
                                 % {"name": name})
        pages = len(reader.pages)
        if pages == 0:
            raise UploadRejected(_("%(name)s has no pages.") % {"name": name})
        chunks, total = [], 0
        for page in reader.pages:
            chunk = page.extract_text() or ""
            chunks.append(chunk)
            total += len(chunk)
            if total > TEXT_LIMIT:
                break
        return pages, "\n".join(chunks)[:TEXT_LIMIT]
    except UploadRejected:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError, RecursionError):
        raise UploadRejected(_("%(name)s is damaged and cannot be opened as a PDF; please export it again.")
                             % {"name": name}) from None


def _check_image(data, name):
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise UploadRejected(_("%(name)s is damaged and cannot be opened as an image.") % {"name": name}) from None
