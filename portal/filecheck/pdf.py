"""Checking an uploaded PDF: bounded work first, then a full parse, then what it would do when opened.

1. Bombs.  Before any reader touches the file, every stream in it (``stream`` … at the byte level, so
   every object, whether a page uses it or not) is inflated incrementally with zlib and a
   ``max_length``: nothing is kept, only counted, and the count stops at the limit.  A stream
   deflated twice is followed into its second layer.  pypdf then runs with lowered limits of its
   own (``apply_configuration``), and its ``LimitReachedError`` is a bomb too.
2. The parse: encrypted, damaged or page-less files are refused.
3. Active content is refused, with what was found named: every object reachable from the
   document catalog is visited (the names tree, pages, their ``/AA`` and annotations, outlines,
   form fields …), and any JavaScript, Launch, URI, SubmitForm, ImportData, GoToR/GoToE action,
   embedded file, file attachment, multimedia or XFA form is reported.  An official record is a
   plain document: the applicant exports a clean PDF again rather than the portal editing theirs.
"""

import io
import logging
import re
import zlib
from contextlib import nullcontext
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .errors import UploadRejected, refused

log = logging.getLogger(__name__)

MB = 1024 * 1024
#: What one stream may inflate to, what all of them may, and the ratio above which a large one is a bomb.
STREAM_LIMIT = 100 * MB
TOTAL_LIMIT = 300 * MB
RATIO_LIMIT, RATIO_FLOOR = 500, 32 * MB  # a white page scanned to a Flate image reaches some 200:1
#: pypdf's own output limit per stream (it keeps what it decodes: content, object and xref streams).
PYPDF_LIMIT = 32 * MB
#: Objects visited in the search for active content (a large report has some tens of thousands).
MAX_VISITS = 1_000_000
TEXT_LIMIT = 200_000  # characters of the text layer kept for the formal-review checks

STREAM_START = re.compile(rb"(?<!end)stream(?:\r\n|\n|\r)")
_OUT = 256 * 1024
_IN = 64 * 1024
_LAYERS = 4


class Bomb(Exception):
    pass


@dataclass
class PdfFacts:
    page_count: int
    text: str


class _Inflater:
    """One zlib layer counting what it produces, feeding the next layer when its output is zlib again."""

    def __init__(self, wbits, depth=1):
        self.inflater, self.depth = zlib.decompressobj(wbits), depth
        self.size, self.head, self.inner, self.done = 0, b"", None, False

    def peak(self):
        return max(self.size, self.inner.peak() if self.inner else 0)

    def feed(self, chunk, budget):
        try:
            self._emit(self.inflater.decompress(chunk, _OUT), budget)
            # (after its end, zlib keeps an unconsumed tail: the end must stop the loop)
            while self.inflater.unconsumed_tail and not self.inflater.eof and self.peak() <= budget:
                self._emit(self.inflater.decompress(self.inflater.unconsumed_tail, _OUT), budget)
        except zlib.error:
            self.done = True
        self.done = self.done or self.inflater.eof

    def _emit(self, out, budget):
        self.size += len(out)
        if self.depth >= _LAYERS or not out:
            return
        if self.inner is None and len(self.head) < 2:
            self.head += out[:2 - len(self.head)]
            if len(self.head) == 2 and _looks_zlib(self.head):
                self.inner = _Inflater(zlib.MAX_WBITS, self.depth + 1)
                self.inner.feed(out, budget)
            return
        if self.inner is not None and not self.inner.done:
            self.inner.feed(out, budget)


def _looks_zlib(head: bytes) -> bool:
    return head[0] & 0x0F == 8 and (head[0] << 8 | head[1]) % 31 == 0


