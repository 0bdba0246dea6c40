"""The document fonts: every name drawn, every PDF small.

The fonts are built at set-up (scripts/setup.sh runs scripts/build_font.py, so CI has them): these tests
fail, never skip, when they are missing or of an older cut.
"""

import copy
import functools
import importlib.util
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from notices import documents, fonts

ROOT = Path(__file__).resolve().parents[2]

COMPANY = "山东堃喆珺昇瑄玥科技有限公司"  # 堃 喆 珺 昇 瑄 玥: outside GB 2312, in Noto Serif CJK SC
PERSON = "刘𬱖"  # 𬱖 U+2CC56, CJK Extension E: in Noto Serif CJK SC
EXT_B = "𡒄"  # U+21484, CJK Extension B: not in Noto, in Hanazono Mincho (HanaMinB)
NO_FONT = "\U00030000"  # 𰀀 U+30000, CJK Extension G: in neither (checked below with fontTools)

#: Measured 29.2 KB for the document below (fourteen embedded subsets, regular and bold: the core, the five
#: extension chunks of its rare names and the fallback chunk of 𡒄; 22.6 KB with one extension and one
#: fallback family); with the GB 2312 cut alone and the system fonts for the rest it was 250 KB.  40 KB
#: leaves room for another WeasyPrint or base template and still fails with any full system font embedded.
MAX_PDF_BYTES = 40_000

TEMPLATE = """{% extends "documents/base.html" %}
{% block body %}
<h1>证书</h1>
<p>发证单位：{{ company }}　负责人：{{ person }}　生僻字：{{ ext_b }}</p>
<table><tr><th>{{ company }}</th><td><strong>{{ person }} {{ ext_b }}</strong></td></tr></table>
{% endblock %}
"""


