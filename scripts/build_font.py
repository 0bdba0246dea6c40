"""Build the embedded document fonts at set-up, from Debian's fonts-noto-cjk and fonts-hanazono.

Every character Noto Serif CJK SC maps is drawn by a portal font, in TrueType outlines (HarfBuzz
subsets those small and fast; the CFF of the system font makes a PDF carry ~200 KB more), with
all of Noto's layout features.  The cut is split in two families so that a document pays only for
what it uses (HarfBuzz subsets the 5 MB core far faster than all of Noto; see notices/fonts.py):

* ``Portal Serif SC`` (PortalSerifSC-{Regular,Bold}.ttf): GB 2312, ASCII and CJK punctuation;
* ``Portal Serif SC Ext`` (PortalSerifSCExt-{Regular,Bold}.ttf): the rest of Noto's cmap
  (堃 喆 珺 昇 瑄 玥, 𬱖 and the other rare characters of names);
* ``Portal Serif SC Fallback`` (PortalSerifSCFallback-Regular.ttf): what Noto lacks and Hanazono
  Mincho (HanaMinA/HanaMinB, TrueType) draws, e.g. 𡒄 U+21484 of CJK Extension B.

The spaces of each source are in each file: Pango keeps a space in the font of the character before
it, so a file without them would print a box after a rare character.

The output is never committed.  A stamp file (``.build-stamp``: the cut's version, the fontTools
version and the sources' sizes and dates) makes a second run a no-op that takes a fraction of a
second; a missing file, another cut or other sources (size or date) rebuild everything.

    python scripts/build_font.py [OUTPUT_DIR] [--force]
        (default: $DOCUMENT_FONT_DIR, else var/fonts beside this script's project)
"""

import argparse
import io
import json
import os
import resource
import time
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import fontTools
from fontTools import subset
from fontTools.merge import Merger
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

#: Bump when the cut changes: set-up then rebuilds fonts built by an older version of this script.
CUT = 2

NOTO = {
    "Regular": Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
    "Bold": Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc"),
}
HANAZONO = (Path("/usr/share/fonts/truetype/hanazono/HanaMinA.ttf"),
            Path("/usr/share/fonts/truetype/hanazono/HanaMinB.ttf"))

# Families and files; notices/fonts.py lists the same (tests/notices/test_fonts.py checks they agree).
FAMILY = "Portal Serif SC"
EXT_FAMILY = "Portal Serif SC Ext"
FALLBACK_FAMILY = "Portal Serif SC Fallback"
STAMP = ".build-stamp"


def file_name(family, style):
    return f"{family.replace(' ', '')}-{style}.ttf"


OUTPUTS = [file_name(f, s) for f in (FAMILY, EXT_FAMILY) for s in NOTO] + [file_name(FALLBACK_FAMILY, "Regular")]


