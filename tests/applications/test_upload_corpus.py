"""The upload corpus: hostile files, each refused with its message or stored neutralised, through the real pages.

Every kind is posted to the applicant's attachment upload (logged in) and, when it claims to be a PDF, to
the anonymous objection form of a running publicity (a unit's signed letter).  A refusal must show its
message on the page and leave nothing behind (no row, no file under MEDIA_ROOT); a file accepted after
neutralising is re-read from the storage (its name cleaned, an image without its EXIF/GPS).  The files
are made in code (tests/hostile_files.py).
"""

import hashlib
import io
import os
import time
import tracemalloc
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from applications.models import AttachmentFile
from portal.filecheck import UploadRejected, check_file, clean_name
from review.models import Objection, PaperImport
from tests import hostile_files as hostile
from tests import pdfs
from tests.applications.test_applications import applicant, draft, programme  # noqa: F401  (fixtures)
from tests.challenge import solved
from tests.review.test_review_publicity import entry_of, in_publicity, object_url, unit_objection

pytestmark = pytest.mark.django_db

LONG = "关于组建创新联合体的协议" * 27  # 297 characters before the extension
REFUSED = {
    # kind: (file name, bytes, what the message says)
    "PDF bomb on a page with fonts": ("a.pdf", lambda: hostile.bomb_pdf(where="fonts"), "a compression bomb"),
    "PDF bomb on a page without fonts": ("a.pdf", lambda: hostile.bomb_pdf(where="page"), "a compression bomb"),
    "PDF bomb in an object no page uses": ("a.pdf", lambda: hostile.bomb_pdf(where="unused"), "a compression bomb"),
    "PDF bomb deflated twice": ("a.pdf", lambda: hostile.bomb_pdf(inflated=120 * hostile.MB, where="twice"),
                                "a compression bomb"),
    "OpenAction JavaScript": ("a.pdf", lambda: hostile.pdf_with(hostile.open_action_js), "it contains JavaScript"),
    "JavaScript in the names tree": ("a.pdf", lambda: hostile.pdf_with(hostile.names_js), "it contains JavaScript"),
    "JavaScript in a page's /AA": ("a.pdf", lambda: hostile.pdf_with(hostile.page_aa_js), "it contains JavaScript"),
    "Launch action": ("a.pdf", lambda: hostile.pdf_with(hostile.launch), "(Launch action)"),
    "URI action": ("a.pdf", lambda: hostile.pdf_with(hostile.uri), "links to web addresses (URI actions)"),
    "SubmitForm action": ("a.pdf", lambda: hostile.pdf_with(hostile.submit_form), "(SubmitForm action)"),
    "GoToR action": ("a.pdf", lambda: hostile.pdf_with(hostile.go_to_remote), "(GoToR or GoToE action)"),
    "embedded .exe": ("a.pdf", lambda: hostile.pdf_with(hostile.embedded_exe), "it contains an embedded file"),
    "file attachment annotation": ("a.pdf", lambda: hostile.pdf_with(hostile.file_attachment),
                                   "it contains an embedded file"),
    "XFA form": ("a.pdf", lambda: hostile.pdf_with(hostile.xfa), "it contains an XFA form"),
    "RichMedia": ("a.pdf", lambda: hostile.pdf_with(hostile.rich_media), "it contains multimedia"),
    "PDF/ZIP polyglot": ("a.pdf", hostile.zip_polyglot, "it is also a ZIP archive"),
    "HTML/PDF polyglot": ("a.pdf", hostile.html_polyglot, "it contains web page or script code"),
    "PDF behind other bytes": ("a.pdf", hostile.prefixed_pdf, "something is put in front of it"),
    "Windows program renamed .pdf": ("setup.pdf", hostile.program, "it is a program (executable file)"),
    "Linux program renamed .pdf": ("run.pdf", hostile.elf_program, "it is a program (executable file)"),
    "HTML renamed .pdf": ("page.pdf", hostile.html_page, "it is a web page (HTML)"),
    "SVG renamed .pdf": ("logo.pdf", hostile.svg_image, "it is an SVG image"),
    "Word file renamed .pdf": ("协议.pdf", hostile.docx_like, "it is a ZIP archive"),
    "encrypted": ("a.pdf", hostile.encrypted, "is encrypted or password-protected"),
    "truncated": ("a.pdf", hostile.truncated, "is incomplete (it was cut off"),
    "0-byte": ("a.pdf", lambda: b"", "a.pdf is empty."),
    "over the limit": ("a.pdf", lambda: pdfs.blank_pdf() + b"%" + b"x" * (1024 * 1024), "the limit is 1 MB"),
    "RTL override hiding .exe": ("合同\u202efdp.exe", pdfs.blank_pdf, "合同fdp.exe: only PDF"),
    "300-character name of the wrong type": (LONG + ".docx", pdfs.blank_pdf, ".docx: only PDF"),
}
IMAGES_REFUSED = {
    "SVG renamed .png": ("logo.png", hostile.svg_image, "it is an SVG image"),
    "HTML renamed .jpg": ("photo.jpg", hostile.html_page, "it is a web page (HTML)"),
    "PNG with a script in a text chunk": ("a.png", lambda: hostile.photo(kind="PNG", text="<script>alert(1)</script>"),
                                          "it contains web page or script code"),
    "JPEG/ZIP polyglot": ("a.jpg", lambda: hostile.photo() + hostile.docx_like(), "it is also a ZIP archive"),
    "PNG bomb": ("a.png", hostile.png_bomb, "(an image bomb)"),
    "PNG of 56 megapixels": ("a.png", lambda: hostile.png_bomb(8_000, 7_000),
                             "it is 8000 × 7000 pixels; at most 50 megapixels are accepted"),
    "truncated JPEG": ("a.jpg", lambda: hostile.photo()[:300], "is damaged and cannot be opened as an image"),
}


