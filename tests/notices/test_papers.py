"""Official papers: 文号 per issuer and year, Chinese dates of the act, the issuer's seal and PAdES
signature over it, wording per programme, refusal notices named for their stage, the 公示's objection
channels, certificates frozen at issue and re-issued on a change of name, and the public check of an
uploaded PDF."""

import datetime
import io
import re
import subprocess

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from pypdf import PdfReader

from applications.documents import refusal_title
from applications.models import Application, Certificate
from applications.states import State
from notices import outbox, signing, verification
from notices.models import Counter, Document, Job
from notices.numbers import next_number
from notices.templatetags.papers import cn_date
from portal.lifecycle import ActionRefused
from portal.models import Role, User
from review import services
from tests.notices.conftest import prepared
from tests.review_factories import district_user, make_application

pytestmark = [pytest.mark.usefixtures("seeded"), pytest.mark.django_db]


def read(document):
    """The paper's text as pdftotext reads it (whitespace removed: lines break anywhere in Chinese)."""
    data = document.file.open("rb").read()
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True,
                          check=True).stdout.decode()
    return "".join(text.split()), data


def staff_of(app):
    return app.programme.authority.staff.filter(role=Role.STAFF).first()


def words_and_boxes(data):
    """(word, (x1, y1, x2, y2) in PDF points from the bottom left) of page 1, by pdftotext -bbox."""
    html = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", "-", "-"], input=data,
                          capture_output=True, check=True).stdout.decode()
    height = float(re.search(r'<page width="[\d.]+" height="([\d.]+)"', html).group(1))
    return [(w, (float(x1), height - float(y2), float(x2), height - float(y1)))
            for x1, y1, x2, y2, w in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', html)]


def signature_box(data):
    page = PdfReader(io.BytesIO(data)).pages[0]
    for annot in page.get("/Annots", []):
        annot = annot.get_object()
        if annot.get("/FT") == "/Sig":
            return tuple(float(v) for v in annot["/Rect"])
    return None


def overlaps(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def assert_signed_over_the_seal(data, issuer, date_text):
    """Signed by ``issuer`` (pyHanko's validator: intact, whole file, chains to the portal's CA), and the
    signature's box lies where the seal presses on the 署名 and 成文日期."""
    verdict = signing.verify(data)
    assert verdict.valid and verdict.signer == issuer, verdict
    box = signature_box(data)
    assert box is not None, "no visible signature field"
    width, height = box[2] - box[0], box[3] - box[1]
    assert 110 < width < 130 and 110 < height < 130, box  # 42 mm = 119 pt: the seal's box
    words = words_and_boxes(data)
    date_boxes = [b for w, b in words if w.startswith(date_text[:6]) or w == date_text]
    name_boxes = [b for w, b in words if w == issuer]
    assert date_boxes and name_boxes, (date_text, issuer)
    assert any(overlaps(box, b) for b in date_boxes) and any(overlaps(box, b) for b in name_boxes)


# --- numbers -----------------------------------------------------------------------------------------

def test_document_numbers_are_gap_free_per_series_and_year_and_a_rolled_back_act_returns_its_number():
    assert [next_number("issuer:甲", 2026) for _ in range(3)] == [1, 2, 3]
    assert next_number("issuer:乙", 2026) == 1 and next_number("issuer:甲", 2027) == 1
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            assert next_number("issuer:甲", 2026) == 4
            raise RuntimeError("the act fails")
    assert next_number("issuer:甲", 2026) == 4
    assert Counter.objects.get(series="issuer:甲", year=2026).last == 4


@pytest.mark.django_db(transaction=True)
def test_numbers_are_drawn_in_autocommit_too():
    """A draft is created by a view running in autocommit (ATOMIC_REQUESTS is off): no outer transaction."""
    assert not transaction.get_connection().in_atomic_block
    assert next_number("reference:TEST", 2026) == 1 and next_number("reference:TEST", 2026) == 2


def test_an_application_number_is_drawn_when_the_application_is_created():
    first = make_application("weihai-2026")
    second = make_application("weihai-2026")
    year = datetime.date.today().year
    assert re.fullmatch(rf"WHCXLHTSB{year}\d{{4}}", first.reference)
    assert int(second.reference[-4:]) == int(first.reference[-4:]) + 1
    first.name = "改名后"
    first.save()
    first.refresh_from_db()
    assert first.reference.endswith(f"{int(second.reference[-4:]) - 1:04d}")  # kept, never redrawn


# --- each paper in its official form ------------------------------------------------------------------

def test_return_and_refusal_notices_carry_number_title_chinese_date_issuer_and_seal(dispatch):
    today = cn_date(datetime.date.today())
    year = datetime.date.today().year
    app = prepared("beijing-2026", state="formal_review")
    staff = staff_of(app)
    services.formal_review_decide(app.pk, staff, False, "组建协议缺少成员单位盖章", [])
    text, data = read(Document.objects.get(application=app, kind=Job.Kind.NOTICE_RETURNED))
    number = Job.objects.get(application=app, kind=Job.Kind.NOTICE_RETURNED).payload["number"]
    assert re.fullmatch(rf"京科发〔{year}〕\d+号", number)
    for part in ("北京市科学技术委员会", number, "退回修改通知书", f"{app.unit.name}：", "一、退回原因",
                 "组建协议缺少成员单位盖章", app.reference, today):
        assert part in text, part
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text), "no ISO date on a paper"
    assert_signed_over_the_seal(data, "北京市科学技术委员会", today)

    refused = prepared("beijing-2026", state="decision")
    services.decide([refused.pk], staff, "refuse", reason="攻关任务不够明确")
    text, data = read(Document.objects.get(application=refused, kind=Job.Kind.NOTICE_REFUSED))
    second = Job.objects.get(application=refused, kind=Job.Kind.NOTICE_REFUSED).payload["number"]
    assert int(second[len(f"京科发〔{year}〕"):-1]) == int(number[len(f"京科发〔{year}〕"):-1]) + 1, (number, second)
    assert "不予支持通知书" in text and "不予备案" not in text  # 北京: 确定支持名单
    assert "攻关任务不够明确" in text and second in text
    assert_signed_over_the_seal(data, "北京市科学技术委员会", today)


def test_refusals_are_named_for_the_stage_that_refused(dispatch):
    suzhou = prepared("suzhou-2026").programme
    assert refusal_title(suzhou, "refuse", State.DECISION) == "不予立项通知书"
    assert refusal_title(suzhou, "refuse", State.FORMAL_REVIEW) == "不予受理通知书"
    assert refusal_title(suzhou, "not_recommend", State.DISTRICT_REVIEW) == "不予推荐通知书"

    app = prepared("weihai-2026", state="district_review")
    reviewer = district_user(app.district)
    services.district_decide(app.pk, reviewer, "not_recommend", "不符合本区产业方向")
    job = Job.objects.get(application=app, kind=Job.Kind.NOTICE_REFUSED)
    text, data = read(Document.objects.get(job=job))
    assert "不予推荐通知书" in text and "不符合本区产业方向" in text
    assert job.payload["issuer"] == app.district.name and job.payload["number"].startswith(app.district.name[:2])
    assert_signed_over_the_seal(data, app.district.name, cn_date(datetime.date.today()))


def test_receipt_and_recommendation_are_issued_by_the_office_that_acts(dispatch):
    app = make_application("weihai-2026", state="formal_review")  # submitted to 环翠区, recommended by it
    text, data = read(Document.objects.get(application=app, kind=Job.Kind.NOTICE_RECEIVED))
    assert f"受理编号：{app.reference}-01" in text and "受理回执" in text and app.district.name in text
    assert_signed_over_the_seal(data, app.district.name, cn_date(datetime.date.today()))
    text, data = read(Document.objects.get(application=app, kind=Job.Kind.RECOMMENDATION))
    number = Job.objects.get(application=app, kind=Job.Kind.RECOMMENDATION).payload["number"]
    assert number in text and "推荐" in text and "威海市科学技术局：" in text  # 主送: the authority
    assert_signed_over_the_seal(data, app.district.name, cn_date(datetime.date.today()))


def test_a_delayed_job_carries_the_date_of_its_act_not_of_its_rendering(settings):
    settings.OUTBOX_DISPATCH = False
    app = make_application("beijing-2026", state="returned")
    job = Job.objects.get(application=app, kind=Job.Kind.NOTICE_RETURNED)
    act_day = datetime.date.today() - datetime.timedelta(days=9)  # the broker was away for nine days
    Job.objects.filter(pk=job.pk).update(payload={**job.payload, "date": act_day.isoformat()})
    outbox.run(job.pk)
    text, _data = read(Document.objects.get(job=job))
    assert cn_date(act_day) in text and cn_date(datetime.date.today()) not in text


def test_the_publicity_notice_says_where_and_until_when_to_object(dispatch):
    app = prepared("weihai-2026", state="approved")
    authority = app.programme.authority
    start = datetime.date.today() + datetime.timedelta(days=1)
    batch, _period = services.open_publicity(app.programme, [app.pk], staff_of(app), starts_on=start)
    text, data = read(Document.objects.get(kind=Job.Kind.PUBLICITY_LIST))
    for part in (f"关于{app.programme.title}拟备案名单的公示", authority.objection_phone, authority.objection_address,
                 authority.objection_email, f"异议截止：{cn_date(batch.ends_on)}", app.name, "附件"):
        assert part in text, part
    assert re.search(r"威科字〔\d{4}〕\d+号", text)
    assert_signed_over_the_seal(data, authority.name, cn_date(datetime.date.today()))

    authority.objection_phone = ""
    authority.save()
    other = prepared("weihai-2026", state="approved")
    with pytest.raises(ActionRefused, match="phone and address for objections"):
        services.open_publicity(other.programme, [other.pk], staff_of(other), starts_on=start)


@pytest.mark.parametrize("code,title,act", [
    ("beijing-2026", "北京市创新联合体支持证书", "列入北京市创新联合体支持名单"),
    ("jiangsu-2026", "江苏省创新联合体证书", "纳入江苏省创新联合体"),
    ("suzhou-2026", "苏州市创新联合体立项证书", "批准立项建设"),
    ("weihai-2026", "威海市创新联合体备案证书", "予以备案"),
    ("zgc-2026", "中关村高精尖产业协同创新平台证书", "纳入中关村示范区高精尖产业协同创新平台体系"),
])
def test_each_programme_words_its_certificate_as_its_guideline_does(dispatch, code, title, act):
    with override_settings(OUTBOX_DISPATCH=False):  # only the certificate is rendered here
        app = make_application(code, state="filed")
    job = Job.objects.get(application=app, kind=Job.Kind.CERTIFICATE)
    outbox.run(job.pk)
    text, data = read(Document.objects.get(application=app, kind=Job.Kind.CERTIFICATE))
    authority = app.programme.authority.name
    for part in (title, act, app.name, app.unit.name, f"证书编号：{app.certificate_number}", authority,
                 cn_date(app.filed_on), "扫码核验"):
        assert part in text, part
    assert "创新联合体备案证书" not in text or code == "weihai-2026"
    page = PdfReader(io.BytesIO(data)).pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height), "landscape"
    assert_signed_over_the_seal(data, authority, cn_date(app.filed_on))


