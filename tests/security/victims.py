"""The victim party of the access matrix (tests/security/test_access_matrix.py), and the principals who are not it.

The victim is a set of lead units with applications at each interesting state, walked through the real
services (威海: draft, district review with peer opinions, formal review, expert review with a site visit,
publicity with an objection, filed; 苏州: district review with its 推荐函 and a recommendation batch;
中关村: approved with its filing agreement; 江苏: a filed consortium under supervision with a report, an
evaluation by a commissioned evaluator, a change, a rectification, a proposed revocation, funds and their
document), plus what the back office around it made: a notice, a document, an export, a paper import.

Every private field of these rows holds a *marker*, a unique ASCII word (``MKR…``), and every file the victim
uploaded is a PDF whose text is a marker: a page (or a download) shown to someone outside the victim's side
that contains a marker is a leak.  What is public by design is kept free of markers: the names of consortia in
publicity or filed (the publicity pages, the directory, the verification page show them), the lead unit's
name, and the members (printed on the certificate).
"""

import datetime
import itertools
from decimal import Decimal
from types import SimpleNamespace

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from applications.models import (
    Application,
    ApplicationVersion,
    Attachment,
    AttachmentFile,
    Certificate,
    Member,
    Person,
    Task,
)
from applications.states import State
from notices.models import Document, Job, Notification
from portal.models import CreditRecord, Role, Unit, User
from review import models as review_models
from review.services import exports as export_services
from supervision import models as supervision_models
from supervision import services as supervision
from supervision.choices import ChangeKind, FundKind, RevocationGround
from tests import review_factories
from tests.factories import UserFactory, make_credit_code
from tests.pdfs import text_pdf
from tests.review_factories import (
    applicant_user,
    district_of,
    district_user,
    expert_user,
    make_application,
    make_draft,
    programme,
    quick_application,
    staff_user,
    unit_in,
)

_n = itertools.count(1)


#: Every marker written (the test looks for each of them in every response).
WRITTEN = []


def marker(what):
    """A unique word for one private field (letters and digits only: HTML, JSON and PDF leave it as it is)."""
    word = f"MKR{next(_n):03d}{what}"
    WRITTEN.append(word)
    return word


def _marked_pdf(name="file.pdf", data=None):
    """The uploads of the victim: a PDF whose text, and whose file name, is a marker."""
    word = marker("FILE")
    return SimpleUploadedFile(f"{word}-{name}", data or text_pdf(word),
                              content_type="application/pdf")


def _mark_application(app, private_name=True):
    """Markers in the private fields of an application (and its name while it is not public)."""
    fields = {"goals": marker("GOALS"), "industry_chain": marker("CHAIN")}
    if private_name:
        fields["name"] = marker("NAME")
    Application.objects.filter(pk=app.pk).update(**fields)
    Person.objects.filter(application=app).update(phone=marker("PHONE"))
    Task.objects.filter(application=app).update(description=marker("TASK"))
    app.refresh_from_db()
    return app


def _mark_unit(unit):
    Unit.objects.filter(pk=unit.pk).update(contact_name=marker("CONTACT"), contact_phone=marker("TEL"),
                                          contact_email=f"{marker('MAIL')}@example.com")


