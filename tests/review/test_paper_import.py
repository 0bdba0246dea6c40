"""Importing consortia filed on paper from an Excel sheet: the template, the preview, row errors with their row
numbers, all-or-nothing, certificate numbers kept (and kept out of the portal's own series), duplicates
refused, and the imported ones in the directory and on the verification page."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from applications.certificates import verification_code
from applications.models import Application, Certificate
from applications.states import State
from portal.lifecycle import ActionRefused
from portal.models import Unit
from review import services
from review.imports import COLUMNS
from review.models import CertificateCounter, PaperFiling, PaperImport, TransitionLog
from tests.factories import make_credit_code
from tests.review_factories import (
    admin_user,
    district_user,
    programme,
    quick_application,
    staff_user,
    unit_in,
)


def headings_en():
    with translation.override("en"):
        return [str(c.label) for c in COLUMNS]


def row(number="WHCXLHT20240003", name="威海海洋装备创新联合体", lead="威海示例海洋装备有限公司", code=None,
        unit_type="", division="", field="海洋装备", filed_on=datetime.date(2024, 6, 30),
        members="山东示例大学；威海示例研究院", contact="王工", phone="0631-5200000"):
    return [number, name, lead, code or make_credit_code("371002"), unit_type, division, field, filed_on, members,
            contact, phone]


def sheet(rows, headings=None):
    book = Workbook()
    book.active.append(headings or headings_en())
    for line in rows:
        book.active.append(line)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("台账.xlsx", out.getvalue())


@pytest.fixture
def weihai(seeded):
    return programme("weihai-2026")


@pytest.fixture
def staff(weihai):
    return staff_user(weihai.authority)


def upload(client, programme, rows, **kwargs):
    response = client.post(reverse("review:import_list"), {"programme": programme.pk, "sheet": sheet(rows, **kwargs)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return PaperImport.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))


def confirm(client, paper_import):
    return client.post(reverse("review:import_detail", args=[paper_import.pk]), {"confirm": "on"}, follow=True)


# --- the whole path ------------------------------------------------------------------------------------

@pytest.mark.sqlite
def test_template_preview_and_import(client, weihai, staff):
    client.force_login(staff)
    page = client.get(reverse("review:workspace")).content.decode()
    assert reverse("review:import_list") in page
    template = client.get(reverse("review:import_template"), {"programme": weihai.pk})
    assert template.status_code == 200
    book = load_workbook(io.BytesIO(template.content))
    assert [c.value for c in book.worksheets[0][1]] == headings_en()
    assert weihai.title in [c.value for c in book.worksheets[1][1]]

    existing = unit_in("weihai-2026", name="威海已注册科技有限公司")
    paper_import = upload(client, weihai, [
        row(),
        row(number="威科备〔2023〕12号", name="威海生物医药创新联合体", lead="新名称不会覆盖", code=existing.credit_code,
            filed_on="2023年5月8日", members="甲大学（" + make_credit_code("371002", "12") + "）\n乙医院"),
    ])
    preview = client.get(reverse("review:import_detail", args=[paper_import.pk]))
    html = preview.content.decode()
    assert 'id="import-problems"' not in html and 'id="import-confirm"' in html
    assert "威海海洋装备创新联合体" in html and "registered unit: 威海已注册科技有限公司" in html
    assert not Application.objects.filter(name="威海海洋装备创新联合体").exists()  # a preview writes nothing

    response = confirm(client, paper_import)
    assert "2 consortia were imported as filed." in response.content.decode()
    first = Application.objects.get(certificate_number="WHCXLHT20240003")
    assert (first.state, first.filed_on, first.programme, first.field) == (
        State.FILED, datetime.date(2024, 6, 30), weihai, "海洋装备")
    assert first.unit.name == "威海示例海洋装备有限公司" and first.unit.division.code == "371002"
    assert first.district is not None and first.district.authority_id == weihai.authority_id
    assert [m.name for m in first.members.all()] == ["山东示例大学", "威海示例研究院"]
    certificate = Certificate.objects.get(application=first)
    assert (certificate.edition, certificate.number, certificate.name, certificate.lead_name, certificate.issued_on,
            certificate.issuer) == (1, "WHCXLHT20240003", first.name, first.unit.name, datetime.date(2024, 6, 30),
                                    weihai.authority.name)
    assert certificate.members == ["山东示例大学", "威海示例研究院"]
    log = TransitionLog.objects.get(application=first)
    assert (log.transition, log.actor, log.target) == ("import", staff, State.FILED) and "row 2" in log.reason
    # Its page opens like any filed consortium's, its timeline saying where it came from; it is on the staff list.
    detail = client.get(reverse("review:application_detail", args=[first.pk]))
    assert detail.status_code == 200 and "entered from a paper filing" in detail.content.decode()
    listed = client.get(reverse("review:staff_list"), {"state": State.FILED}).context["page"].object_list
    assert first.pk in [a.pk for a in listed]

    second = Application.objects.get(certificate_number="威科备〔2023〕12号")
    assert second.unit == existing and second.filed_on == datetime.date(2023, 5, 8)  # matched, not renamed
    assert Unit.objects.get(pk=existing.pk).name == "威海已注册科技有限公司"
    assert [(m.name, bool(m.credit_code)) for m in second.members.all()] == [("甲大学", True), ("乙医院", False)]
    assert PaperFiling.objects.get(application=second).row == 3

    # Imported once: the page now lists what it made, and a second confirmation is refused.
    paper_import.refresh_from_db()
    assert paper_import.is_imported and paper_import.row_count == 2 and paper_import.imported_by == staff
    assert client.post(reverse("review:import_detail", args=[paper_import.pk]), {"confirm": "on"}).status_code == 404
    with pytest.raises(ActionRefused):
        services.import_paper_filings(paper_import.pk, staff)
    assert Application.objects.filter(paper_filing__isnull=False).count() == 2


def test_imported_consortia_are_in_the_directory_and_verify(client, weihai, staff):
    client.force_login(staff)
    confirm(client, upload(client, weihai, [row()]))
    client.logout()
    directory = client.get(reverse("review:directory"), {"q": "海洋装备"}).content.decode()
    assert "威海海洋装备创新联合体" in directory and "WHCXLHT20240003" in directory
    assert "威海海洋装备创新联合体" in client.get(reverse("review:directory"), {"year": "2024"}).content.decode()
    number = "WHCXLHT20240003"
    page = client.get(reverse("review:verify_certificate", args=[number, verification_code(number)]))
    html = page.content.decode()
    assert page.status_code == 200 and 'data-status="valid"' in html and "威海海洋装备创新联合体" in html
    assert 'id="verify-paper"' in html and "issued on paper" in html and "2024-06-30" in html


# --- certificate numbers ---------------------------------------------------------------------------------

def test_an_imported_number_of_the_series_is_never_drawn_again(client, weihai, staff):
    """WHCXLHT20240003 is number 3 of 2024: the counter moves past it, so the next filing of 2024 is 0004."""
    CertificateCounter.objects.create(prefix="WHCXLHT", year=2024, last=1)
    client.force_login(staff)
    confirm(client, upload(client, weihai, [row()]))
    assert CertificateCounter.objects.get(prefix="WHCXLHT", year=2024).last == 3
    assert services.next_certificate_number(weihai, 2024) == "WHCXLHT20240004"
    # A lower number than the counter's leaves it where it is.
    confirm(client, upload(client, weihai, [row(number="WHCXLHT20240002", name="另一创新联合体", lead="另一单位")]))
    assert CertificateCounter.objects.get(prefix="WHCXLHT", year=2024).last == 4


# --- row errors, all or nothing --------------------------------------------------------------------------

def test_row_errors_name_their_row_and_column_and_nothing_is_imported(client, weihai, staff):
    taken = quick_application("weihai-2026", "filed")
    client.force_login(staff)
    code = make_credit_code("371002")
    paper_import = upload(client, weihai, [
        row(),                                                            # row 2: fine
        row(number="", name="缺证书编号创新联合体"),                         # row 3
        row(number=taken.certificate_number, name="重号创新联合体"),         # row 4
        row(number="WHCXLHT20240003", name="表内重号创新联合体"),            # row 5
        row(number="N-6", code="91371002MA3C00000X"),                      # row 6: bad check character
        row(number="N-7", code=code, filed_on="下个月"),                    # row 7
        row(number="N-8", code=code, filed_on=datetime.date.today() + datetime.timedelta(days=3)),  # row 8
        row(number="N-9", code=taken.unit.credit_code),                    # row 9: already filed under it
        row(number="N-10", unit_type="外星机构", division="999999"),          # row 10
    ])
    html = client.get(reverse("review:import_detail", args=[paper_import.pk])).content.decode()
    assert 'id="import-confirm"' not in html
    expected = [
        "Row 3, Certificate number: This column must be filled in.",
        "Row 4, Certificate number: This certificate number is already in the portal.",
        "Row 5, Certificate number: The same certificate number is also on row 2.",
        "Row 6, Unified social credit code of the lead unit:",
        "Row 7, Filing date: Not a date; write it as 2024-06-30.",
        "Row 8, Filing date: The filing date cannot be in the future.",
        "Row 8, Unified social credit code of the lead unit: The same lead unit (credit code) is also on row 7.",
        "Row 9, Unified social credit code of the lead unit: This lead unit already has a filed consortium under "
        "this programme.",
        "Row 10, Lead unit type: Not a unit type the portal knows",
        "Row 10, Division code of the lead unit: No division has the code 999999.",
    ]
    for text in expected:
        assert text in html, text
    assert "Row 2" not in html
    before = Application.objects.count(), Unit.objects.count(), Certificate.objects.count()
    response = confirm(client, paper_import)
    assert "Nothing was imported" in response.content.decode()
    assert (Application.objects.count(), Unit.objects.count(), Certificate.objects.count()) == before
    assert not PaperImport.objects.get(pk=paper_import.pk).is_imported


def test_a_failure_while_writing_leaves_nothing_half_imported(client, weihai, staff, monkeypatch):
    """The rows are written one by one in one transaction: a failure at the second undoes the first."""
    client.force_login(staff)
    paper_import = upload(client, weihai, [row(), row(number="WHCXLHT20240009", name="第二创新联合体", lead="第二单位")])
    from review.services import imports

    original, calls = imports._write, []

    def failing(entry, *args):
        calls.append(entry.row)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return original(entry, *args)

    monkeypatch.setattr(imports, "_write", failing)
    before = Application.objects.count(), Unit.objects.count(), Certificate.objects.count()
    with pytest.raises(RuntimeError):
        services.import_paper_filings(paper_import.pk, staff)
    assert calls == [2, 3]
    assert (Application.objects.count(), Unit.objects.count(), Certificate.objects.count()) == before
    assert not CertificateCounter.objects.filter(prefix="WHCXLHT", year=2024).exists()


@pytest.mark.chinese
def test_chinese_headings_are_recognised(client, weihai, staff):
    """The template's headings follow the language; a sheet with headings of either language is read."""
    with translation.override("zh-hans"):
        headings = [str(c.label) for c in COLUMNS]
    client.force_login(staff)
    paper_import = upload(client, weihai, [row()[::-1]], headings=headings[::-1])  # any order
    response = confirm(client, paper_import)
    assert response.status_code == 200
    assert Application.objects.filter(certificate_number="WHCXLHT20240003", name="威海海洋装备创新联合体").exists()