def test_the_filing_announcement_is_numbered_and_lists_names_as_certified(dispatch):
    with override_settings(OUTBOX_DISPATCH=False):
        app = make_application("weihai-2026", state="filed")
    outbox.run(Job.objects.get(kind=Job.Kind.FILING_ANNOUNCEMENT).pk)
    text, data = read(Document.objects.get(kind=Job.Kind.FILING_ANNOUNCEMENT))
    assert f"关于公布{app.programme.title}备案名单的公告" in text
    assert re.search(r"威科字〔\d{4}〕\d+号", text) and app.certificate_number in text and app.name in text
    assert_signed_over_the_seal(data, app.programme.authority.name, cn_date(datetime.date.today()))


# --- signatures and the public check ---------------------------------------------------------------------

def filed(code="suzhou-2026"):
    app = prepared(code, state="approved")
    services.file_applications([app.pk], staff_of(app))
    app.refresh_from_db()
    return app


def test_a_signed_paper_altered_after_signing_is_reported(dispatch, client):
    app = filed()
    document = Document.objects.get(application=app, kind=Job.Kind.CERTIFICATE)
    data = document.file.open("rb").read()
    out = subprocess.run(["pdfsig", document.file.path], capture_output=True, text=True).stdout
    assert "Signature is Valid" in out and "Total document signed" in out, out

    offset = data.index(app.certificate_number.encode()) if app.certificate_number.encode() in data else 200
    tampered = bytearray(data)
    tampered[offset] = ord("X") if tampered[offset] != ord("X") else ord("Y")
    assert not signing.verify(bytes(tampered)).valid
    appended = data + b"\n1 0 obj\n<< >>\nendobj\n"
    assert not signing.verify(appended).whole

    url = reverse("review:verify_document")
    assert client.get(url).status_code == 200

    def check(payload, name="x.pdf"):
        from django.core.files.uploadedfile import SimpleUploadedFile

        page = client.post(url, {"file": SimpleUploadedFile(name, payload, "application/pdf")})
        return page.content.decode()

    assert 'data-status="original"' in check(data) and 'data-certificate="current"' in check(data)
    assert verification.identify(bytes(tampered)).status in (verification.ALTERED, verification.UNKNOWN)
    assert 'data-status="original"' not in check(bytes(tampered))
    from notices.documents import render_pdf
    assert 'data-status="unknown"' in check(render_pdf("documents/base.html", {}))
    assert "This is not a PDF file." in check(b"hello, not a pdf", "a.pdf")