def gb2312_text():
    chars = {chr(c) for c in range(0x20, 0x7F)}
    chars |= {chr(c) for c in range(0x3000, 0x3040)} | {chr(c) for c in range(0xFF01, 0xFF5F)}
    chars |= set("·—–‘’“”…‰←→↑↓√×÷°℃№■□▲△◆◇○●★☆〔〕")
    for b1 in range(0xA1, 0xF8):
        for b2 in range(0xA1, 0xFF):
            try:
                chars.add(bytes([b1, b2]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return "".join(sorted(chars))


def spaces(cmap):
    """The code points of ``cmap`` that Pango sets in the font of the character before them."""
    return {c for c in cmap if unicodedata.category(chr(c)) in ("Zs", "Zl", "Zp", "Cc", "Cf")}


def sc_font(collection):
    for font in collection.fonts:
        names = {r.toUnicode() for r in font["name"].names if r.nameID == 1}
        if any("CJK SC" in n for n in names):
            return font
    raise SystemExit("Noto Serif CJK SC not found in the collection")


def cff_to_glyf(font, max_err=1.0):
    """Replace CFF outlines by quadratic TrueType outlines (like fontTools' otf2ttf snippet)."""
    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = {}
    for name in glyph_order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    font["post"].formatType = 3.0  # no glyph names: 65,535 of them only make the file bigger
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"


def rename(font, family, style):
    for record in font["name"].names:
        if record.nameID in (1, 16):
            record.string = family
        elif record.nameID in (2, 17):
            record.string = style
        elif record.nameID == 4:
            record.string = f"{family} {style}"
        elif record.nameID == 6:
            record.string = f"{family.replace(' ', '')}-{style}"


def subsetted(data, unicodes, layout_features=("*",)):
    font = TTFont(io.BytesIO(data), lazy=True)
    options = subset.Options()
    options.layout_features = list(layout_features)
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.drop_tables += ["FFTM"]  # FontForge's time stamps (Hanazono)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    # The subsetter also keeps the other code points of a kept glyph (Hanazono draws ∉ and a character
    # Noto lacks with one glyph): map exactly the code points asked for.
    for table in font["cmap"].tables:
        if table.format != 14:
            table.cmap = {code: glyph for code, glyph in table.cmap.items() if code in unicodes}
    return font


def save(font, target):
    tmp = target.with_name(target.name + ".tmp")
    font.save(str(tmp))
    tmp.replace(target)


def build_noto(style, out_dir):
    """Noto Serif CJK SC ``style`` in TrueType outlines, cut in the core and the extension family."""
    started = time.monotonic()
    font = sc_font(TTCollection(str(NOTO[style]), lazy=True))
    cmap = set(font.getBestCmap())
    cff_to_glyf(font)
    buffer = io.BytesIO()
    font.save(buffer)
    converted = time.monotonic() - started
    core = {ord(c) for c in gb2312_text()} & cmap
    neutral = spaces(cmap)
    for family, unicodes in ((FAMILY, core | neutral), (EXT_FAMILY, (cmap - core) | neutral)):
        part = subsetted(buffer.getvalue(), unicodes)
        rename(part, family, style)
        save(part, out_dir / file_name(family, style))
    return f"Noto Serif CJK SC {style}: {len(cmap)} characters, outlines converted in {converted:.0f} s, " \
           f"cut in {time.monotonic() - started:.0f} s"


def build_fallback(out_dir):
    """What Noto lacks and Hanazono Mincho draws, HanaMinA first, in one font."""
    started = time.monotonic()
    noto = set(sc_font(TTCollection(str(NOTO["Regular"]), lazy=True)).getBestCmap())
    drawn, parts = set(), []
    for source in HANAZONO:
        cmap = set(TTFont(str(source), lazy=True).getBestCmap())
        wanted = (cmap - noto - drawn) | (spaces(cmap) - drawn)
        drawn |= wanted
        part = subsetted(source.read_bytes(), wanted, layout_features=())
        buffer = io.BytesIO()
        part.save(buffer)
        buffer.seek(0)
        parts.append(buffer)
    font = Merger().merge(parts)
    font["post"].formatType = 3.0
    font["OS/2"].usWeightClass = 400  # Hanazono says 500 (Medium) for its only weight
    rename(font, FALLBACK_FAMILY, "Regular")
    save(font, out_dir / file_name(FALLBACK_FAMILY, "Regular"))
    return f"Hanazono fallback: {len(font.getBestCmap())} characters in {time.monotonic() - started:.0f} s"


def stamp():
    sources = {str(p): [p.stat().st_size, p.stat().st_mtime_ns] for p in [*NOTO.values(), *HANAZONO]}
    return {"cut": CUT, "fontTools": fontTools.version, "sources": sources, "files": OUTPUTS}


def up_to_date(out_dir, current):
    try:
        previous = json.loads((out_dir / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return previous == current and all((out_dir / name).is_file() for name in OUTPUTS)


def build(out_dir: Path, force=False):
    missing = [str(p) for p in [*NOTO.values(), *HANAZONO] if not p.is_file()]
    if missing:
        raise SystemExit(f"missing source fonts (Debian packages fonts-noto-cjk, fonts-hanazono): {missing}")
    out_dir.mkdir(parents=True, exist_ok=True)
    current = stamp()
    if not force and up_to_date(out_dir, current):
        print(f"  document fonts up to date in {out_dir}")
        return
    (out_dir / STAMP).unlink(missing_ok=True)
    started = time.monotonic()
    # Three independent jobs of about a minute and a half each, each about 1 GB at its peak.
    with ProcessPoolExecutor(max_workers=max(1, min(3, os.cpu_count() or 1))) as pool:
        jobs = [pool.submit(build_noto, style, out_dir) for style in NOTO] + [pool.submit(build_fallback, out_dir)]
        for job in jobs:
            print(f"  {job.result()}", flush=True)
    (out_dir / STAMP).write_text(json.dumps(current, indent=1) + "\n", encoding="utf-8")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"  document fonts built in {time.monotonic() - started:.0f} s (peak {peak:.0f} MB per job):")
    for name in OUTPUTS:
        print(f"    {name}: {(out_dir / name).stat().st_size / 2**20:.1f} MB")


def default_dir():
    return Path(os.environ.get("DOCUMENT_FONT_DIR") or Path(__file__).resolve().parent.parent / "var" / "fonts")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", nargs="?", type=Path, default=None)
    parser.add_argument("--force", action="store_true", help="rebuild even when the stamp says up to date")
    args = parser.parse_args()
    build(args.out_dir or default_dir(), force=args.force)