def test_sheet_problems(client, weihai, staff):
    client.force_login(staff)
    paper_import = upload(client, weihai, [row()], headings=["证书", "名称"])
    html = client.get(reverse("review:import_detail", args=[paper_import.pk])).content.decode()
    assert "The first row must hold the column headings of the template; missing:" in html
    response = client.post(reverse("review:import_list"), {
        "programme": weihai.pk, "sheet": SimpleUploadedFile("台账.xls", b"\xd0\xcf\x11\xe0 old excel")})
    assert "only Excel workbooks (.xlsx) are accepted" in response.content.decode()
    response = client.post(reverse("review:import_list"), {
        "programme": weihai.pk, "sheet": SimpleUploadedFile("假的.xlsx", b"not a zip")})
    assert "is not an Excel workbook" in response.content.decode()
    assert PaperImport.objects.count() == 1


# --- who may import ---------------------------------------------------------------------------------------

def test_only_the_programmes_staff_import(client, weihai, staff, seeded):
    other = staff_user(programme("zgc-2026").authority)
    client.force_login(staff)
    paper_import = upload(client, weihai, [row()])
    client.force_login(other)
    assert client.get(reverse("review:import_detail", args=[paper_import.pk])).status_code == 404
    assert client.post(reverse("review:import_detail", args=[paper_import.pk]), {"confirm": "on"}).status_code == 404
    response = client.post(reverse("review:import_list"), {"programme": weihai.pk, "sheet": sheet([row()])})
    assert response.status_code == 200 and PaperImport.objects.count() == 1  # not one of its programmes
    assert client.get(reverse("review:import_template"), {"programme": weihai.pk}).status_code == 404
    with pytest.raises(ActionRefused):
        services.import_paper_filings(paper_import.pk, other)
    for user in (admin_user(), district_user(quick_application("weihai-2026", "filed").district)):
        client.force_login(user)
        assert client.get(reverse("review:import_list")).status_code == 403
    assert not Application.objects.filter(paper_filing__isnull=False).exists()


