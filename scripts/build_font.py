"""Build the embedded document fonts at set-up, from Debian's fonts-noto-cjk and fonts-hanazono.

Every character Noto Serif CJK SC maps is drawn by a portal font, in TrueType outlines (HarfBuzz
subsets those small and fast; the CFF of the system font makes a PDF carry ~200 KB more), with
all of Noto's layout features.  The cut is split in many small families so that a document pays only
for what it prints: for each font a PDF uses, WeasyPrint copies the whole file into memory and HarfBuzz
subsets it keeping the glyph ids, both in a time that grows with the file's size and glyph count (see
notices/fonts.py):

* ``Portal Serif SC`` (PortalSerifSC-{Regular,Bold}.ttf, 3 MB each): GB 2312 level 1 (the 3,755 common
  hanzi) and its symbols, ASCII and CJK punctuation, what nearly every document prints;
* ``Portal Serif SC Ext-01`` … (PortalSerifSCExt-01-{Regular,Bold}.ttf …): the rest of Noto's cmap in
  chunks of at most ``CHUNK`` characters, first GB 2312 level 2 (3,008 hanzi: 圳 莞 闵 …), then the others
  (堃 喆 珺 昇 瑄 玥, 𬱖 and the other rare characters of names), each in code point order;
* ``Portal Serif SC Fallback-01`` … (PortalSerifSCFallback-01-Regular.ttf …): what Noto lacks and
  Hanazono Mincho (HanaMinA, then HanaMinB, TrueType) draws, e.g. 𡒄 U+21484 of CJK Extension B, in
  chunks of the same size, one weight.

Each chunk is a family of its own, not one family in many files: WeasyPrint merges the fonts of one
family and weight into one PDF font, glyph ids and all, and would print wrong glyphs.  A hyphen sets
its number off (see :func:`chunk_family`).  The spaces of each source are in every file: Pango keeps a
space in the font of the character before it, so a file without them would print a box after a rare
character.

Measured with bench/pdf.py's certificate (堃喆珺昇瑄玥, 𬱖 and 𡒄; signed; two shared cores, fastest of
21 runs, against the GB 2312 certificate): one 25 MB extension and one 30 MB fallback cost 37 to 40 ms
more; chunks of 3,000 characters 8 to 9 ms, 2,000 8 to 11, 1,500 7.5 to 8, 1,000 5 to 6.5, 500 4 to 6.
The six chunks this certificate needs cost about 0.5 ms each at 1,000 characters (0.25 at 500, 1.5 at
3,000), so that below 1,000 the time saved is within the noise while the files (and the jobs of the
build, and the cmaps read once per process) double.  Cutting GB 2312 level 2 out of the core (5.4 MB and
13,750 glyphs, 8 to 9 ms a document in both weights; now 3 MB, 8,319 glyphs and 6 ms) saves a GB 2312
document 4 to 6 ms (ratio to the Latin floor 1.15 → 1.05), one with 深圳 about as much (its chunk costs
less than it saves), and the rare-name one as much again.

The files are listed in ``fonts.json`` (families in font-family order, each with its weights and
files), which notices/fonts.py reads.  The output is never committed.  A stamp file (``.build-stamp``:
the cut's version, the chunk size, the fontTools version and the sources' sizes and dates) makes a
second run a no-op that takes a fraction of a second; a missing file, another cut or other sources (size
or date) rebuild everything.  A rebuild writes each file beside its target and renames it in place,
then the manifest, then the stamp, and only then removes the files of an older cut the manifest no
longer lists, so that a portal running meanwhile always finds the files its manifest names.  A finished
cut is also kept in a build cache outside the checkout (:func:`default_cache`), under the same stamp, so
that a clean clone on the same machine copies it in a second instead of building it again.  A build
takes about 300 s of CPU (the two conversions to TrueType outlines, 65 to 110 s each, then 150 cuts of
about a second): 4 minutes on two busy shared cores, where the former cut in three files took 2.5.

    python scripts/build_font.py [OUTPUT_DIR] [--force]
        (default: $DOCUMENT_FONT_DIR, else var/fonts beside this script's project)
"""

import argparse
import functools
import io
import json
import os
import resource
import shutil
import tempfile
import time
import unicodedata
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import fontTools
from fontTools import subset
from fontTools.merge import Merger
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

