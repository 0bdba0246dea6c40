"""Documents and notices: rendering, storage, access, verification, and the outbox under faults.

The Celery tests use a real worker process consuming from the real local Redis (never eager
mode), against the test database.
"""

import io
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from pypdf import PdfReader

from applications.certificates import verification_code
from applications.models import Application
from notices import documents, outbox
from notices.models import Document, Job, Notification
from portal.celery import app as celery_app
from portal.models import Role
from review import services
from tests.factories import UnitFactory, UserFactory
from tests.notices.conftest import prepared
from tests.review_factories import make_application

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.usefixtures("seeded")

REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


def pdf_text(document):
    with document.file.open("rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF")
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages), data


# --- rendering, in-process (the embedded default: no broker) -----------------------------------------

@pytest.mark.django_db
def test_filing_renders_a_certificate_with_chinese_text(dispatch, client):
    app = prepared("suzhou-2026", state="approved")
    staff = app.programme.authority.staff.filter(role=Role.STAFF).first()
    services.file_applications([app.pk], staff)
    app.refresh_from_db()
    document = Document.objects.get(application=app, kind=Job.Kind.CERTIFICATE)
    text, data = pdf_text(document)
    for chinese in (app.name, app.unit.name, app.programme.authority.name, app.certificate_number):
        assert "".join(chinese.split()) in "".join(text.split()), chinese
    for member in app.members.all()[:3]:
        assert member.name in text
    assert "苏州市创新联合体立项证书" in "".join(text.split())  # 苏州 四（四）批准立项建设: the programme's wording
    assert document.sha256 == __import__("hashlib").sha256(data).hexdigest()
    assert document.size == len(data) and document.version == 1
    job = document.job
    assert job.status == Job.Status.DONE and job.attempts == 1
    # The applicant was told, in the inbox and by e-mail.
    applicant = app.unit.users.first()
    note = Notification.objects.filter(recipient=applicant, kind="filed").get()
    assert app.certificate_number in note.body
    assert any(app.certificate_number in m.body for m in mail.outbox)


@pytest.mark.django_db
@pytest.mark.parametrize("state,kind", [
    ("district_review", Job.Kind.NOTICE_RECEIVED),
])
def test_submission_renders_a_receipt(dispatch, state, kind):
    app = make_application("weihai-2026", state=state)
    document = Document.objects.get(application=app, kind=kind)
    text, _data = pdf_text(document)
    flat = "".join(text.split())
    assert app.name in flat and app.unit.name in flat
    assert f"受理编号：{app.reference}-01" in flat  # the n-th submission of this 申报编号


@pytest.mark.django_db
def test_return_and_refusal_notices_carry_the_reason(dispatch):
    app = prepared("beijing-2026", state="formal_review")
    staff = app.programme.authority.staff.filter(role=Role.STAFF).first()
    services.formal_review_decide(app.pk, staff, False, "组建协议缺少成员单位盖章", [])
    text, _ = pdf_text(Document.objects.get(application=app, kind=Job.Kind.NOTICE_RETURNED))
    assert "组建协议缺少成员单位盖章" in text
    app2 = prepared("beijing-2026", state="decision")
    services.decide([app2.pk], staff, "refuse", reason="攻关任务不够明确")
    text, _ = pdf_text(Document.objects.get(application=app2, kind=Job.Kind.NOTICE_REFUSED))
    assert "攻关任务不够明确" in text


@pytest.mark.django_db
def test_every_document_kind_renders_chinese_without_missing_glyphs(dispatch):
    from notices.documents import render_pdf

    app = prepared("zgc-2026", state="approved")
    staff = app.programme.authority.staff.filter(role=Role.STAFF).first()
    services.open_publicity(app.programme, [app.pk], staff, starts_on=__import__("datetime").date(2026, 11, 2))
    batch_doc = Document.objects.get(kind=Job.Kind.PUBLICITY_LIST)
    text, _ = pdf_text(batch_doc)
    # A long name (the factories number them, higher in a longer run) wraps in the list's narrow column.
    assert app.name in "".join(text.split())
    job = Job(kind=Job.Kind.APPLICATION_FORM, key="x", subject=app)
    data = render_pdf(documents.template_of(job.kind), documents.context_for(job))
    text = "".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())
    assert app.name in text and app.unit.name in text
    assert "\ufffd" not in text