def _supervised(data, staff, evaluator):
    """A filed 江苏 consortium with every kind of supervision record, each holding markers."""
    app = quick_application("jiangsu-2026", "filed", filed_on=datetime.date(timezone.localdate().year - 1, 6, 30),
                            members=3)
    _mark_unit(app.unit)
    applicant = app.created_by
    staff = staff_user(app.programme.authority)
    year = app.filed_on.year
    report = supervision.report_for(app, year, applicant)
    supervision.save_report(report.pk, applicant, {
        "strategy": marker("REPORT"), "platforms": marker("REPORT"), "team": "团队", "transfer": "转化",
        "products": "产品", "next_plan": "计划", "rd_spending": 100, "patents_filed": 1, "patents_granted": 1,
        "standards": 0, "product_revenue": 10, "members_joined": 0, "members_left": 0})
    supervision.commission_evaluator(app.pk, staff, evaluator.pk, year)
    evaluation = supervision.save_evaluation(app.pk, evaluator, year, Decimal("80"), marker("EVAL"),
                                             upload=_marked_pdf("evaluation.pdf"))
    change = supervision.request_change(app.pk, applicant, ChangeKind.NAME, marker("CHANGE"),
                                        {"new_name": marker("NEWNAME")})
    rectification = supervision.open_rectification(app.pk, staff, marker("RECTIFY"),
                                                   timezone.localdate() + datetime.timedelta(days=30))
    supervision.record_funds(app.pk, staff, year, FundKind.GRANT, Decimal("100"), app.filed_on,
                             marker("FUNDDOC"), upload=_marked_pdf("funds.pdf"), note=marker("FUNDNOTE"))
    revocation = supervision.propose_revocation(app.pk, staff, RevocationGround.OTHER, marker("REVOKE"))
    data.supervised, data.report, data.evaluation, data.change = app, report, evaluation, change
    data.rectification, data.revocation = rectification, revocation
    data.supervision_file = supervision_models.SupervisionFile.objects.filter(application=app).first()
    data.evaluator = evaluator
    return app


def _back_office(data):
    """What the victim's back office made: a notice to the applicant, a document, an export, a paper import."""
    owner = data.draft.created_by
    data.notification = Notification.objects.create(recipient=owner, kind="received", subject=marker("SUBJECT"),
                                                    body=marker("BODY"))
    word = marker("DOC")
    body = text_pdf(word)
    subject = ContentType.objects.get_for_model(Application)
    job = Job.objects.create(kind=Job.Kind.NOTICE_RECEIVED, key=f"matrix-{word}", subject_type=subject,
                             subject_id=data.district.pk, status=Job.Status.DONE)
    import hashlib

    sha = hashlib.sha256(body).hexdigest()
    document = Document(kind=job.kind, subject_type=subject, subject_id=data.district.pk, job=job, sha256=sha,
                        size=len(body))
    document.file.save(f"{word}.pdf", ContentFile(body), save=False)
    document.save()
    data.document = document
    staff = staff_user(data.district.programme.authority)
    job, _created = export_services.request_export(staff, {"q": [""]}, 1)
    job.filename = f"{marker('EXPORT')}.xlsx"
    job.file.save(job.filename, ContentFile(text_pdf(marker("EXPORTBODY"))), save=False)
    job.status = review_models.ExportJob.Status.DONE
    job.save()
    data.export = job
    sheet = text_pdf(marker("SHEET"))
    paper = review_models.PaperImport(programme=data.draft.programme, name=f"{marker('IMPORT')}.xlsx",
                                      sha256=hashlib.sha256(sheet).hexdigest(), uploaded_by=staff)
    paper.file.save("sheet.xlsx", ContentFile(sheet), save=False)
    paper.save()
    data.paper_import = paper
    data.paper_filing = review_models.PaperFiling.objects.create(application=data.filed, source=paper, row=2)
    expert = review_models.Expert.objects.filter(active=True).first() or review_models.Expert.objects.create(
        name="专家", title="教授", affiliation="大学")
    data.proposal = review_models.PoolProposal.objects.create(
        kind=review_models.PoolProposal.Kind.RELATION, expert=expert, reason=marker("PROPOSAL"),
        values={"credit_code": make_credit_code(), "note": marker("PROPNOTE")}, proposed_by=staff,
        authority=staff.authority)