def test_a_change_of_name_reissues_the_certificate_and_supersedes_the_old_one(dispatch, client):
    app = filed()
    staff = staff_of(app)
    old_name, lead_name = app.name, app.unit.name
    first = Document.objects.get(application=app, kind=Job.Kind.CERTIFICATE).file.open("rb").read()

    # The lead unit renames itself after filing: what the certificate says does not change.
    app.unit.name = "改名后的牵头单位有限公司"
    app.unit.save()
    number = app.certificate_number
    from applications.certificates import verification_code
    verify = reverse("review:verify_certificate", args=[number, verification_code(number)])
    body = client.get(verify).content.decode()
    assert lead_name in body and "改名后的牵头单位有限公司" not in body
    assert lead_name in client.get(reverse("review:directory")).content.decode()

    client.force_login(staff)
    page = client.get(reverse("review:reissue_certificate", args=[app.pk]))
    assert page.status_code == 200 and 'id="confirm-reissue"' in page.content.decode()
    response = client.post(reverse("review:reissue_certificate", args=[app.pk]),
                           {"name": "苏州新一代半导体创新联合体", "reason": "联合体书面申请变更名称"})
    assert response.status_code == 302
    editions = list(Certificate.objects.filter(application=app).order_by("edition"))
    assert [c.edition for c in editions] == [1, 2]
    assert editions[0].superseded_on == datetime.date.today() and editions[0].name == old_name
    assert editions[1].current and editions[1].name == "苏州新一代半导体创新联合体"
    assert editions[1].lead_name == "改名后的牵头单位有限公司"  # the new edition says what is true now
    docs = list(Document.objects.filter(application=app, kind=Job.Kind.CERTIFICATE).order_by("version"))
    assert len(docs) == 2
    text, data = read(docs[1])
    assert "苏州新一代半导体创新联合体" in text and "第二版" in text and "联合体书面申请变更名称" in text
    assert signing.verify(data).valid

    client.logout()
    body = client.get(verify).content.decode()
    assert "苏州新一代半导体创新联合体" in body and 'data-status="superseded"' in body and old_name in body
    from django.core.files.uploadedfile import SimpleUploadedFile
    old = client.post(reverse("review:verify_document"),
                      {"file": SimpleUploadedFile("old.pdf", first, "application/pdf")}).content.decode()
    assert 'data-status="original"' in old and 'data-certificate="superseded"' in old
    assert "苏州新一代半导体创新联合体" in client.get(reverse("review:directory")).content.decode()

    # Nobody but the authority's staff may re-issue; the same name twice is refused.
    client.force_login(User.objects.filter(role=Role.APPLICANT, unit=app.unit).first())
    assert client.get(reverse("review:reissue_certificate", args=[app.pk])).status_code == 404
    with pytest.raises(ActionRefused):
        services.reissue_certificate(app.pk, staff, "苏州新一代半导体创新联合体", "重复")
    assert Application.objects.get(pk=app.pk).name == "苏州新一代半导体创新联合体"


