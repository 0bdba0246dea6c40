"""The fonts of the documents: their @font-face rules, the CSS font-family list, and the characters none draws.

``scripts/build_font.py`` builds them at set-up into ``settings.DOCUMENT_FONT_DIR`` (never committed), all
in TrueType outlines, which HarfBuzz subsets small: a PDF carries only the glyphs it prints.  It lists them
in ``fonts.json`` there (the manifest: the families in font-family order, each with its faces' weights
and files), which this module reads once per process and version of the file:

* ``Portal Serif SC``: Noto Serif CJK SC cut to GB 2312 level 1 (the 3,755 common hanzi) and its symbols,
  ASCII and CJK punctuation (what nearly every document prints), regular and bold;
* ``Portal Serif SC Ext-01`` …: the rest of Noto Serif CJK SC's cmap, GB 2312 level 2 (圳 莞 …) first,
  then the others (堃 喆 珺 昇 瑄 玥, 𬱖 …), in chunks of at most 1,000 characters in code point order,
  regular and bold, with every layout feature of the source; with the core they draw every character
  Noto Serif CJK SC maps;
* ``Portal Serif SC Fallback-01`` …: what Noto lacks and Debian's Hanazono Mincho (fonts-hanazono) draws,
  e.g. 𡒄 U+21484 of CJK Extension B, in chunks of the same size, one weight.

Why chunks: for each font a PDF uses, WeasyPrint copies the whole file into memory and HarfBuzz subsets
it keeping glyph ids, in a time that grows with the file's size and glyph count.  A 25 MB extension and a
30 MB fallback made a certificate with a few rare names 37 to 40 ms slower than one in GB 2312 (development
machine, font configuration reused); the six chunks of 1,000 characters it needs cost about 0.5 ms each
(and the 3 MB core about 6 ms in both weights, 8 to 9 ms before level 2 left it).  Each chunk is a family
of its own, not one family in many files, because WeasyPrint merges the fonts of one family and weight
into one PDF font, glyph ids and all (a test checks each printed glyph against its source).
:func:`font_faces` given the document's text (its rendered HTML will do) lists only the families that
draw one of its characters (the core always), found in a table code point → family made once per
process and manifest from the fonts' cmaps (a third of a second, at the first document), so that a font
configuration made for it copies 6 MB for common text and under a megabyte more per chunk a rare name
needs; without text it lists all (91 MB).  Every file carries the spaces of its source: Pango sets a
space in the font of the character before it (without them a space after 𡒄 prints a box).

The fallback is cut from Debian's HanaMinA.ttf and HanaMinB.ttf at set-up rather than used as they are:
they weigh 53 MB, most of it characters Noto already draws; the cut keeps only what Noto lacks, lives
beside the portal fonts in the one directory the Docker image ships, and its cmaps are exactly what
:func:`missing_characters` checks.

When the fonts were not built (no manifest), no @font-face rule is written and the system's Noto Serif CJK
SC (last before serif in the font-family list) draws the text; :func:`missing_characters` then checks
Debian's source fonts.
"""

import functools
import json
import unicodedata
from pathlib import Path
from typing import NamedTuple

from django.conf import settings

FONT_FAMILY = "Portal Serif SC"
EXT_FAMILY = "Portal Serif SC Ext"  # the chunks are "Portal Serif SC Ext-01" …
FALLBACK_FAMILY = "Portal Serif SC Fallback"  # "Portal Serif SC Fallback-01" …
SYSTEM_FAMILY = "Noto Serif CJK SC"
MANIFEST = "fonts.json"

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


def font_dir() -> Path:
    return Path(settings.DOCUMENT_FONT_DIR)


class _Built:
    """The built fonts one version of the manifest lists (those whose file is there), in font-family order."""

    def __init__(self, directory: Path, families: list[dict]):
        faces, self._keys = [], {}
        for family in families:
            for face in family["faces"]:
                try:
                    stat = (directory / face["file"]).stat()
                except OSError:
                    continue
                faces.append(Face(family["family"], face["weight"], face["file"]))
                self._keys[faces[-1]] = (str(directory / face["file"]), stat.st_size, stat.st_mtime_ns)
        self.faces = tuple(faces)
        self.families = tuple(dict.fromkeys(face.family for face in faces))
        self.rules = {}
        for face in faces:
            weight = f" font-weight: {face.weight};" if face.weight else ""
            self.rules[face] = (f'@font-face {{ font-family: "{face.family}";{weight} '
                                f'src: url("{(directory / face.file).as_uri()}"); }}')

    @functools.cached_property
    def owner(self) -> dict[int, str]:
        """{code point: the first family in font-family order whose (first) face draws it}."""
        owner = {}
        for family in reversed(self.families):  # so that the first family drawing a code point comes last
            face = next(face for face in self.faces if face.family == family)
            owner.update(dict.fromkeys(_cmap_of(*self._keys[face]), family))
        return owner

    @functools.cached_property
    def drawn(self) -> frozenset[int]:
        """The code points one of the faces draws."""
        return frozenset().union(*(_cmap_of(*key) for key in self._keys.values()))


def _built() -> _Built:
    path = font_dir() / MANIFEST
    try:
        stat = path.stat()
    except OSError:
        return _load(str(path), None, None)
    return _load(str(path), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=4)
def _load(path, size, mtime_ns) -> _Built:
    """The manifest at ``path`` (read once per process and version of the file; none: nothing built)."""
    families = []
    if size is not None:
        try:
            families = json.loads(Path(path).read_text(encoding="utf-8"))["families"]
        except (OSError, ValueError, KeyError, TypeError):
            families = []
    return _Built(Path(path).absolute().parent, families)


def built_faces() -> list[Face]:
    """The faces the manifest lists whose file was built, in font-family order."""
    return list(_built().faces)


def families_for(text: str | None = None) -> list[str]:
    """The built families a document with ``text`` needs, in the order of the font-family list: always the
    core, and each other family that draws one of its characters no family before it draws.  Without
    text, every built family."""
    built = _built()
    if text is None:
        return list(built.families)
    owner = built.owner
    needed = {owner.get(code) for code in map(ord, set(text))}
    return [family for family in built.families if family == FONT_FAMILY or family in needed]


def font_faces(text: str | None = None) -> str:
    """@font-face rules for the built fonts a document with ``text`` needs (:func:`families_for`; empty when
    none was built: system fonts are used)."""
    built, families = _built(), set(families_for(text))
    return "\n".join(built.rules[face] for face in built.faces if face.family in families)


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


def _drawn():
    built = _built()
    if built.faces:
        return built.drawn
    return _union(tuple(_key(path) for path in SYSTEM_FONTS if path.is_file()))


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