def _weihai(data):
    unit = unit_in("weihai-2026")
    owner = applicant_user(unit, is_unit_admin=True)
    data.colleague = applicant_user(unit)
    data.draft = _mark_application(make_draft("weihai-2026", unit=unit, applicant=owner))
    data.district = _mark_application(make_application("weihai-2026", state=State.DISTRICT_REVIEW))
    data.formal = _mark_application(make_application("weihai-2026", state=State.FORMAL_REVIEW))
    data.experts = _mark_application(make_application("weihai-2026", state=State.EXPERT_REVIEW, experts=3))
    review_models.Score.objects.filter(assignment__application=data.experts).update(comment=marker("SCORE"))
    review_models.Assignment.objects.filter(application=data.experts).update(overall_comment=marker("OPINION"))
    publicity = make_application("weihai-2026", state=State.PUBLICITY)
    data.publicity = _mark_application(publicity, private_name=False)
    data.entry = review_models.PublicityEntry.objects.get(application=publicity)
    from review import services

    data.objection = services.submit_objection(data.entry, "person", marker("OBJECTION"),
                                               person_name=marker("OBJECTOR"), phone="13900000000",
                                               today=data.entry.batch.starts_on)
    data.unit_objection = services.submit_objection(
        data.entry, "unit", marker("UNITOBJ"), unit_name=marker("OBJUNIT"), unit_credit_code=make_credit_code(),
        letter=_marked_pdf("异议函.pdf"), today=data.entry.batch.starts_on)
    data.filed = _mark_application(make_application("weihai-2026", state=State.FILED), private_name=False)
    data.returned = _mark_application(make_application("weihai-2026", state=State.RETURNED))
    for app in (data.district, data.formal, data.experts, data.publicity, data.filed):
        review_models.PeerOpinion.objects.filter(application=app).update(opinion=marker("PEER"))
        review_models.DistrictOpinion.objects.filter(application=app).update(opinion=marker("DISTRICTOP"))
        review_models.SiteVisit.objects.filter(application=app).update(notes=marker("VISIT"))
    data.visit = review_models.SiteVisit.objects.filter(application=data.publicity).first()
    upload = _marked_pdf("考察记录.pdf")
    data.visit.attachment.save(upload.name, upload, save=False)
    data.visit.attachment_name = upload.name
    data.visit.save()
    data.peer = review_models.PeerOpinion.objects.filter(application=data.formal).first()


def _suzhou(data):
    """A 苏州 application recommended in a batch with the county's 推荐函 (the letter is the victim's file)."""
    app = make_application("suzhou-2026", state=State.DISTRICT_REVIEW)
    reviewer = district_user(app.district)
    from review.services import Ranked, recommend_batch

    data.batch = recommend_batch(reviewer, app.programme_id, [Ranked(app.pk, 1)], marker("BATCHOP"),
                                 letter=_marked_pdf("推荐函.pdf"))
    data.suzhou = _mark_application(app)
    data.letter_opinion = review_models.DistrictOpinion.objects.filter(application=app).exclude(letter="").first()


def _zgc(data):
    app = make_application("zgc-2026", state=State.APPROVED)
    review_factories.sign_agreement(app, staff_user(app.programme.authority))
    data.approved = _mark_application(app)
    data.agreement = review_models.FilingAgreement.objects.get(application=app)


def build():
    """The victim's whole data set (needs the seed programmes, a database and private media)."""
    data = SimpleNamespace()
    original = review_factories.pdf_upload
    review_factories.pdf_upload = _marked_pdf
    try:
        _weihai(data)
        _suzhou(data)
        _zgc(data)
        evaluator = UserFactory(role=Role.EVALUATOR, unit=None)
        _supervised(data, None, evaluator)
        _back_office(data)
    finally:
        review_factories.pdf_upload = original
    victims = [data.draft, data.district, data.formal, data.experts, data.publicity, data.filed, data.returned,
               data.suzhou, data.approved, data.supervised]
    for app in victims:
        _mark_unit(app.unit)
    data.applications = victims
    data.units = sorted({app.unit_id for app in victims})
    data.attachment = AttachmentFile.objects.filter(attachment__application=data.draft).first()
    data.credit = CreditRecord.objects.create(
        credit_code=data.draft.unit.credit_code, unit_name=data.draft.unit.name, kind=CreditRecord.Kind.values[0],
        reason="失信", authority=data.draft.programme.authority, valid_from=timezone.localdate(),
        recorded_by=staff_user(data.draft.programme.authority))
    data.owner = data.draft.created_by
    data.markers = sorted(set(WRITTEN))
    return data