def build_font_module():
    spec = importlib.util.spec_from_file_location("build_font", ROOT / "scripts" / "build_font.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def built():
    """The fonts of the current cut, as scripts/setup.sh builds them."""
    build_font = build_font_module()
    directory = fonts.font_dir()
    assert build_font.up_to_date(directory, build_font.stamp()), (
        f"the document fonts in {directory} are missing or of an older cut: run scripts/setup.sh "
        "(or scripts/build_font.py)")
    return directory


@pytest.fixture
def fonts_template(settings, tmp_path):
    (tmp_path / "fonts_test.html").write_text(TEMPLATE, encoding="utf-8")
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [tmp_path, *templates[0]["DIRS"]]
    settings.TEMPLATES = templates
    return "fonts_test.html"


def pdffonts(path):
    """(name, type, emb, sub, uni) of each font of the PDF at ``path``, from poppler's pdffonts."""
    lines = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout.splitlines()
    rows = []
    for line in lines[2:]:
        # name, then type (may hold spaces), encoding, emb, sub, uni, object number, generation
        match = re.match(r"(\S+)\s+(.+?)\s+(\S+)\s+(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+$", line)
        assert match, line
        name, kind, _encoding, emb, sub, uni = match.groups()
        rows.append((name, kind, emb, sub, uni))
    return rows


def face_of(base_font):
    """The built face a PDF font was subset from, by its name (``ABCDEF+Portal-Serif-SC-Ext-07-Bold``)."""
    name = base_font.split("+", 1)[1]
    faces = fonts.built_faces()
    families = {face.family.replace(" ", "-"): face.family for face in faces}
    family = families.get(name) or families[name.removesuffix("-Bold")]
    candidates = [face for face in faces if face.family == family]
    if len(candidates) == 1:
        return candidates[0]
    weight = "bold" if name.endswith("-Bold") else "normal"
    return next(face for face in candidates if face.weight == weight)


@functools.cache
def file_cmap(path):
    """The code points the font file at ``path`` maps, read here (not by the module under test)."""
    return frozenset(TTFont(str(path), lazy=True).getBestCmap())


def owners(directory, text):
    """The families besides the core that the characters of ``text`` need: for each character, the first
    family in font-family order whose file maps it."""
    faces = fonts.built_faces()
    found = set()
    for ch in set(text):
        found |= {next((face.family for face in faces if ord(ch) in file_cmap(directory / face.file)), None)}
    return found - {fonts.FONT_FAMILY, None}


def to_unicode(font):
    """{glyph id: text} of a Type 0 font's ToUnicode CMap (bfchar and bfrange entries)."""
    cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    mapping = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for gid, text in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            mapping[int(gid, 16)] = bytes.fromhex(text).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for first, last, text in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            start = ord(bytes.fromhex(text).decode("utf-16-be"))
            for offset, gid in enumerate(range(int(first, 16), int(last, 16) + 1)):
                mapping[gid] = chr(start + offset)
    return mapping


def outline(font, gid):
    glyf = font["glyf"]
    coordinates, ends, _flags = glyf[font.getGlyphName(gid)].getCoordinates(glyf)
    return list(coordinates), list(ends)


def assert_each_character_has_its_own_glyph(data, directory):
    """Each character is printed with the glyph its built font maps it to: WeasyPrint keeps glyph ids
    (CIDToGIDMap /Identity), so the embedded glyph of each code of the ToUnicode map must be that
    character's glyph in the source file, outline and all — which fails if two fonts were merged."""
    sources = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            face = face_of(str(font["/BaseFont"]))
            descendant = font["/DescendantFonts"][0].get_object()
            assert str(descendant.get("/CIDToGIDMap", "/Identity")) == "/Identity"
            embedded = TTFont(io.BytesIO(descendant["/FontDescriptor"]["/FontFile2"].get_object().get_data()))
            source = sources.setdefault(face.file, TTFont(str(directory / face.file), lazy=True))
            cmap = source.getBestCmap()
            for gid, text in to_unicode(font).items():
                assert ord(text) in cmap, (face.file, text)
                assert source.getGlyphID(cmap[ord(text)]) == gid, (face.file, text)
                assert outline(embedded, gid) == outline(source, gid), (face.file, text)


# --- rendering -----------------------------------------------------------------------------------------------

def test_every_name_is_drawn_by_the_portal_fonts_in_a_small_pdf(built, fonts_template, tmp_path):
    """render() declares the families the document's text needs (font_faces(text)): here the core, the
    chunks of the rare characters and the fallback chunk of 𡒄."""
    context = {"company": COMPANY, "person": PERSON, "ext_b": EXT_B}
    data = documents.render_pdf(fonts_template, context)
    path = tmp_path / "names.pdf"
    path.write_bytes(data)

    rows = pdffonts(path)
    names = {name.split("+", 1)[1] for name, *_ in rows}
    assert all(emb == sub == uni == "yes" for _name, _kind, emb, sub, uni in rows), rows
    assert all("+" in name and kind == "CID TrueType" for name, kind, *_ in rows), rows
    # Only the portal's fonts: the core, the extension chunks of 堃 … and 𬱖, regular and bold (each name is
    # printed in both), and the fallback chunk of 𡒄; never Noto itself, nor a chunk the names do not need.
    assert all(name.startswith("Portal-Serif-SC") for name in names), names
    embedded = {(face.family, face.weight) for face in map(face_of, (name for name, *_ in rows))}
    rare, fallback = owners(built, COMPANY + PERSON), owners(built, EXT_B)
    assert rare and all(family.startswith(f"{fonts.EXT_FAMILY}-") for family in rare), rare
    assert len(fallback) == 1 and all(family.startswith(f"{fonts.FALLBACK_FAMILY}-") for family in fallback)
    assert {family for family, _weight in embedded} == {fonts.FONT_FAMILY} | rare | fallback
    assert {(family, weight) for family in {fonts.FONT_FAMILY} | rare for weight in ("normal", "bold")} <= embedded

    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    flat = "".join(text.split())
    for name in (COMPANY, PERSON, EXT_B):
        assert name in flat, (name, text)
    assert "\ufffd" not in text

    assert_each_character_has_its_own_glyph(data, built)
    assert len(data) < MAX_PDF_BYTES, len(data)


# --- the faces and the family list ---------------------------------------------------------------------------

def test_faces_for_a_text_list_only_the_families_it_needs(built):
    def families(text):
        return set(re.findall(r'font-family: "([^"]+)"', fonts.font_faces(text)))

    core = fonts.FONT_FAMILY
    company, person, ext_b = owners(built, COMPANY), owners(built, PERSON), owners(built, EXT_B)
    assert families(None) == set(fonts.families_for()) == {face.family for face in fonts.built_faces()}
    assert len(families(None)) > 20
    assert families("山东科技有限公司 Ltd. （一）") == {core}
    # 堃 喆 珺 昇 瑄 玥 lie in a few extension chunks, 𬱖 (Extension E) in one more, 𡒄 in a fallback chunk.
    assert 1 < len(company) < 6 and all(family.startswith(f"{fonts.EXT_FAMILY}-") for family in company), company
    assert len(person) == 1 and not person & company and next(iter(person)).startswith(f"{fonts.EXT_FAMILY}-")
    assert len(ext_b) == 1 and next(iter(ext_b)).startswith(f"{fonts.FALLBACK_FAMILY}-")
    assert families(COMPANY) == {core} | company
    assert families(PERSON) == {core} | person
    assert families("刘" + EXT_B) == {core} | ext_b
    assert families(COMPANY + PERSON + EXT_B) == {core} | company | person | ext_b
    assert families(NO_FONT) == {core}
    # GB 2312 level 2 (圳 of 深圳, 莞 of 东莞) is not in the core but in extension chunks.
    level_2 = owners(built, "深圳东莞")
    assert level_2 and all(family.startswith(f"{fonts.EXT_FAMILY}-") for family in level_2), level_2
    assert families("深圳东莞") == {core} | level_2
    # Each family's faces, regular and bold for Noto's cut, one face serving every weight for the fallback.
    rules = fonts.font_faces(COMPANY + EXT_B).splitlines()
    assert len(rules) == 2 * (1 + len(company)) + 1, rules
    assert all("font-weight" not in rule for rule in rules if fonts.FALLBACK_FAMILY in rule)
    for rule in fonts.font_faces().splitlines():
        path = Path(re.search(r'url\("file://([^"]+)"\)', rule).group(1))
        assert path.parent == built and path.is_file(), rule


def test_the_family_list_puts_the_portal_fonts_first_and_the_fallback_after_them(built):
    families = fonts.families_for()
    ext = [family for family in families if family.startswith(f"{fonts.EXT_FAMILY}-")]
    fallback = [family for family in families if family.startswith(f"{fonts.FALLBACK_FAMILY}-")]
    assert families == [fonts.FONT_FAMILY, *ext, *fallback]
    for chunks in (ext, fallback):
        assert len(chunks) > 1
        assert [int(family.rsplit("-", 1)[1]) for family in chunks] == list(range(1, len(chunks) + 1)), chunks
    assert fonts.font_family_css() == ", ".join(f'"{family}"' for family in families) + ', "Noto Serif CJK SC", serif'
    (ext_b,) = owners(built, EXT_B)
    assert fonts.font_family_css(f"刘{EXT_B}") == f'"Portal Serif SC", "{ext_b}", "Noto Serif CJK SC", serif'
    # documents keeps its names for existing callers.
    assert documents.FONT_FAMILY == fonts.FONT_FAMILY and documents.font_faces is fonts.font_faces
    assert documents.font_dir is fonts.font_dir


def test_the_build_script_writes_the_files_and_families_the_module_lists(built):
    build_font = build_font_module()
    planned = build_font.plan()
    assert build_font.MANIFEST == fonts.MANIFEST
    assert json.loads((built / fonts.MANIFEST).read_text(encoding="utf-8")) == build_font.manifest(planned)
    assert [family for family, _styles, _parts in planned] == fonts.families_for()
    assert build_font.outputs(planned) == [face.file for face in fonts.built_faces()]
    assert (build_font.FAMILY, build_font.EXT_FAMILY, build_font.FALLBACK_FAMILY) == (
        fonts.FONT_FAMILY, fonts.EXT_FAMILY, fonts.FALLBACK_FAMILY)
    for face in fonts.built_faces():
        style = "Bold" if face.weight == "bold" else "Regular"
        assert face.file == build_font.file_name(face.family, style)
        assert (face.weight is None) == face.family.startswith(f"{fonts.FALLBACK_FAMILY}-")


def test_the_fonts_draw_all_of_noto_serif_sc_and_the_fallback_what_it_lacks(built):
    build_font = build_font_module()
    from fontTools.ttLib import TTCollection

    noto = set(build_font.sc_font(TTCollection(str(build_font.NOTO["Regular"]), lazy=True)).getBestCmap())
    hanazono = [set(TTFont(str(path), lazy=True).getBestCmap()) for path in build_font.HANAZONO]
    faces = fonts.built_faces()
    families = fonts.families_for()
    cmap = {family: [file_cmap(built / face.file) for face in faces if face.family == family] for family in families}
    # Noto's cut in regular and bold, the fallback in one weight; the faces of a family draw the same.
    for family, cmaps in cmap.items():
        assert len(cmaps) == (1 if family.startswith(f"{fonts.FALLBACK_FAMILY}-") else 2), family
        assert all(other == cmaps[0] for other in cmaps), family
    cmap = {family: cmaps[0] for family, cmaps in cmap.items()}
    core = cmap[fonts.FONT_FAMILY]
    ext = [family for family in families if family.startswith(f"{fonts.EXT_FAMILY}-")]
    fallback = [family for family in families if family.startswith(f"{fonts.FALLBACK_FAMILY}-")]
    assert families == [fonts.FONT_FAMILY, *ext, *fallback]

    # The core and the extension chunks draw exactly Noto's cmap; the core is GB 2312 less its level 2, which
    # the first chunks draw.
    assert core.union(*(cmap[family] for family in ext)) == noto
    neutral = build_font.spaces(noto)
    level_2 = {ord(ch) for ch in build_font.gb2312_rows(build_font.LEVEL_2)}
    assert len(level_2) == 3008 and not core & level_2
    assert core == (({ord(ch) for ch in build_font.gb2312_text()} & noto) - level_2) | neutral
    first = -(-len(level_2 & noto) // build_font.CHUNK)
    assert set().union(*(cmap[family] for family in ext[:first])) - neutral == level_2 & noto
    # Every chunk carries the spaces of its source, draws at most CHUNK other characters, and none another draws.
    assert {" ", "\u3000"} <= {chr(c) for c in neutral} and neutral <= core
    fallback_neutral = build_font.spaces(hanazono[0]) | build_font.spaces(hanazono[1])
    seen = set(core - neutral)
    for family in [*ext, *fallback]:
        spaces = neutral if family in ext else fallback_neutral
        assert spaces <= cmap[family], family
        own = cmap[family] - spaces
        assert 0 < len(own) <= build_font.CHUNK and not own & seen, family
        seen |= own

    # The fallback chunks draw what Noto lacks and Hanazono draws (HanaMinA or HanaMinB), and the spaces.
    drawn = set().union(*(cmap[family] for family in fallback))
    assert drawn == ((hanazono[0] | hanazono[1]) - noto) | fallback_neutral
    assert ord(EXT_B) in drawn and ord(EXT_B) not in noto
    # Beyond the spaces Pango needs in every font, the fallback draws nothing Noto draws.
    assert {chr(c) for c in drawn & noto} <= {" ", "\u00a0", "\u00ad", "\u2002", "\u2003", "\u3000"}

    # The module's table: each code point to the first family in font-family order that draws it.
    owner = {}
    for family in reversed(families):
        owner.update(dict.fromkeys(cmap[family], family))
    assert fonts._built().owner == owner


# --- missing characters -------------------------------------------------------------------------------------

def test_no_character_of_the_names_is_missing(built):
    assert fonts.missing_characters(f"{COMPANY}\n{PERSON}\t{EXT_B}\u3000Ltd.\r\n") == ""
    assert fonts.missing_characters("") == ""


def test_a_character_no_font_has_is_reported_once_in_order(built):
    # Really in no document font, nor in Debian's sources (so none of the fallbacks could draw it).
    for path in [built / face.file for face in fonts.built_faces()] + [Path(p) for p in fonts.SYSTEM_FONTS[1:]]:
        assert ord(NO_FONT) not in TTFont(str(path), lazy=True).getBestCmap(), path
    assert ord(NO_FONT) not in fonts._cmap(fonts.SYSTEM_FONTS[0])
    text = f"{COMPANY}{NO_FONT}{PERSON}\ue000{NO_FONT}\u200b\ufe00"  # then a private-use, ZWSP, a selector
    assert fonts.missing_characters(text) == NO_FONT + "\ue000"


def test_cmaps_are_read_once_per_process(built):
    fonts.missing_characters(COMPANY)
    fonts.font_faces(COMPANY)
    misses = fonts._cmap_of.cache_info().misses
    fonts.missing_characters(PERSON + EXT_B)
    fonts.font_faces(COMPANY + EXT_B)
    fonts.font_family_css("深圳" + NO_FONT)
    assert fonts._cmap_of.cache_info().misses == misses


def test_a_new_manifest_is_read_at_the_next_document(built, settings, tmp_path):
    """fonts.json is read once per process and version of the file: a rebuild is seen without a restart."""
    listing = json.loads((built / fonts.MANIFEST).read_text(encoding="utf-8"))
    for family in listing["families"]:
        for face in family["faces"]:
            (tmp_path / face["file"]).symlink_to(built / face["file"])
    settings.DOCUMENT_FONT_DIR = str(tmp_path)
    (tmp_path / fonts.MANIFEST).write_text(json.dumps({**listing, "families": listing["families"][:1]}))
    assert fonts.families_for(COMPANY + EXT_B) == [fonts.FONT_FAMILY]
    assert fonts.missing_characters(COMPANY + EXT_B) == "堃喆珺昇瑄玥" + EXT_B
    (tmp_path / fonts.MANIFEST).write_text(json.dumps(listing))
    assert set(fonts.families_for(COMPANY + EXT_B)) == {fonts.FONT_FAMILY} | owners(built, COMPANY + EXT_B)
    assert fonts.missing_characters(COMPANY + EXT_B) == ""
    # A listed file that is not there is left out.
    listed, removed = fonts.built_faces(), fonts.built_faces()[0]
    (tmp_path / removed.file).unlink()
    os.utime(tmp_path / fonts.MANIFEST, ns=(1, 1))
    assert fonts.built_faces() == listed[1:]


def test_without_built_fonts_the_system_fonts_draw_the_text_and_are_checked(settings, tmp_path):
    settings.DOCUMENT_FONT_DIR = str(tmp_path)
    assert fonts.built_faces() == [] and fonts.families_for(COMPANY) == []
    assert fonts.font_faces(COMPANY + EXT_B) == ""
    assert fonts.font_family_css(COMPANY) == '"Noto Serif CJK SC", serif'
    # Debian's Noto draws 堃 … and 𬱖, Hanazono 𡒄; none 𰀀.
    assert fonts.missing_characters(COMPANY + PERSON + EXT_B + NO_FONT) == NO_FONT


# --- where the fonts live ------------------------------------------------------------------------------------

@pytest.mark.parametrize("profile", ["development", "production"])
def test_the_font_directory_does_not_follow_var_dir(profile, tmp_path):
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("DJANGO_") and key != "DOCUMENT_FONT_DIR"}
    env.update({"PORTAL_ENV": profile, "VAR_DIR": str(tmp_path / "elsewhere"),
                "SECRET_KEY": "test-only-production-key-" + "x" * 40, "ALLOWED_HOSTS": "portal.invalid",
                "DATABASE_URL": "postgres://portal@db.invalid:5432/portal"})
    code = "from portal import settings; print(settings.DOCUMENT_FONT_DIR); print(settings.VAR_DIR)"

    def run(**extra):
        result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**env, **extra},
                                check=True, capture_output=True, text=True)
        return result.stdout.splitlines()

    assert run() == [str(ROOT / "var" / "fonts"), str(tmp_path / "elsewhere")]
    assert run(DOCUMENT_FONT_DIR="/opt/fonts")[0] == "/opt/fonts"