@pytest.mark.django_db
def test_documents_are_private(dispatch, client):
    app = prepared("suzhou-2026", state="approved")
    staff = app.programme.authority.staff.filter(role=Role.STAFF).first()
    services.file_applications([app.pk], staff)
    document = Document.objects.get(application=app, kind=Job.Kind.CERTIFICATE)
    url = reverse("review:document_download", args=[app.pk, document.pk])
    client.force_login(app.unit.users.first())
    assert client.get(url).status_code == 200
    client.force_login(staff)
    assert client.get(url).status_code == 200
    for outsider in (UserFactory(unit=UnitFactory()), UserFactory(role=Role.EXPERT, unit=None)):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


@pytest.mark.django_db
def test_verification_page_shows_only_public_facts(dispatch, client):
    app = prepared("suzhou-2026", state="approved")
    staff = app.programme.authority.staff.filter(role=Role.STAFF).first()
    services.file_applications([app.pk], staff)
    app.refresh_from_db()
    number = app.certificate_number
    page = client.get(reverse("review:verify_certificate", args=[number, verification_code(number)]))
    body = page.content.decode()
    assert page.status_code == 200 and 'data-status="valid"' in body
    assert app.name in body and app.unit.name in body
    assert app.unit.credit_code not in body and app.unit.contact_phone not in body
    for member in app.members.all():
        assert member.name not in body
    altered = client.get(reverse("review:verify_certificate", args=[number, "0" * 16]))
    assert altered.status_code == 404 and app.name not in altered.content.decode()
    unknown = client.get(reverse("review:verify_certificate", args=["NOPE20260001", verification_code("NOPE20260001")]))
    assert unknown.status_code == 404 and 'data-status="unknown"' in unknown.content.decode()
    Application.objects.filter(pk=app.pk).update(revoked_on=app.filed_on)
    revoked = client.get(reverse("review:verify_certificate", args=[number, verification_code(number)]))
    assert 'data-status="revoked"' in revoked.content.decode()


@pytest.mark.django_db
def test_same_job_twice_gives_one_document(dispatch):
    app = prepared("suzhou-2026", state="approved")
    staff = app.programme.authority.staff.filter(role=Role.STAFF).first()
    services.file_applications([app.pk], staff)
    job = Job.objects.get(application=app, kind=Job.Kind.CERTIFICATE)
    assert outbox.run(job.pk) == "skipped"
    assert outbox.run(job.pk) == "skipped"
    assert Document.objects.filter(job=job).count() == 1


@pytest.mark.django_db
def test_inbox_unread_count_and_mark_read(dispatch, client):
    app = make_application("weihai-2026", state="district_review")
    applicant = app.unit.users.first()
    client.force_login(applicant)
    page = client.get(reverse("review:workspace")).content.decode()
    assert 'id="unread-count"' in page
    note = Notification.objects.filter(recipient=applicant).first()
    url = reverse("notices:notification_open", args=[note.pk])
    inbox = client.get(reverse("notices:inbox")).content.decode()
    assert f'method="post" action="{url}"' in inbox and f'href="{url}"' not in inbox
    shown = client.get(url)  # GET shows the notice and changes nothing
    assert shown.status_code == 200 and note.subject in shown.content.decode() and 'id="notice-open"' in shown.content.decode()
    note.refresh_from_db()
    assert note.read_at is None
    assert client.post(url)["Location"] == (note.url or reverse("notices:inbox"))
    note.refresh_from_db()
    assert note.read_at is not None
    assert client.put(url).status_code == 405
    client.post(reverse("notices:inbox_mark_all_read"))
    assert 'id="unread-count"' not in client.get(reverse("review:workspace")).content.decode()
    other = UserFactory(unit=UnitFactory())
    client.force_login(other)
    assert client.get(reverse("notices:notification_open", args=[note.pk])).status_code == 404
    assert client.post(reverse("notices:notification_open", args=[note.pk])).status_code == 404


