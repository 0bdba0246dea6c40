"""What a file is by its bytes, and what else it may be at the same time (a polyglot).

A PDF must start with ``%PDF-`` at offset 0 (readers accept it anywhere in the first kilobyte,
which is what lets a ZIP, an HTML page or a program wear a PDF's name); a JPEG and a PNG with their
own signatures.  A file that is also a ZIP archive (a JAR, an Office file), an HTML page, an SVG
image or a program is refused whatever its name says.
"""

import io
import re
import zipfile

from django.utils.translation import gettext as _

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"

#: Markers a browser or a script host acts on, looked for anywhere in the file (case-insensitive).
#: Seven characters or more: a compressed stream holds one by chance about once in 2**56 bytes.
MARKUP = re.compile(rb"<(?:html|script|svg|iframe|body|!doctype html|object\s|embed\s)[\s>/]", re.IGNORECASE)
#: The stub every Windows program carries, and the header of a Linux one.
PROGRAM = re.compile(rb"This program cannot be run in DOS mode|\x7fELF[\x01\x02][\x01\x02]\x01")


def sniff(data: bytes):
    """The type the file's first bytes announce, or ``None``."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    return None


def what_it_is(data: bytes) -> str:
    """A plain description of a file that is none of the accepted types (for the refusal)."""
    head = data[:1024].lstrip()
    if data.startswith(b"MZ") or data.startswith(b"\x7fELF") or data.startswith(b"#!"):
        return _("a program (executable file)")
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _("a ZIP archive (for example a Word or Excel file)")
    if re.match(rb"(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<svg", head, re.IGNORECASE | re.DOTALL):
        return _("an SVG image (which can contain scripts)")
    if MARKUP.search(head) or head[:5].lower() in (b"<!doc", b"<html"):
        return _("a web page (HTML)")
    if b"%PDF-" in data[:1024]:
        return _("a PDF that does not start as a PDF (something is put in front of it)")
    return ""


def hidden_content(data: bytes) -> str:
    """What else a PDF or an image also is (a polyglot), or ``""``."""
    if _opens_as_zip(data):
        return _("it is also a ZIP archive")
    if MARKUP.search(data):
        return _("it contains web page or script code (HTML, SVG or JavaScript)")
    if PROGRAM.search(data):
        return _("it contains a program (executable code)")
    return ""


def _opens_as_zip(data: bytes) -> bool:
    """Whether a ZIP reader finds an archive with entries in ``data`` (its directory is at the end)."""
    if b"PK\x05\x06" not in data[-66_000:]:
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return bool(archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False