def test_the_image_builds_the_fonts_outside_var_dir_and_setup_always_asks_the_script():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    for package in ("fonts-noto-cjk", "fonts-hanazono"):
        assert re.search(rf"apt-get install[^&]*\b{package}\b", dockerfile), package
    font_dir = re.search(r"^ENV DOCUMENT_FONT_DIR=(\S+)$", dockerfile, re.M).group(1)
    var_dir = re.search(r"\bVAR_DIR=(\S+)", dockerfile).group(1)
    assert not Path(font_dir).is_relative_to(var_dir)
    assert re.search(r'^RUN python \S*build_font\.py "\$DOCUMENT_FONT_DIR"', dockerfile, re.M)
    # Built before `COPY . .`, so that the build is cached while the script is unchanged.
    assert dockerfile.index("build_font.py") < dockerfile.index("COPY . .")

    setup = (ROOT / "scripts" / "setup.sh").read_text(encoding="utf-8")
    assert re.search(r"^packages=\([^)]*\bfonts-hanazono\b", setup, re.M)
    # Run at every set-up (the script knows when the fonts are current), not only when none is there.
    assert re.search(r'^"\$VPY" scripts/build_font\.py ', setup, re.M)
    assert "PortalSerifSC-Regular.ttf" not in setup


def test_a_clean_checkout_copies_the_cut_from_the_build_cache_instead_of_building_it(tmp_path, monkeypatch):
    """The build cache (kept outside the checkout, under the same stamp): a finished cut is kept there, a second
    checkout copies it file by file with its manifest and stamp, and a cache of another cut is not used."""
    build_font = build_font_module()
    current = build_font.stamp()
    first, cache, second = tmp_path / "first", tmp_path / "cache", tmp_path / "second"
    first.mkdir()
    faces = [{"file": "PortalSerifSC-Regular.ttf"}, {"file": "PortalSerifSC-Bold.ttf"}]
    for face in faces:
        (first / face["file"]).write_bytes(face["file"].encode() * 10)
    build_font.write_json(first / build_font.MANIFEST, {"cut": build_font.CUT, "families": [{"faces": faces}]})
    build_font.write_json(first / build_font.STAMP, current)
    built = []
    monkeypatch.setattr(build_font, "_build", lambda out_dir, stamp, chunk: built.append(out_dir))

    build_font.build(first, cache_dir=cache)  # up to date: kept in the cache, nothing built
    assert build_font.up_to_date(cache, current) and built == []

    (second / "PortalSerifSC-Old.ttf").parent.mkdir()
    (second / "PortalSerifSC-Old.ttf").write_bytes(b"an older cut")
    build_font.build(second, cache_dir=cache)
    assert built == [] and build_font.up_to_date(second, current)
    assert sorted(p.name for p in second.glob("*.ttf")) == ["PortalSerifSC-Bold.ttf", "PortalSerifSC-Regular.ttf"]
    assert (second / "PortalSerifSC-Bold.ttf").read_bytes() == (first / "PortalSerifSC-Bold.ttf").read_bytes()

    build_font.write_json(cache / build_font.STAMP, {**current, "chunk": current["chunk"] + 1})  # another cut
    third = tmp_path / "third"
    build_font.build(third, cache_dir=cache)
    assert built == [third]