# --- a real worker on the real Redis ------------------------------------------------------------------

class Worker:
    def __init__(self, queue, media_root):
        self.queue, self.media_root, self.proc = queue, media_root, None

    def start(self):
        db = connection.settings_dict
        env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
        env.update({
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
            "CELERY_BROKER_URL": REDIS, "CELERY_QUEUE": self.queue, "PRIVATE_MEDIA_ROOT": str(self.media_root),
            "DOCUMENT_FONT_DIR": settings.DOCUMENT_FONT_DIR, "OUTBOX_DISPATCH": "false",
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend", "PYTHONPATH": str(ROOT),
        })
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo", "-Q", self.queue,
             "-l", "warning", "--without-heartbeat", "--without-gossip", "--without-mingle"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        return self

    def kill(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


def reset_connections():
    """Forget pooled broker connections, so a changed broker_url takes effect."""
    from kombu import pools

    pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker(settings, tmp_path):
    """Point this process's Celery at the real Redis on a queue of its own; no eager mode."""
    import redis

    redis.Redis.from_url(REDIS).ping()
    queue = f"test-{uuid.uuid4().hex[:8]}"
    settings.OUTBOX_DISPATCH = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    keys = ("broker_url", "task_always_eager", "task_default_queue")
    old = {k: celery_app.conf[k] for k in keys}
    # The project's own broker settings (settings.CELERY_BROKER_TRANSPORT_OPTIONS) decide how fast
    # a request gives up on an unreachable broker: nothing is overridden here.
    celery_app.conf.update(broker_url=REDIS, task_always_eager=False, task_default_queue=queue)
    reset_connections()
    workers = []

    def make_worker():
        worker = Worker(queue, settings.MEDIA_ROOT).start()
        workers.append(worker)
        return worker

    yield make_worker
    for worker in workers:
        worker.stop()
    celery_app.conf.update(old)
    reset_connections()
    redis.Redis.from_url(REDIS).delete(queue)


def wait_for(predicate, timeout=60, step=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


def file_one(state="approved"):
    with transaction.atomic():  # one commit for the set-up; its jobs go to the broker at that commit
        app = make_application("suzhou-2026", state=state)
    staff = app.programme.authority.staff.filter(role=Role.STAFF).first()
    return app, staff


@pytest.mark.django_db(transaction=True)
def test_certificate_through_a_real_worker(broker):
    worker = broker()
    app, staff = file_one()
    services.file_applications([app.pk], staff)
    job = Job.objects.get(application=app, kind=Job.Kind.CERTIFICATE)
    assert job.task_id, "handed to the broker on commit"
    assert wait_for(lambda: Document.objects.filter(job=job).exists()), worker.proc.stderr.read1(4000)
    document = Document.objects.get(job=job)
    assert document.task_id == job.task_id
    text, _ = pdf_text(document)
    assert app.name in text


@pytest.mark.django_db(transaction=True)
def test_broker_down_during_transition_then_restored(broker):
    app, staff = file_one()
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens there
    reset_connections()
    started = time.perf_counter()
    services.file_applications([app.pk], staff)
    # The request is not held up by the outage (kombu's defaults took about 6 s per job here).
    assert time.perf_counter() - started < 3
    app.refresh_from_db()
    assert app.state == "filed" and app.certificate_number, "the transition succeeds without the broker"
    job = Job.objects.get(application=app, kind=Job.Kind.CERTIFICATE)
    assert job.status == Job.Status.PENDING and not job.task_id
    # Redis is back: the periodic sweep delivers it, exactly once, even if swept twice.
    celery_app.conf.broker_url = REDIS
    reset_connections()
    broker()
    assert outbox.sweep(older_than_seconds=0) >= 1
    assert wait_for(lambda: Job.objects.get(pk=job.pk).status == Job.Status.DONE)
    outbox.sweep(older_than_seconds=0)
    time.sleep(1)
    assert Document.objects.filter(application=app, kind=Job.Kind.CERTIFICATE).count() == 1


@pytest.mark.django_db(transaction=True)
def test_same_task_delivered_twice_gives_one_document(broker):
    from notices.tasks import run_job

    broker()
    app, staff = file_one()
    services.file_applications([app.pk], staff)
    job = Job.objects.get(application=app, kind=Job.Kind.CERTIFICATE)
    for _ in range(3):
        run_job.apply_async(args=[job.pk])
    assert wait_for(lambda: Job.objects.get(pk=job.pk).status == Job.Status.DONE)
    time.sleep(2)
    assert Document.objects.filter(job=job).count() == 1


@pytest.mark.django_db(transaction=True)
def test_worker_killed_while_rendering(broker, settings):
    app, staff = file_one()
    # A long application form keeps the worker busy long enough to kill it mid-render.
    from applications.models import Member

    Member.objects.bulk_create([Member(application=app, name=f"长表成员单位{i}", unit_type="enterprise", order=100 + i)
                                for i in range(600)])
    job = outbox.add_job(Job.Kind.APPLICATION_FORM, f"form-kill-{app.pk}", subject=app)
    first = broker()
    outbox.enqueue(job.pk)

    def locked():
        try:
            with transaction.atomic():
                Job.objects.select_for_update(nowait=True).get(pk=job.pk)
            return False
        except DatabaseError:
            return True

    assert wait_for(locked, timeout=60, step=0.05), "the worker never started the job"
    first.kill()
    job.refresh_from_db()
    assert job.status == Job.Status.PENDING and not Document.objects.filter(job=job).exists()
    folder = Path(settings.MEDIA_ROOT) / "documents" / Job.Kind.APPLICATION_FORM
    visible = [p for p in folder.rglob("*.pdf")] if folder.exists() else []
    assert visible == [], "no half-written document is ever visible"
    broker()
    outbox.sweep(older_than_seconds=0)
    assert wait_for(lambda: Job.objects.get(pk=job.pk).status == Job.Status.DONE, timeout=120)
    assert Document.objects.filter(job=job).count() == 1
    assert len(list(folder.rglob("*.pdf"))) == 1


@pytest.mark.django_db
@pytest.mark.chinese
def test_every_document_of_a_route_is_chinese_paginated_and_in_the_portal_font(dispatch, client):
    """Walk Weihai to filing (receipt, 推荐意见 and the batch's 推荐函 with its 推荐汇总表, 公示名单, certificate,
    备案名单公告) and revocation (撤销备案 notice) plus a return and a refusal notice and the printable form: every
    PDF has its Chinese text, no missing glyph, the page footer and only the portal's embedded serif font."""
    import base64

    from applications.certificates import verification_url
    from notices.documents import FONT_FAMILY, render_pdf
    from supervision import services as supervision
    from supervision.choices import RevocationGround
    from tests.review_factories import advance, district_user

    app = make_application("weihai-2026", state="district_review")
    reviewer = district_user(app.district)
    for i in range(3):
        services.add_peer_opinion(app, reviewer, expert_name=f"同行专家{i}", title="教授", title_level="senior",
                                  discipline="海洋科学", opinion="同意推荐。", date=app.submitted_at.date())
    services.recommend_batch(reviewer, app.programme_id, [services.Ranked(app.pk, 1)], "材料真实，同意推荐。")
    app = advance(app, "filed")
    make_application("beijing-2026", state="returned")
    make_application("beijing-2026", state="refused")
    staff = app.programme.authority.staff.filter(role=Role.STAFF).first()  # and, after filing, its revocation
    revocation = supervision.propose_revocation(app.pk, staff, RevocationGround.OTHER, "创新联合体自行解散")
    supervision.confirm_revocation(revocation.pk, staff, "局务会研究决定")
    kinds = set(Document.objects.values_list("kind", flat=True))
    assert kinds == set(documents.KINDS) - {Job.Kind.APPLICATION_FORM}, kinds
    stored = list(Document.objects.all())
    job = Job(kind=Job.Kind.APPLICATION_FORM, key="form", subject=app)
    form_pdf = render_pdf(documents.template_of(job.kind), documents.context_for(job))
    rendered = [(d.kind, d.subject_id if isinstance(d.subject, Application) else None, d.file.open("rb").read())
                for d in stored]
    for label, application_id, data in rendered + [("form", app.pk, form_pdf)]:
        reader = PdfReader(io.BytesIO(data))
        text = "".join(page.extract_text() for page in reader.pages)
        assert "\ufffd" not in text, label
        # GB/T 9704 page numbers (— 1 —); the one-page landscape certificate carries none.
        assert label == Job.Kind.CERTIFICATE or "— 1 —" in text, label
        fonts = {str(font["/BaseFont"]).split("+")[-1] for page in reader.pages
                 for font in page["/Resources"]["/Font"].values()}
        assert fonts and all(name.startswith(FONT_FAMILY.replace(" ", "-")) for name in fonts), (label, fonts)
        # Each names its application (a batch's lists name the Weihai one).
        owner = Application.objects.get(pk=application_id or app.pk)
        assert "".join(owner.name.split()) in "".join(text.split()), label

    # The certificate carries the QR code of its public verification page.
    certificate = Document.objects.get(kind=Job.Kind.CERTIFICATE, application=app)
    context = documents.context_for(certificate.job)
    assert context["verify_url"] == verification_url(app.certificate_number)
    svg = base64.b64decode(context["qr"].split(",", 1)[1]).decode()
    assert svg.startswith("<svg") and "path" in svg
    cert_text = "".join("".join(p.extract_text() for p in PdfReader(certificate.file.open("rb")).pages).split())
    assert "扫码核验" in cert_text and app.programme.guideline_title.strip("《》") in cert_text
    assert "威海市创新联合体备案证书" in cert_text  # 威海 备案: the programme's wording
    path = context["verify_url"].split("://", 1)[-1].split("/", 1)[1]
    assert client.get("/" + path).status_code == 200


@pytest.mark.django_db
@pytest.mark.chinese
def test_notices_are_written_in_the_portals_language_whatever_the_actor_reads(dispatch):
    """A reviewer browsing in English returns an application: the applicant's notice is Chinese."""
    from django.utils import translation

    app = prepared("beijing-2026", state="formal_review")
    staff = app.programme.authority.staff.filter(role=Role.STAFF).first()
    with translation.override("en"):
        services.formal_review_decide(app.pk, staff, False, "缺少盖章页", [])
    note = Notification.objects.get(recipient__unit=app.unit, kind="returned")
    assert note.subject.startswith("退回修改") and "缺少盖章页" in note.body, note.subject
    assert "Returned" not in note.subject and "Reason" not in note.body
    email = next(m for m in mail.outbox if m.subject == note.subject)
    assert "缺少盖章页" in email.body


@pytest.mark.django_db
def test_every_event_reaches_its_people_in_the_inbox_and_by_email(dispatch):
    """received, returned (with reason), recommended, not recommended, expert invited (with deadline),
    publicity, objection received (staff), filed (with the number), refused — each an inbox notice
    and an e-mail with the link to the page."""
    from tests.review_factories import district_of, district_user, staff_user

    def notes(app, kind):
        return list(Notification.objects.filter(recipient__unit=app.unit, kind=kind))

    reviewer = district_user(district_of("weihai-2026"))  # there before the submission
    weihai = make_application("weihai-2026", state="filed")
    for kind in ("received", "recommended", "formal_passed", "expert_review", "publicity", "filed"):
        assert notes(weihai, kind), kind
    assert weihai.certificate_number in notes(weihai, "filed")[0].body
    invited = Notification.objects.filter(kind="expert_invited", url__contains="/experts/assignments/")
    assert invited.count() >= 3
    assignment = weihai.assignments.select_related("expert__user").first()
    assert assignment.deadline.isoformat() in invited.get(recipient=assignment.expert.user).body
    assert Notification.objects.filter(kind="new_item", recipient=reviewer).exists()
    approved = make_application("beijing-2026", state="approved")
    assert "approved, awaiting publicity or filing" in notes(approved, "approved")[0].body

    returned = make_application("beijing-2026", state="returned", reason="请补充成员单位盖章页。")
    assert "请补充成员单位盖章页。" in notes(returned, "returned")[0].body
    for state, kind in (("not_recommended", "not_recommend"), ("refused", "refuse")):
        app = make_application("zgc-2026", state=state)
        reason = app.log.get(transition=kind).reason
        assert reason and reason in notes(app, kind)[0].body, kind

    in_publicity = make_application("zgc-2026", state="publicity")
    entry = in_publicity.publicity_entries.get()
    services.submit_objection(entry, "person", "数据不实。", person_name="王五", phone="13900000000",
                              today=entry.batch.starts_on)
    staff = staff_user(in_publicity.programme.authority)
    assert Notification.objects.filter(kind="objection_received", recipient=staff).exists()

    # Every notice with an e-mail address went out as an e-mail carrying its link.
    from portal.baseurl import base_url

    base = base_url()  # no PORTAL_BASE_URL in the tests and no request here: the fallback address
    for note in Notification.objects.exclude(recipient__email=""):
        sent = [m for m in mail.outbox if m.to == [note.recipient.email] and m.subject == note.subject]
        assert sent, (note.kind, note.subject)
        assert base + note.url in sent[0].body and note.body in sent[0].body
        assert note.emailed_at is not None


@pytest.mark.django_db
def test_batch_lists_and_the_printable_form_reach_only_the_entitled(dispatch, client):
    from tests.review_factories import staff_user

    app = make_application("zgc-2026", state="publicity")
    batch = app.publicity_entries.get().batch
    listing = Document.objects.get(kind=Job.Kind.PUBLICITY_LIST, batch=batch)
    url = reverse("review:batch_document_download", args=[listing.pk])
    staff = staff_user(app.programme.authority)
    client.force_login(staff)
    assert url in client.get(reverse("review:publicity_batch", args=[batch.pk])).content.decode()
    response = client.get(url)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    # The table's narrow column may wrap a long name: compare without the line breaks.
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages)
    assert app.name in "".join(text.split())
    weihai_staff = staff_user(make_application("weihai-2026", state="draft").programme.authority)
    for user in (app.created_by, weihai_staff):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page

    # The printable 申报书: the applicant asks for it, it appears under Documents, only they and staff get it.
    client.force_login(app.created_by)
    response = client.post(reverse("review:application_form_pdf", args=[app.pk]))
    assert response.status_code == 302
    form = Document.objects.get(kind=Job.Kind.APPLICATION_FORM, application=app)
    download = reverse("review:document_download", args=[app.pk, form.pk])
    assert download in client.get(reverse("review:application_detail", args=[app.pk])).content.decode()
    assert client.get(download).status_code == 200
    other = make_application("zgc-2026", state="draft")
    client.force_login(other.created_by)
    assert client.post(reverse("review:application_form_pdf", args=[app.pk])).status_code == 404
    assert client.get(download).status_code == 404


@pytest.mark.django_db
def test_the_filing_announcement_is_listed_for_its_authoritys_staff(dispatch, client):
    from tests.review_factories import staff_user

    app = make_application("zgc-2026", state="filed")
    announcement = Document.objects.get(kind=Job.Kind.FILING_ANNOUNCEMENT)
    url = reverse("review:batch_document_download", args=[announcement.pk])
    text = "".join(p.extract_text() for p in PdfReader(announcement.file.open("rb")).pages)
    assert app.certificate_number in text and "".join(app.name.split()) in "".join(text.split())
    client.force_login(staff_user(app.programme.authority))
    assert url in client.get(reverse("review:filing")).content.decode()
    assert client.get(url).status_code == 200
    other = staff_user(make_application("beijing-2026", state="draft").programme.authority)
    client.force_login(other)
    assert url not in client.get(reverse("review:filing")).content.decode()
    assert client.get(url).status_code == 404