@pytest.fixture
def small_limit(settings):
    settings.ATTACHMENT_MAX_MB = 1


def stored_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def attach(client, application, name, data):
    return client.post(reverse("applications:attachment_upload", args=[application.pk, "agreement"]),
                       {"file": SimpleUploadedFile(name, data, content_type="application/octet-stream")})


def allow_images(programme):  # noqa: F811
    requirement = programme.attachment_requirements.get()
    requirement.allow_images = True
    requirement.save()


def _applicant_refuses(client, settings, draft, applicant, name, data, message):  # noqa: F811
    client.force_login(applicant)
    response = attach(client, draft, name, data)
    assert response.status_code == 302
    page = client.get(response.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert escape(message) in page
    assert not AttachmentFile.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.parametrize("kind", list(REFUSED))
def test_the_applicants_upload_refuses(client, settings, small_limit, draft, applicant, kind):  # noqa: F811
    name, build, message = REFUSED[kind]
    _applicant_refuses(client, settings, draft, applicant, name, build(), message)


@pytest.mark.parametrize("kind", list(IMAGES_REFUSED))
def test_the_applicants_image_upload_refuses(client, settings, draft, applicant, programme, kind):  # noqa: F811
    allow_images(programme)
    name, build, message = IMAGES_REFUSED[kind]
    _applicant_refuses(client, settings, draft, applicant, name, build(), message)


#: Refused by the form's own FileField before the check (Django's message, on the field).
FORM_MESSAGES = {"0-byte": "The submitted file is empty."}


@pytest.mark.parametrize("kind", list(REFUSED))
def test_the_anonymous_objection_form_refuses(client, settings, small_limit, seeded, kind):
    name, build, message = REFUSED[kind]
    message = FORM_MESSAGES.get(kind, message)
    entry = entry_of(in_publicity(0))
    url = object_url(entry)  # with its challenge answered, so that the letter is what is refused
    response = client.post(url, dict(unit_objection(letter=SimpleUploadedFile(name, build())), **solved(client, url)),
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Your objection was not accepted" in page and escape(message) in page
    assert not Objection.objects.exists()
    assert stored_files(settings) == []


# --- neutralised: accepted, and what is stored is harmless -------------------------------------------------

@pytest.mark.parametrize("name,expected", [
    ("../../../../etc/cron.d/evil.pdf", "evil.pdf"),
    ("..\\..\\windows\\system32\\协议.pdf", "协议.pdf"),
    ("re\x07po\x1brt\x7f.pdf", "report.pdf"),
    ("invoice\u202egpj\u2066.pdf", "invoicegpj.pdf"),
    (LONG + ".pdf", LONG[:176] + ".pdf"),
])
def test_names_are_stored_without_paths_hidden_characters_or_lost_extensions(client, settings, draft, applicant,  # noqa: F811
                                                                              name, expected):
    client.force_login(applicant)
    attach(client, draft, name, pdfs.blank_pdf())
    record = AttachmentFile.objects.get()
    assert record.original_name == expected and len(record.original_name) <= 180
    assert all(str(path).startswith(str(settings.MEDIA_ROOT)) for path in stored_files(settings))
    download = client.get(reverse("applications:attachment_download", args=[draft.pk, record.pk]))
    assert "\u202e" not in download["Content-Disposition"] and "/" not in record.original_name


@pytest.mark.parametrize("kind", ["JPEG", "PNG"])
def test_images_are_stored_without_exif_and_the_right_way_up(client, settings, draft, applicant, programme, kind):  # noqa: F811
    from PIL import Image

    allow_images(programme)
    client.force_login(applicant)
    original = hostile.photo(orientation=6, kind=kind)  # taken turned: 64 × 32 stored, shown 32 × 64
    with Image.open(io.BytesIO(original)) as before:
        assert before.getexif().get_ifd(0x8825), "the corpus photo carries GPS"
    attach(client, draft, f"photo.{kind.lower()}", original)
    record = AttachmentFile.objects.get()
    with record.file.open("rb") as handle:
        stored = handle.read()
    assert stored != original and record.sha256 == hashlib.sha256(stored).hexdigest() and record.size == len(stored)
    with Image.open(io.BytesIO(stored)) as after:
        assert after.format == kind and record.content_type == f"image/{kind.lower()}"
        exif = after.getexif()
        assert not exif.get_ifd(0x8825) and 0x010F not in exif and 0x0112 not in exif
        assert b"SpyCam" not in stored and "exif" not in after.info
        assert after.size == (32, 64), "the orientation is applied to the pixels"
        top, bottom = after.convert("RGB").getpixel((16, 2)), after.convert("RGB").getpixel((16, 60))
        assert top[2] > 150 and bottom[0] > 150, "turned clockwise as the EXIF said: the blue left half on top"


def test_a_clean_pdf_is_stored_unchanged(client, draft, applicant):  # noqa: F811
    client.force_login(applicant)
    data = pdfs.text_pdf("Agreement of the consortium")
    attach(client, draft, "协议.pdf", data)
    record = AttachmentFile.objects.get()
    with record.file.open("rb") as handle:
        assert handle.read() == data
    assert record.page_count == 1 and "Agreement" in record.text_excerpt


# --- the bomb costs neither memory nor time -----------------------------------------------------------------

def test_a_two_gigabyte_bomb_is_refused_within_a_few_megabytes_and_seconds():
    data = hostile.big_bomb_pdf()
    assert len(data) < 3 * hostile.MB
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(UploadRejected, match="compression bomb"):
            check_file(SimpleUploadedFile("bomb.pdf", data), label="letter")
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 * hostile.MB, f"peak {peak / hostile.MB:.1f} MB"
    assert elapsed < 10, f"{elapsed:.1f} s"


@pytest.mark.parametrize("inflated,copies,refusal", [
    (16, 1, None),  # 16 MB of zeros at 1:1000: large, but an image of a white page is like that
    (48, 1, "more than 32 MB"),  # past 32 MB, a ratio over 500:1 is a bomb
    (30, 11, "more than 300 MB"),  # each stream within the limits, not all of them together
])
def test_the_limits_of_a_pdfs_streams(inflated, copies, refusal):
    upload = SimpleUploadedFile("a.pdf", hostile.bomb_pdf(inflated * hostile.MB, where="unused", copies=copies))
    if refusal is None:
        assert check_file(upload, label="letter").page_count == 1
    else:
        with pytest.raises(UploadRejected, match=refusal):
            check_file(upload, label="letter")


def test_streams_read_over_and_over_are_refused_as_damaged():
    data = hostile.overlapping_streams_pdf()
    started = time.perf_counter()
    with pytest.raises(UploadRejected, match="is damaged and cannot be opened as a PDF"):
        check_file(SimpleUploadedFile("a.pdf", data), label="letter")
    assert time.perf_counter() - started < 10


def test_the_bomb_through_the_anonymous_form_stays_bounded(client, settings, seeded):
    entry = entry_of(in_publicity(0))
    letter = SimpleUploadedFile("bomb.pdf", hostile.big_bomb_pdf())
    challenge = solved(client, object_url(entry))
    tracemalloc.start()
    try:
        response = client.post(object_url(entry), dict(unit_objection(letter=letter), **challenge),
                               HTTP_ACCEPT_LANGUAGE="en")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert response.status_code == 200 and "a compression bomb" in response.content.decode()
    assert peak < 48 * hostile.MB, f"peak {peak / hostile.MB:.1f} MB"
    assert not Objection.objects.exists() and stored_files(settings) == []


# --- the other ways in --------------------------------------------------------------------------------------

def test_the_paper_filing_import_refuses_a_zip_bomb(client, settings, seeded):
    from tests.review_factories import programme as seed_programme
    from tests.review_factories import staff_user

    weihai = seed_programme("weihai-2026")
    client.force_login(staff_user(weihai.authority))
    response = client.post(reverse("review:import_list"), {
        "programme": weihai.pk, "sheet": SimpleUploadedFile("台账.xlsx", hostile.zip_bomb_workbook())},
        HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "a compression bomb" in response.content.decode()
    assert not PaperImport.objects.exists() and stored_files(settings) == []


def test_the_verification_page_refuses_a_bomb_before_reading_it(client):
    response = client.post(reverse("review:verify_document"),
                           {"file": SimpleUploadedFile("certificate.pdf", hostile.bomb_pdf(where="unused"))},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "a compression bomb" in response.content.decode()
    assert 'data-status="' not in response.content.decode()


def test_review_and_supervision_uploads_use_the_same_check():
    from portal.lifecycle import ActionRefused
    from review.services._common import _check_pdf
    from supervision.services._common import store_pdf

    with pytest.raises(UploadRejected, match="it contains JavaScript"):
        _check_pdf(SimpleUploadedFile("letter.pdf", hostile.pdf_with(hostile.open_action_js)))
    with pytest.raises(ActionRefused, match="it is also a ZIP archive"):
        store_pdf(None, SimpleUploadedFile("report.pdf", hostile.zip_polyglot()), None, "report")


@pytest.mark.parametrize("name,expected", [
    ("C:\\Users\\x\\申报书.pdf", "申报书.pdf"), ("", "file"), ("..", "file"), ("\u202e", "file"),
    (".pdf", "pdf"), ("a" * 400, "a" * 180), ("x" * 300 + ".averyverylongextension", "x" * 180),
    ("报告\u200b\u200f\u2028.pdf", "报告.pdf"), ("line\nbreak.pdf", "linebreak.pdf"),
])
def test_clean_name(name, expected):
    assert clean_name(name) == expected
    assert os.path.basename(clean_name(name)) == clean_name(name)
