"""Build the embedded document font from Debian's Noto Serif CJK (fonts-noto-cjk), at set-up.

The full CJK font makes every PDF carry a large subset; a GB 2312 cut (plus ASCII and CJK
punctuation) converted to TrueType outlines embeds small and renders fast.  Characters outside
it fall back to the full system font (the CSS lists it second).  The output is never committed.

    python scripts/build_font.py [OUTPUT_DIR]      (default: var/fonts)
"""

import sys
import time
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, newTable

SOURCES = {
    "Regular": Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
    "Bold": Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc"),
}
FAMILY = "Portal Serif SC"


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
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = glyph_order
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"


def rename(font, style):
    for record in font["name"].names:
        if record.nameID in (1, 16):
            record.string = FAMILY
        elif record.nameID in (2, 17):
            record.string = style
        elif record.nameID == 4:
            record.string = f"{FAMILY} {style}"
        elif record.nameID == 6:
            record.string = f"PortalSerifSC-{style}"


def build(out_dir: Path):
    out_dir.mkdir(parents=True, exist_ok=True)
    text = gb2312_text()
    for style, source in SOURCES.items():
        target = out_dir / f"PortalSerifSC-{style}.ttf"
        if target.exists() and target.stat().st_mtime >= source.stat().st_mtime:
            continue
        started = time.monotonic()
        font = sc_font(TTCollection(str(source), lazy=False))
        options = subset.Options()
        options.layout_features = ["*"]
        options.name_IDs = ["*"]
        options.name_languages = ["*"]
        options.notdef_outline = True
        options.hinting = False
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=text)
        subsetter.subset(font)
        cff_to_glyf(font)
        rename(font, style)
        tmp = target.with_suffix(".tmp")
        font.save(str(tmp))
        tmp.replace(target)
        print(f"  font {target.name}: {target.stat().st_size // 1024} KB in {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "var" / "fonts")