def test_set_up_makes_a_certificate_per_issuer_and_production_never_signs_with_a_demo_key(settings, tmp_path):
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import call_command

    from notices.documents import render_pdf
    from portal.models import Authority, District

    settings.SIGNING_DEMO_DIR = str(tmp_path)
    call_command("signing_keys", stdout=io.StringIO())
    # One key per body: 苏州市科学技术局 is an authority and, for Jiangsu, a district office too.
    issuers = len(set(Authority.objects.values_list("name", flat=True)) | set(
        District.objects.values_list("name", flat=True)))
    assert len(list(tmp_path.glob("issuer-*.p12"))) == issuers and (tmp_path / "ca.pem").exists()
    blank = render_pdf("documents/base.html", {})
    pdf = signing.sign(blank, "威海市科学技术局")
    assert signing.verify(pdf).valid  # chains to the CA set-up made

    settings.SIGNING_DEMO_CA = False  # production: only configured PKCS#12 files
    settings.SIGNING_KEYS = {}
    with pytest.raises(ImproperlyConfigured):
        signing.sign(pdf, "威海市科学技术局")
    settings.SIGNING_KEYS = {"威海市科学技术局": str(signing._demo_key_file("威海市科学技术局"))}
    settings.SIGNING_TRUST_ROOTS = [str(tmp_path / "ca.pem")]
    assert signing.verify(signing.sign(blank, "威海市科学技术局")).valid


