"""The kinds of document, and rendering them to PDF (A4, Chinese, serif) with WeasyPrint.

A domain app registers each kind it issues with :func:`kind`: the template and a function
that builds the template's context from the job.  This module knows no domain model.

WeasyPrint is imported lazily here and nowhere else.  The embedded fonts are those that
``scripts/build_font.py`` builds at set-up (see :mod:`notices.fonts`).
"""

import atexit
import base64
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from html import unescape
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.dateparse import parse_date
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe

from . import signing
from .fonts import FONT_FAMILY, font_dir, font_faces, font_family_css, missing_characters  # noqa: F401
from .seal import seal_svg

log = logging.getLogger(__name__)

# Placeholders in the first rendering of a template, replaced once its text is known.
FACES_MARK, FAMILY_MARK, SEAL_MARK = "/*portal-font-faces*/", "portal-font-family", "<!--portal-seal-->"

#: kind → (template, function(job) → context)
KINDS = {}


def kind(name, template):
    """Register the decorated function as the context builder of documents of kind ``name``."""
    def register(function):
        KINDS[name] = (template, function)
        return function
    return register


def template_of(name):
    return KINDS[name][0]


def context_for(job):
    """The template context of ``job``'s document: the job, its payload, the date of the act it records (the
    payload's ``date``, written with the act, else the day the job was written — never the day it is
    rendered: a job delayed by a broker outage keeps its date), its number, and what the kind adds."""
    issued_on = parse_date(job.payload.get("date") or "") or timezone.localdate(job.created_at)
    context = {"job": job, "payload": job.payload, "issued_on": issued_on, "number": job.payload.get("number", ""),
               "issuer": job.payload.get("issuer", "")}
    context.update(KINDS[job.kind][1](job))
    return context


def qr_data_uri(text: str) -> str:
    import segno

    svg = segno.make(text, error="m").svg_inline(scale=3, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


@lru_cache(maxsize=1)
def _font_config():
    """One font configuration per process: WeasyPrint copies each @font-face file it is given into a
    temporary folder the first time only (megabytes: most of a render's time otherwise), and later
    documents of this process find it there; a face first needed later is added to it then."""
    from weasyprint.text.fonts import FontConfiguration

    config = FontConfiguration()
    # WeasyPrint leaves its folder of copied fonts behind; remove it when the process ends normally.
    atexit.register(lambda: config._folder and shutil.rmtree(config._folder, ignore_errors=True))
    return config


@dataclass
class Rendered:
    """A rendered document: its PDF, where its seal is printed, and its text (for the font check)."""

    pdf: bytes
    seal: tuple | None  # (page index, (x1, y1, x2, y2) in PDF points), the box of the element id="seal"
    text: str


def render(template, context: dict, language: str = "zh-hans", font_family: str | None = None) -> Rendered:
    """Render ``template`` (a name, or a compiled template such as bench/pdf.py's Latin twin) to PDF.

    The template is rendered once with placeholders for the fonts; the @font-face rules and the
    font-family list are then those of the families that draw its text (and the seal's), so a document
    embeds and subsets only the fonts it prints with."""
    from weasyprint import HTML

    issuer = context.get("issuer") or ""
    full = {**context, "font_faces": FACES_MARK, "font_family": FAMILY_MARK, "seal": mark_safe(SEAL_MARK)}
    with translation.override(language):
        html = template.render(full) if hasattr(template, "render") else render_to_string(template, full)
    text = unescape(strip_tags(html[html.find("<body"):]))
    if font_family is None:  # the portal's fonts, as the text needs them
        faces, family = font_faces(text + issuer), font_family_css(text + issuer)
    else:  # a caller's own family (bench/pdf.py's Latin floor): nothing of the CJK fonts is loaded
        faces, family = "", font_family
    seal = seal_svg(issuer, family) if issuer else ""
    html = html.replace(FACES_MARK, faces).replace(FAMILY_MARK, family).replace(SEAL_MARK, seal)
    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render(font_config=_font_config())
    seal_box = None
    for index, page in enumerate(document.pages):
        if "seal" in page.anchors:
            # The seal's border box in CSS pixels from the top left → PDF points from the bottom left.
            x1, y1, x2, y2 = (v * 0.75 for v in page.anchors["seal"])
            height = page.height * 0.75
            seal_box = (index, (x1, height - y2, x2, height - y1))
            break
    return Rendered(document.write_pdf(), seal_box, text + issuer)


def render_pdf(template, context: dict, language: str = "zh-hans", font_family: str | None = None) -> bytes:
    return render(template, context, language, font_family).pdf


def issue(job):
    """The document of ``job`` as issued: rendered, its issuer's signature over the seal, and the characters
    no font drew (logged here; the caller stores them for staff)."""
    context = context_for(job)
    rendered = render(template_of(job.kind), context)
    missing = missing_characters(rendered.text)
    if missing:
        log.error("document %s (%s): no font draws %s", job.key, job.kind,
                  " ".join(f"U+{ord(ch):04X}" for ch in missing))
    pdf = rendered.pdf
    if context.get("issuer"):
        pdf = signing.sign(pdf, context["issuer"], rendered.seal)
    return pdf, missing


def write_atomically(storage, name: str, data: bytes) -> str:
    """Write to a temporary file beside the target, fsync, then rename into place.

    A worker killed mid-write leaves at most a ``.part`` file, never a half-written document.
    """
    path = Path(storage.path(name))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return name