# --- the imported lead unit's administrator -----------------------------------------------------------------

def test_staff_invite_the_administrator_of_an_imported_unit(client, weihai, staff, mailoutbox,
                                                            django_capture_on_commit_callbacks):
    """A lead unit the import registered has no user: staff make its administrator's account, who sets a
    password from the e-mailed link and logs in as the unit's administrator; a second invitation is refused."""
    client.force_login(staff)
    paper_import = upload(client, weihai, [row()])
    confirm(client, paper_import)
    filing = PaperFiling.objects.get(source=paper_import)
    unit = filing.application.unit
    page = client.get(reverse("review:import_detail", args=[paper_import.pk])).content.decode()
    invite = reverse("review:import_invite", args=[paper_import.pk, filing.pk])
    assert invite in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(invite, {"full_name": "王工", "email": "wang@example.cn", "phone": "0631-5200000"})
    assert response.status_code == 302
    person = unit.users.get()
    assert (person.username, person.is_unit_admin, person.has_usable_password()) == (unit.credit_code, True, False)
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["wang@example.cn"]
    link = next(line for line in mailoutbox[0].body.splitlines() if "/reset/" in line).strip()
    assert unit.name in mailoutbox[0].body and unit.credit_code in mailoutbox[0].body

    client.logout()
    response = client.get(link, follow=True)
    client.post(response.redirect_chain[-1][0], {"new_password1": "Haiyang-2026-pw!", "new_password2": "Haiyang-2026-pw!"})
    assert client.login(username=unit.credit_code, password="Haiyang-2026-pw!")
    assert filing.application.name in client.get(reverse("review:workspace")).content.decode()

    client.force_login(staff)
    assert invite not in client.get(reverse("review:import_detail", args=[paper_import.pk])).content.decode()
    response = client.post(invite, {"full_name": "李工", "email": "li@example.cn", "phone": "1"}, follow=True)
    assert "This unit already has users" in response.content.decode() and unit.users.count() == 1
    client.force_login(staff_user(programme("zgc-2026").authority))
    assert client.get(invite).status_code == 404