def principals(data):
    """Who is not the victim's side: {name: user or None}."""
    weihai_other = district_of("weihai-2026", other=True)
    other_unit = unit_in("weihai-2026")
    stranger = applicant_user(other_unit)
    quick_application("weihai-2026", "submitted", unit=other_unit)
    member = data.filed.members.order_by("order").first()
    member_unit = unit_in("weihai-2026", credit_code=member.credit_code)
    outsider_authority = programme("beijing-2026").authority
    return {
        "anonymous": None,
        "applicant of another unit": stranger,
        "applicant of a member unit": applicant_user(member_unit),
        "district reviewer of another district": district_user(weihai_other, new=True),
        "expert not assigned": expert_user(fields=[data.experts.field]),
        "staff of another authority": staff_user(outsider_authority, new=True),
        "evaluator not commissioned": UserFactory(role=Role.EVALUATOR, unit=None),
    }


def victim_rows(data):
    """The victim's rows an outsider's POST must leave as they are: [(model, the filter that selects them)]."""
    apps = [a.pk for a in data.applications]
    users = list(User.objects.filter(unit_id__in=data.units).values_list("pk", flat=True))
    sup = supervision_models
    return [
        (Application, {"pk__in": apps}), (Unit, {"pk__in": data.units}), (User, {"pk__in": users}),
        (Member, {"application__in": apps}), (Person, {"application__in": apps}),
        (Attachment, {"application__in": apps}), (AttachmentFile, {"attachment__application__in": apps}),
        (ApplicationVersion, {"application__in": apps}), (Certificate, {"application__in": apps}),
        (review_models.TransitionLog, {"application__in": apps}),
        (review_models.PeerOpinion, {"application__in": apps}),
        (review_models.DistrictOpinion, {"application__in": apps}),
        (review_models.Assignment, {"application__in": apps}), (review_models.SiteVisit, {"application__in": apps}),
        (review_models.FilingAgreement, {"application__in": apps}),
        (review_models.PublicityEntry, {"application__in": apps}), (review_models.Objection, {"entry__application__in": apps}),
        (review_models.RecommendationBatch, {"pk": data.batch.pk}), (review_models.ExportJob, {"pk": data.export.pk}),
        (review_models.PaperImport, {"pk": data.paper_import.pk}), (CreditRecord, {"pk": data.credit.pk}),
        (review_models.PoolProposal, {"pk": data.proposal.pk}),
        (Notification, {"recipient__in": users}),
        (sup.AnnualReport, {"application__in": apps}), (sup.Evaluation, {"application__in": apps}),
        (sup.EvaluatorCommission, {"application__in": apps}), (sup.ChangeRequest, {"application__in": apps}),
        (sup.Rectification, {"application__in": apps}), (sup.Revocation, {"application__in": apps}),
        (sup.FundEntry, {"application__in": apps}), (sup.SupervisionFile, {"application__in": apps}),
    ]


VOLATILE = {"last_login", "updated_at", "waiting_since"}
#: Tables any request may write without touching the victim (sessions, the login throttle).
NOT_VICTIMS = ("django_session", "axes_")


def writes():
    """The rows written so far in this transaction, per table (PostgreSQL's statistics of the transaction): the
    matrix takes the victim's full snapshot only after a request that wrote something."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables "
                       "WHERE n_tup_ins + n_tup_upd + n_tup_del > 0")
        return {name: n for name, n in cursor.fetchall() if not name.startswith(NOT_VICTIMS)}


def snapshot(data):
    """The victim's rows as they are now (to compare before and after an outsider's POST)."""
    rows = {}
    for model, where in victim_rows(data):
        rows[model.__name__] = [{k: v for k, v in row.items() if k not in VOLATILE}
                                for row in model.objects.filter(**where).order_by("pk").values()]
    return rows