def _inflated_size(view, start, budget):
    """``(size, read)``: how much the deflate data at ``start`` inflates to (all layers), stopping once past
    ``budget``, and how many bytes zlib read for it (both attempts)."""
    best, read = 0, 0
    for wbits in (zlib.MAX_WBITS | 32, -zlib.MAX_WBITS):  # zlib or gzip; then raw deflate (pypdf's recovery)
        layer, position, step = _Inflater(wbits), start, 4096
        while not layer.done and position < len(view) and layer.peak() <= budget:
            layer.feed(bytes(view[position:position + step]), budget)
            position, step = position + step, min(step * 2, _IN)  # small streams cost a small read
        inflater = layer.inflater
        read += max(min(position, len(view)) - start - len(inflater.unused_data) - len(inflater.unconsumed_tail), 0)
        best = max(best, layer.peak())
        if best:
            break
    return best, max(read, 1)


def check_streams(data: bytes):
    """Raise :class:`Bomb` with the limit passed when a stream inflates past the limits (``None``: the
    streams overlap, so that reading them would cost more than reading the file twice)."""
    view, total, work = memoryview(data), 0, 0
    for match in STREAM_START.finditer(data):
        budget = min(STREAM_LIMIT, TOTAL_LIMIT - total)
        size, read = _inflated_size(view, match.end(), budget)
        if size > budget:
            raise Bomb(STREAM_LIMIT if budget == STREAM_LIMIT else TOTAL_LIMIT)
        if size > RATIO_FLOOR and size > RATIO_LIMIT * read:
            raise Bomb(RATIO_FLOOR)
        total, work = total + size, work + read
        if work > 2 * len(data) + MB:
            raise Bomb(None)


def _bomb_message(name, limit):
    if limit is None:
        return _damaged(name)
    return refused(name, _("it expands to more than %(limit)d MB when opened (a compression bomb)") % {
        "limit": limit // MB})


def _limits():
    import pypdf

    apply = getattr(pypdf, "apply_configuration", None)
    if apply is None:  # an older pypdf: its module limits apply
        return nullcontext()
    return apply(zlib_maximum_output_length=PYPDF_LIMIT, lzw_maximum_output_length=PYPDF_LIMIT,
                 run_length_maximum_output_length=PYPDF_LIMIT, array_based_stream_maximum_output_length=PYPDF_LIMIT,
                 stream_decoding_work_maximum_length=2 * PYPDF_LIMIT, image_maximum_buffer_size=PYPDF_LIMIT,
                 maximum_declared_stream_length=STREAM_LIMIT, xfa_decoding_work_maximum_length=PYPDF_LIMIT)


def check_pdf(data: bytes, name: str, read_text=True) -> PdfFacts:
    """Refuse a bomb, an encrypted, damaged or empty PDF, or one with active content; else its facts."""
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError

    from .active import active_content

    try:
        check_streams(data)
    except Bomb as bomb:
        raise UploadRejected(_bomb_message(name, bomb.args[0])) from None
    try:
        with _limits():
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise UploadRejected(_("%(name)s is encrypted or password-protected; please upload an unprotected "
                                       "PDF.") % {"name": name})
            pages = len(reader.pages)
            if pages == 0:
                raise UploadRejected(_("%(name)s has no pages.") % {"name": name})
            found = active_content(reader, MAX_VISITS)
            if found:
                raise UploadRejected(refused(name, "; ".join(found)))
            return PdfFacts(page_count=pages, text=_text(reader) if read_text else "")
    except UploadRejected:
        raise
    except (LimitReachedError, MemoryError):
        raise UploadRejected(_bomb_message(name, PYPDF_LIMIT)) from None
    except Exception as error:  # pypdf raises many kinds for a hostile file
        log.info("PDF refused as damaged: %s: %r", name, error)
        raise UploadRejected(_damaged(name)) from None


def _damaged(name):
    return _("%(name)s is damaged and cannot be opened as a PDF; please export it again.") % {"name": name}


def _text(reader):
    chunks, total = [], 0
    for page in reader.pages:
        chunk = page.extract_text() or ""
        chunks.append(chunk)
        total += len(chunk)
        if total > TEXT_LIMIT:
            break
    return "\n".join(chunks)[:TEXT_LIMIT]
