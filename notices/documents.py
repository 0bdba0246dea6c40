"""The kinds of document, and rendering them to PDF (A4, Chinese, serif) with WeasyPrint.

A domain app registers each kind it issues with :func:`kind`: the template and a function
that builds the template's context from the job.  This module knows no domain model.

WeasyPrint is imported lazily here and nowhere else.  The embedded font is the GB 2312 cut
of Noto Serif CJK SC that ``scripts/build_font.py`` builds at set-up (TrueType outlines:
small and fast to subset); characters outside it fall back to Debian's full Noto Serif CJK.
"""

import base64
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

FONT_FAMILY = "Portal Serif SC"

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
    """The template context of ``job``'s document: the job, its payload, today, and what the kind adds."""
    context = {"job": job, "payload": job.payload, "today": timezone.localdate()}
    context.update(KINDS[job.kind][1](job))
    return context


def font_dir() -> Path:
    return Path(settings.DOCUMENT_FONT_DIR)


def font_faces() -> str:
    """@font-face rules for the built font (empty when it was not built: system fonts are used)."""
    rules = []
    for weight, style in (("normal", "Regular"), ("bold", "Bold")):
        path = font_dir() / f"PortalSerifSC-{style}.ttf"
        if path.exists():
            rules.append(f'@font-face {{ font-family: "{FONT_FAMILY}"; font-weight: {weight}; '
                         f'src: url("{path.as_uri()}"); }}')
    return "\n".join(rules)


def qr_data_uri(text: str) -> str:
    import segno

    svg = segno.make(text, error="m").svg_inline(scale=3, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def render_pdf(template: str, context: dict, language: str = "zh-hans", font_family: str | None = None) -> bytes:
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    # A caller that names its own font family (the Latin baseline of bench/pdf.py) gets no
    # @font-face rules for the portal's CJK font, so nothing of it is loaded.
    faces = font_faces() if font_family is None else ""
    with translation.override(language):
        html = render_to_string(template, {**context, "font_faces": faces,
                                           "font_family": font_family or f'"{FONT_FAMILY}", "Noto Serif CJK SC", serif'})
    fonts = FontConfiguration()
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(font_config=fonts)


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
