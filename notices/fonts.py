"""The fonts of the documents: their @font-face rules, the CSS font-family list, and the characters none draws.

``scripts/build_font.py`` builds them at set-up into ``settings.DOCUMENT_FONT_DIR`` (never committed), all
in TrueType outlines, which HarfBuzz subsets small: a PDF carries only the glyphs it prints.

* ``Portal Serif SC``: Noto Serif CJK SC cut to GB 2312, ASCII and CJK punctuation (what nearly every
  document prints);
* ``Portal Serif SC Ext``: the rest of Noto Serif CJK SC's cmap (堃 喆 珺 昇 瑄 玥, 𬱖 …), with every
  layout feature of the source; the two together draw every character Noto Serif CJK SC maps;
* ``Portal Serif SC Fallback``: what Noto lacks and Debian's Hanazono Mincho (fonts-hanazono) draws,
  e.g. 𡒄 U+21484 of CJK Extension B.

The fallback is a cut made at set-up into the font directory rather than Debian's HanaMinA.ttf and
HanaMinB.ttf themselves: WeasyPrint reads and copies every @font-face file into a temporary folder for
each font configuration (about 1 ms per MB on the development machine), and Debian's files weigh 53 MB,
most of it characters Noto already draws; the cut keeps only what Noto lacks (30 MB), carries the spaces
that Pango sets in the font of the character before them (without them a space after 𡒄 prints a box),
lives beside the portal fonts in the one directory the Docker image ships, and its cmap is exactly what
:func:`missing_characters` checks.

Why a core and an extension rather than one font of Noto's whole cmap: HarfBuzz subsets a 31 MB font with
all of Noto's layout tables in about 55 ms per PDF, the 5 MB core in 8 ms (development machine, font
configuration reused), and nearly every document needs the core only.  They are separate families, not
one family in two files, because WeasyPrint merges the fonts of one family and weight into one PDF font,
glyph ids and all (a test checks each printed glyph against its source).  :func:`font_faces` given the
document's text (its rendered HTML will do) lists only the families that draw one of its characters, so
that a font configuration made for it copies 11 MB (GB 2312 text), not 92 MB; without text it lists all.

When the fonts were not built, no @font-face rule is written and the system's Noto Serif CJK SC (second
in the font-family list) draws the text; :func:`missing_characters` then checks Debian's source fonts.
"""

import functools
import unicodedata
from pathlib import Path
from typing import NamedTuple

from django.conf import settings

FONT_FAMILY = "Portal Serif SC"
EXT_FAMILY = "Portal Serif SC Ext"
FALLBACK_FAMILY = "Portal Serif SC Fallback"
SYSTEM_FAMILY = "Noto Serif CJK SC"

#: Debian's sources (scripts/build_font.py), checked by missing_characters() when nothing was built.
SYSTEM_FONTS = (
    Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
    Path("/usr/share/fonts/truetype/hanazono/HanaMinA.ttf"),
    Path("/usr/share/fonts/truetype/hanazono/HanaMinB.ttf"),
)


class Face(NamedTuple):
    family: str
    weight: str | None  # None: the face serves every weight
    file: str


#: In the order of the font-family list; the file names are those scripts/build_font.py writes.
FACES = (
    Face(FONT_FAMILY, "normal", "PortalSerifSC-Regular.ttf"),
    Face(FONT_FAMILY, "bold", "PortalSerifSC-Bold.ttf"),
    Face(EXT_FAMILY, "normal", "PortalSerifSCExt-Regular.ttf"),
    Face(EXT_FAMILY, "bold", "PortalSerifSCExt-Bold.ttf"),
    Face(FALLBACK_FAMILY, None, "PortalSerifSCFallback-Regular.ttf"),
)


def font_dir() -> Path:
    return Path(settings.DOCUMENT_FONT_DIR)


def built_faces() -> list[Face]:
    """The faces whose file was built."""
    return [face for face in FACES if (font_dir() / face.file).is_file()]


def families_for(text: str | None = None) -> list[str]:
    """The built families a document with ``text`` needs, in the order of the font-family list: always the
    core, and each other family that draws one of its characters no family before it draws.  Without
    text, every built family."""
    faces = built_faces()
    families = list(dict.fromkeys(face.family for face in faces))
    if text is None:
        return families
    wanted, drawn, chosen = {ord(ch) for ch in text}, set(), []
    for family in families:
        cmap = _cmap(font_dir() / next(face.file for face in faces if face.family == family))
        if family == FONT_FAMILY or (wanted - drawn) & cmap:
            chosen.append(family)
            drawn |= cmap
    return chosen


def font_faces(text: str | None = None) -> str:
    """@font-face rules for the built fonts a document with ``text`` needs (:func:`families_for`; empty when
    none was built: system fonts are used)."""
    families = set(families_for(text))
    rules = []
    for face in built_faces():
        if face.family in families:
            weight = f" font-weight: {face.weight};" if face.weight else ""
            rules.append(f'@font-face {{ font-family: "{face.family}";{weight} '
                         f'src: url("{(font_dir() / face.file).as_uri()}"); }}')
    return "\n".join(rules)


def font_family_css(text: str | None = None) -> str:
    """The CSS font-family list of a document with ``text``: the portal's families it needs, then the
    system's Noto (when nothing was built), then serif."""
    return ", ".join(f'"{family}"' for family in [*families_for(text), SYSTEM_FAMILY]) + ", serif"


def missing_characters(text: str) -> str:
    """The characters of ``text`` no document font draws, in order, each once (whitespace, control and
    format characters and variation selectors, which print nothing of their own, aside)."""
    drawn = _drawn()
    missing = {}
    for ch in text:
        if ch not in missing and not _prints_nothing(ch) and ord(ch) not in drawn:
            missing[ch] = None
    return "".join(missing)


def _prints_nothing(ch):
    code = ord(ch)
    return (ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp")
            or 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF)


def _document_font_files():
    faces = built_faces()
    if faces:
        return [font_dir() / face.file for face in faces]
    return [path for path in SYSTEM_FONTS if path.is_file()]


def _drawn():
    keys = tuple(_key(path) for path in _document_font_files())
    return _union(keys)


@functools.cache
def _union(keys):
    return frozenset().union(*(_cmap_of(*key) for key in keys))


def _key(path):
    stat = path.stat()
    return str(path), stat.st_size, stat.st_mtime_ns


def _cmap(path):
    return _cmap_of(*_key(path))


@functools.cache
def _cmap_of(path, size, mtime_ns):
    """The code points the font at ``path`` maps (read once per process and version of the file)."""
    from fontTools.ttLib import TTCollection, TTFont

    if path.endswith((".ttc", ".otc")):
        for font in TTCollection(path, lazy=True).fonts:
            if any(SYSTEM_FAMILY == r.toUnicode() for r in font["name"].names if r.nameID == 1):
                return frozenset(font.getBestCmap())
        return frozenset()
    return frozenset(TTFont(path, lazy=True).getBestCmap())