#: Bump when the cut changes: set-up then rebuilds fonts built by an older version of this script.
CUT = 3

#: At most this many characters (besides the spaces) in each chunk family (measured: see above).
CHUNK = 1000

NOTO = {
    "Regular": Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
    "Bold": Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc"),
}
HANAZONO = (Path("/usr/share/fonts/truetype/hanazono/HanaMinA.ttf"),
            Path("/usr/share/fonts/truetype/hanazono/HanaMinB.ttf"))

# Families (the chunks' names start with the last two) and files; notices/fonts.py reads them from the
# manifest (tests/notices/test_fonts.py checks it lists what plan() says).
FAMILY = "Portal Serif SC"
EXT_FAMILY = "Portal Serif SC Ext"
FALLBACK_FAMILY = "Portal Serif SC Fallback"
WEIGHTS = {"Regular": "normal", "Bold": "bold"}  # file style → CSS font-weight
MANIFEST = "fonts.json"
STAMP = ".build-stamp"


def file_name(family, style):
    return f"{family.replace(' ', '')}-{style}.ttf"


def gb2312_rows(lead_bytes):
    """The characters of the GB 2312 rows whose EUC-CN lead bytes are ``lead_bytes``."""
    chars = set()
    for b1 in lead_bytes:
        for b2 in range(0xA1, 0xFF):
            try:
                chars.add(bytes([b1, b2]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


#: GB 2312 level 2 (rows 56 to 87): 3,008 less common hanzi, by radical (圳 莞 闵 …), kept out of the core.
LEVEL_2 = range(0xD8, 0xF8)


def gb2312_text():
    chars = {chr(c) for c in range(0x20, 0x7F)}
    chars |= {chr(c) for c in range(0x3000, 0x3040)} | {chr(c) for c in range(0xFF01, 0xFF5F)}
    chars |= set("·—–‘’“”…‰←→↑↓√×÷°℃№■□▲△◆◇○●★☆〔〕")
    chars |= gb2312_rows(range(0xA1, 0xF8))
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


def chunked(code_points, size):
    """``code_points`` in code point order, in the fewest runs of at most ``size``, of even lengths."""
    ordered = sorted(code_points)
    count = -(-len(ordered) // size)
    return [ordered[len(ordered) * i // count:len(ordered) * (i + 1) // count] for i in range(count)]


def chunk_family(prefix, number, count):
    """``Portal Serif SC Ext-07``: a hyphen, not a space, before the number, since Pango writes a family
    whose last word is a number with a trailing comma (``Portal-Serif-SC-Ext-07,`` in the PDF)."""
    return f"{prefix}-{number:0{max(2, len(str(count)))}d}"


def noto_cmap():
    return set(sc_font(TTCollection(str(NOTO["Regular"]), lazy=True)).getBestCmap())


def plan(chunk=CHUNK):
    """The families in font-family order, each ``(family, styles, parts)``; a part is ``(source, code
    points)``, where the source is ``"noto"`` (Noto Serif CJK SC of the style, in TrueType outlines) or a
    Hanazono file, whose parts are merged in one font.  Read from the sources' cmaps in about a second."""
    noto = noto_cmap()
    neutral = spaces(noto)
    level_2 = {ord(c) for c in gb2312_rows(LEVEL_2)} & noto
    core = ({ord(c) for c in gb2312_text()} & noto) - level_2
    families = [(FAMILY, tuple(NOTO), [("noto", core | neutral)])]
    # GB 2312 level 2 first, then the rest of Noto's cmap, each in code point order.
    runs = chunked(level_2 - neutral, chunk) + chunked(noto - core - level_2 - neutral, chunk)
    families += [(chunk_family(EXT_FAMILY, number, len(runs)), tuple(NOTO), [("noto", set(run) | neutral)])
                 for number, run in enumerate(runs, 1)]
    # What Noto lacks, from HanaMinA, else HanaMinB; each chunk carries the spaces of both (HanaMinA's
    # first), and takes a part of a source only for its own characters or spaces.
    source_of, neutral_of = {}, {}
    for source in HANAZONO:
        cmap = set(TTFont(str(source), lazy=True).getBestCmap())
        neutral_of[source] = spaces(cmap) - set().union(*neutral_of.values())
        for code in sorted(cmap - noto):
            source_of.setdefault(code, source)
    all_neutral = set().union(*neutral_of.values())
    runs = chunked(set(source_of) - all_neutral, chunk)
    for number, run in enumerate(runs, 1):
        parts = [(str(source), {c for c in run if source_of[c] == source} | neutral_of[source]) for source in HANAZONO]
        parts = [(source, codes) for source, codes in parts if codes]
        families.append((chunk_family(FALLBACK_FAMILY, number, len(runs)), ("Regular",), parts))
    return families


def outputs(families):
    return [file_name(family, style) for family, styles, _parts in families for style in styles]


def manifest(families):
    """What notices/fonts.py reads: the families in font-family order, each with its faces (CSS weight,
    ``null`` for a face that serves every weight, and file) and how many characters it draws."""
    return {"cut": CUT, "families": [
        {"family": family, "characters": len(set().union(*(codes for _source, codes in parts))),
         "faces": [{"weight": WEIGHTS[style] if len(styles) > 1 else None, "file": file_name(family, style)}
                   for style in styles]}
        for family, styles, parts in families]}


def convert_noto(style, work_dir):
    """Noto Serif CJK SC ``style`` in TrueType outlines, saved in ``work_dir`` for the cut jobs."""
    started = time.monotonic()
    font = sc_font(TTCollection(str(NOTO[style]), lazy=True))
    cff_to_glyf(font)
    path = work_dir / f"noto-{style}.ttf"
    font.save(str(path))
    return path, f"Noto Serif CJK SC {style}: outlines converted in {time.monotonic() - started:.0f} s"


@functools.lru_cache(maxsize=4)
def _read(path):
    """A source's bytes, read once per worker process (its jobs cut many chunks of it)."""
    return Path(path).read_bytes()


def cut(family, style, parts, target, fallback=False):
    """The font of ``family`` ``style`` drawing the code points of each part, from its source: all of Noto's
    layout features, none of Hanazono's (its only one, aalt, lists alternates no document asks for)."""
    features = () if fallback else ("*",)
    fonts = [subsetted(_read(source), set(codes), features) for source, codes in parts]
    if len(fonts) == 1:
        font = fonts[0]
    else:
        buffers = []
        for part in fonts:
            buffers.append(io.BytesIO())
            part.save(buffers[-1])
            buffers[-1].seek(0)
        font = Merger().merge(buffers)
    font["post"].formatType = 3.0  # no glyph names: they only make the file bigger
    if fallback:
        font["OS/2"].usWeightClass = 400  # Hanazono says 500 (Medium) for its only weight
    rename(font, family, style)
    save(font, target)


def stamp(chunk=CHUNK):
    sources = {str(p): [p.stat().st_size, p.stat().st_mtime_ns] for p in [*NOTO.values(), *HANAZONO]}
    return {"cut": CUT, "chunk": chunk, "fontTools": fontTools.version, "sources": sources}


def up_to_date(out_dir, current):
    try:
        previous = json.loads((out_dir / STAMP).read_text(encoding="utf-8"))
        listed = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        files = [face["file"] for family in listed["families"] for face in family["faces"]]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return previous == current and listed.get("cut") == CUT and all((out_dir / name).is_file() for name in files)


def write_json(path, data):
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)


def copy_build(source: Path, target: Path, current):
    """Copy a complete build from ``source`` to ``target`` as a rebuild writes one: each file beside its target
    and renamed in place, then the manifest, then the stamp (so a reader never sees a half-copied cut)."""
    target.mkdir(parents=True, exist_ok=True)
    (target / STAMP).unlink(missing_ok=True)
    listed = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    names = {face["file"] for family in listed["families"] for face in family["faces"]}
    for name in sorted(names):
        tmp = target / f"{name}.tmp"
        shutil.copyfile(source / name, tmp)
        tmp.replace(target / name)
    write_json(target / MANIFEST, listed)
    write_json(target / STAMP, current)
    for stale in target.glob("PortalSerifSC*.ttf*"):
        if stale.name not in names:
            stale.unlink()


def build(out_dir: Path, force=False, chunk=CHUNK, cache_dir: Path | None = None):
    missing = [str(p) for p in [*NOTO.values(), *HANAZONO] if not p.is_file()]
    if missing:
        raise SystemExit(f"missing source fonts (Debian packages fonts-noto-cjk, fonts-hanazono): {missing}")
    out_dir.mkdir(parents=True, exist_ok=True)
    current = stamp(chunk)
    if not force and up_to_date(out_dir, current):
        print(f"  document fonts up to date in {out_dir}")
        _keep(out_dir, cache_dir, current)
        return
    if not force and cache_dir is not None and up_to_date(cache_dir, current):
        copy_build(cache_dir, out_dir, current)
        print(f"  document fonts of this cut copied from the build cache {cache_dir}")
        return
    _build(out_dir, current, chunk)
    _keep(out_dir, cache_dir, current)


def _keep(out_dir, cache_dir, current):
    """Put the cut of ``out_dir`` in the build cache unless it holds it already."""
    if cache_dir is None or cache_dir.resolve() == out_dir.resolve() or up_to_date(cache_dir, current):
        return
    try:
        copy_build(out_dir, cache_dir, current)
    except OSError as error:  # a full or read-only cache: the fonts themselves are in place
        print(f"  (the build cache {cache_dir} was not written: {error})")


def _build(out_dir, current, chunk):
    (out_dir / STAMP).unlink(missing_ok=True)
    started = time.monotonic()
    families = plan(chunk)
    work_dir = Path(tempfile.mkdtemp(prefix="portal-fonts-"))
    try:
        # The two conversions (about 80 s and 1 GB each) first, then each file is a job of its own
        # (1 to 2 s and 300 MB each; the Hanazono ones need no conversion: they start as soon as a worker
        # is free).
        with ProcessPoolExecutor(max_workers=max(1, min(8, os.cpu_count() or 1))) as pool:
            conversions = {pool.submit(convert_noto, style, work_dir): style for style in NOTO}
            jobs = [pool.submit(cut, family, "Regular", parts, out_dir / file_name(family, "Regular"), True)
                    for family, _styles, parts in families if parts[0][0] != "noto"]
            for done in as_completed(conversions):
                path, report = done.result()
                print(f"  {report}", flush=True)
                style = conversions[done]
                jobs += [pool.submit(cut, family, style, [(str(path), codes) for _source, codes in parts],
                                     out_dir / file_name(family, style))
                         for family, _styles, parts in families if parts[0][0] == "noto"]
            for job in jobs:
                job.result()
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    write_json(out_dir / MANIFEST, manifest(families))
    write_json(out_dir / STAMP, current)
    names = outputs(families)
    for stale in out_dir.glob("PortalSerifSC*.ttf*"):  # of an older cut, or left by an interrupted build
        if stale.name not in names:
            stale.unlink()
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    sizes = {name: (out_dir / name).stat().st_size for name in names}
    print(f"  document fonts built in {time.monotonic() - started:.0f} s (peak {peak:.0f} MB per job): "
          f"{len(families)} families, {len(names)} files, {sum(sizes.values()) / 2**20:.0f} MB, listed in {MANIFEST}")
    for group in (FAMILY, EXT_FAMILY, FALLBACK_FAMILY):
        members = [(family, styles) for family, styles, _parts in families
                   if family == group or family.startswith(f"{group}-")]
        files = [file_name(family, style) for family, styles in members for style in styles]
        print(f"    {members[0][0]}{f' … {members[-1][0]}' if len(members) > 1 else ''}: "
              f"{'/'.join(members[0][1])}, {len(files)} files, {sum(sizes[n] for n in files) / 2**20:.1f} MB")


def default_dir():
    return Path(os.environ.get("DOCUMENT_FONT_DIR") or Path(__file__).resolve().parent.parent / "var" / "fonts")


def default_cache():
    """Where a finished cut is kept for the next checkout on this machine (a clean clone, CI), keyed by the same
    stamp: ``$PORTAL_FONT_CACHE``, else ``$XDG_CACHE_HOME/portal/document-fonts`` (``~/.cache`` by default);
    ``PORTAL_FONT_CACHE=off`` builds every time."""
    chosen = os.environ.get("PORTAL_FONT_CACHE")
    if chosen == "off":
        return None
    if chosen:
        return Path(chosen)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "portal" / "document-fonts"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", nargs="?", type=Path, default=None)
    parser.add_argument("--force", action="store_true", help="rebuild even when the stamp says up to date")
    args = parser.parse_args()
    build(args.out_dir or default_dir(), force=args.force, cache_dir=default_cache())