RARE_LEAD, RARE_MEMBER, EXT_B_MEMBER = "山东堃喆珺昇瑄玥科技有限公司", "刘𬱖精密仪器有限公司", "𡒄山新材料有限公司"


def embedded_fonts(path):
    rows = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    return [(row.split()[0], row.split()[-5:-2]) for row in rows if row.strip()]


def test_a_certificate_and_a_notice_draw_every_rare_name_from_embedded_portal_fonts(dispatch):
    from tests.review_factories import unit_in

    lead = unit_in("weihai-2026", name=RARE_LEAD)
    with override_settings(OUTBOX_DISPATCH=False):
        app = make_application("weihai-2026", state="filed", unit=lead)
    app.members.update(name=RARE_MEMBER)
    app.members.filter(pk=app.members.first().pk).update(name=EXT_B_MEMBER)
    Certificate.objects.filter(application=app).delete()
    certificate = Certificate.freeze(app, app.filed_on)
    from applications.documents import application_document, certificate_document

    jobs = [certificate_document(certificate), application_document(
        Job.Kind.NOTICE_RETURNED, app, payload={"reason": f"请{RARE_LEAD}补充{EXT_B_MEMBER}的材料。"}, key="rare")]
    for job in jobs:
        outbox.run(job.pk)
        document = Document.objects.get(job=job)
        assert document.missing_characters == ""
        text, data = read(document)
        for name in (RARE_LEAD, EXT_B_MEMBER) + ((RARE_MEMBER,) if job.kind == Job.Kind.CERTIFICATE else ()):
            assert name in text, (job.kind, name)
        fonts = embedded_fonts(document.file.path)
        assert fonts and all(name.split("+")[-1].startswith("Portal-Serif-SC") for name, _flags in fonts), fonts
        assert all(flags == ["yes", "yes", "yes"] for _name, flags in fonts), fonts  # embedded, subset, ToUnicode
        assert len(data) < 90_000, len(data)
        assert signing.verify(data).valid


def test_a_character_no_font_draws_is_logged_and_shown_to_staff_never_a_silent_box(dispatch, client, caplog):
    nothing = "\U00030000"  # CJK Extension G: neither Noto Serif CJK SC nor Hanazono has it
    app = prepared("beijing-2026", state="formal_review")
    staff = staff_of(app)
    services.formal_review_decide(app.pk, staff, False, f"请核对成员单位名称中的“{nothing}”字", [])
    document = Document.objects.get(application=app, kind=Job.Kind.NOTICE_RETURNED)
    assert document.missing_characters == nothing
    assert any("U+30000" in record.getMessage() for record in caplog.records)
    client.force_login(staff)
    page = client.get(reverse("review:application_detail", args=[app.pk])).content.decode()
    assert f'data-missing="{nothing}"' in page
    client.force_login(User.objects.filter(role=Role.APPLICANT, unit=app.unit).first())
    assert "data-missing" not in client.get(reverse("review:application_detail", args=[app.pk])).content.decode()


def test_links_use_the_request_host_when_no_base_url_is_set(dispatch, client, settings):
    """A demo opened from another machine: the certificate's QR link and the e-mails point at the address the
    act was done from; with PORTAL_BASE_URL set, at that."""
    settings.PORTAL_BASE_URL = ""
    settings.ALLOWED_HOSTS = ["192.168.1.20", "testserver"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.core import mail

    app = prepared("suzhou-2026", state="approved")
    staff = staff_of(app)
    client.force_login(staff)
    response = client.post(reverse("review:filing"), {"ids": [app.pk], "confirm": "1"},
                           HTTP_HOST="192.168.1.20:8000")
    assert response.status_code in (200, 302)
    app.refresh_from_db()
    assert app.certificate_number, response.content.decode()[:500]
    job = Job.objects.get(application=app, kind=Job.Kind.CERTIFICATE)
    assert job.payload["base_url"] == "http://192.168.1.20:8000"
    text, _data = read(Document.objects.get(job=job))
    assert "http://192.168.1.20:8000/verify/" in text
    assert any("http://192.168.1.20:8000/" in m.body for m in mail.outbox)

    settings.PORTAL_BASE_URL = "https://portal.example.gov.cn"
    from applications.certificates import verification_url
    assert verification_url(app.certificate_number).startswith("https://portal.example.gov.cn/verify/")
