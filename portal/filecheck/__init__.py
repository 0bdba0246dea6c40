"""The one check every uploaded file goes through, whichever page it enters by.

``check_file`` takes a Django ``UploadedFile`` and what the page accepts (PDF, or PDF and images),
and returns the bytes to store, or raises :class:`UploadRejected` whose text is the message for the
form.  In order, each step bounding the work of the next:

* the name: path, control and bidi characters removed, the extension kept (``names``);
* the extension against what the page accepts, the size against its limit, an empty file;
* the first bytes: a PDF starts with ``%PDF-`` at offset 0, a JPEG and a PNG with theirs; a program,
  an archive, an HTML page or an SVG image is named as what it is (``signatures``);
* a polyglot, i.e. a file that is also a ZIP archive, a web page, a script or a program, is refused;
* a PDF: bombs, encryption, damage, active content (``pdf``, ``active``); an image: bombs, then
  re-encoded without its metadata (``images``): the stored bytes are the cleaned ones.

Workbooks (the paper-filing import) have their own entry, :func:`check_workbook`, and the public
verification page, which stores nothing, :func:`refuse_pdf_bombs`.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .errors import UploadRejected, refused
from .images import clean_image
from .names import clean_name, extension
from .pdf import Bomb, _bomb_message, check_pdf, check_streams
from .signatures import JPEG, PDF, PNG, hidden_content, sniff, what_it_is
from .workbooks import check_workbook

__all__ = ["UploadRejected", "CheckedFile", "check_file", "check_workbook", "clean_name", "read_limited",
           "refuse_pdf_bombs", "PDF", "JPEG", "PNG", "EXTENSIONS"]

EXTENSIONS = {".pdf": PDF, ".jpg": JPEG, ".jpeg": JPEG, ".png": PNG}
MB = 1024 * 1024


@dataclass
class CheckedFile:
    data: bytes
    content_type: str
    original_name: str
    page_count: int | None
    text: str


def read_limited(uploaded, limit: int) -> bytes:
    """The upload's bytes, never more than ``limit`` + 1 of them (whatever its declared size)."""
    chunks, size = [], 0
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        chunks.append(chunk[:limit + 1 - size])
        size += len(chunks[-1])
        if size > limit:
            break
    return b"".join(chunks)


def _type_refusal(name, ext, images, label):
    if images:
        return _("%(name)s: only PDF, JPG or PNG files are accepted.") % {"name": name}
    return _("%(name)s: only PDF files are accepted for %(kind)s.") % {"name": name, "kind": label}


def check_file(uploaded, *, label, images=False, limit_mb=20) -> CheckedFile:
    """Check an uploaded PDF (or, with ``images``, a JPEG or PNG); see the module's docstring."""
    name = clean_name(uploaded.name)
    ext = extension(name)
    if ext not in (set(EXTENSIONS) if images else {".pdf"}):
        raise UploadRejected(_type_refusal(name, ext, images, label))
    size = uploaded.size or 0
    if size > limit_mb * MB:
        raise UploadRejected(_("%(name)s is %(size).1f MB; the limit is %(limit)d MB.") % {
            "name": name, "size": size / MB, "limit": limit_mb})
    data = read_limited(uploaded, limit_mb * MB)
    if not data:
        raise UploadRejected(_("%(name)s is empty.") % {"name": name})
    if len(data) > limit_mb * MB:
        raise UploadRejected(_("%(name)s is larger than %(limit)d MB.") % {"name": name, "limit": limit_mb})
    expected = EXTENSIONS[ext]
    if sniff(data) != expected:
        what = what_it_is(data)
        if what:
            raise UploadRejected(_("%(name)s is not a real %(ext)s file: it is %(what)s.") % {
                "name": name, "ext": ext.lstrip(".").upper(), "what": what})
        raise UploadRejected(_("%(name)s: the content is not a real %(ext)s file (the extension does not match "
                               "the content).") % {"name": name, "ext": ext.lstrip(".").upper()})
    hidden = hidden_content(data)
    if hidden:
        raise UploadRejected(refused(name, hidden))
    if expected == PDF:
        if b"%%EOF" not in data.rstrip()[-2048:]:
            raise UploadRejected(_("%(name)s is incomplete (it was cut off, perhaps while downloading); please "
                                   "export it again.") % {"name": name})
        facts = check_pdf(data, name)
        return CheckedFile(data, PDF, name, facts.page_count, facts.text)
    return CheckedFile(clean_image(data, name, expected), expected, name, None, "")


def refuse_pdf_bombs(data: bytes, name: str) -> None:
    """For a PDF only read, never stored (the verification page): refuse one whose streams are bombs."""
    try:
        check_streams(data)
    except Bomb as bomb:
        raise UploadRejected(_bomb_message(clean_name(name), bomb.args[0])) from None
