"""The papers issued about one application, registered with the notices app: each kind's template and
the context it is rendered with (the job says which application; its payload, written with the act,
says the date, the issuing office and its 发文字号).

What the papers call the outcome is the programme's data (its filing stage's ``act``,
``certificate_title`` and ``certificate_text``): 备案, 立项, 纳入, 支持 … as its guideline says.
"""

from decimal import Decimal

from notices.documents import kind, qr_data_uri
from notices.models import Job
from notices.outbox import add_document

from .certificates import verification_url
from .editor import parts_for
from .models import Application, Certificate
from .selectors import attachment_slots, latest_files
from .stages import StageKey
from .states import State


def wording(programme):
    """What the programme's guideline calls its outcome, and the titles that follow from it."""
    filing = programme.stage(StageKey.FILING) or {}
    act = filing.get("act") or "备案"
    return {"act": act,
            "certificate_title": filing.get("certificate_title") or f"创新联合体{act}证书",
            "certificate_text": filing.get("certificate_text") or "{name}" + f"已予{act}。"}


def refusal_title(programme, transition, source):
    """The refusal notice is named for the stage that refused: 不予推荐 / 不予受理 / 不予立项 …"""
    if transition == "not_recommend":
        return "不予推荐通知书"
    if source == State.FORMAL_REVIEW:
        return "不予受理通知书"
    return f"不予{wording(programme)['act']}通知书"


def issuing_office(application, by_district=False):
    """The district office for what it decides (when the application has one), else the programme's authority."""
    if by_district and application.district_id:
        return application.district
    return application.programme.authority


def application_document(kind_name, application, payload=None, by_district=False, numbered=True, key=None):
    """The job for one paper about ``application`` (one per version and log entry), issued today by its office
    with the office's next 发文字号 unless ``numbered`` is false."""
    key = key or f"{kind_name}:app{application.pk}:v{application.versions.count()}:{application.log.count()}"
    office = issuing_office(application, by_district)
    return add_document(kind_name, key, office.name, office.number_pattern if numbered else "", subject=application,
                        payload=payload)


def _application_context(job):
    app = Application.objects.for_detail().get(pk=job.subject_id)
    return {"application": app, "programme": app.programme, "authority": app.programme.authority,
            "members": list(app.members.all()), "people": list(app.people.all()),
            "tasks": list(app.tasks.all()), "budget_lines": list(app.budget_lines.all()),
            "targets": list(app.targets.all()), "wording": wording(app.programme),
            "attachments": latest_files(app)}


for _kind, _template in ((Job.Kind.NOTICE_RECEIVED, "documents/notice_received.html"),
                         (Job.Kind.NOTICE_RETURNED, "documents/notice_returned.html"),
                         (Job.Kind.NOTICE_REFUSED, "documents/notice_refused.html"),
                         (Job.Kind.RECOMMENDATION, "documents/recommendation.html")):
    kind(_kind, _template)(_application_context)


def certificate_document(certificate):
    """The job for the PDF of one edition of a certificate, dated the day it was issued."""
    application = certificate.application
    return add_document(Job.Kind.CERTIFICATE, f"certificate:app{application.pk}:e{certificate.edition}",
                        certificate.issuer, subject=application,
                        payload={"edition": certificate.edition, "date": certificate.issued_on.isoformat(),
                                 "number": certificate.number})


@kind(Job.Kind.CERTIFICATE, "documents/certificate.html")
def certificate_context(job):
    app = Application.objects.select_related("programme__authority").get(pk=job.subject_id)
    certificate = Certificate.objects.get(application=app, edition=job.payload.get("edition", 1))
    url = verification_url(certificate.number, job.payload.get("base_url", ""))
    words = wording(app.programme)
    return {"application": app, "programme": app.programme, "certificate": certificate, "verify_url": url,
            "qr": qr_data_uri(url), "wording": words,
            "statement": words["certificate_text"].replace("{name}", f"“{certificate.name}”")}


@kind(Job.Kind.APPLICATION_FORM, "documents/application_form.html")
def application_form_context(job):
    """The printable 申报书: every attachment slot of the programme (uploaded or not), the totals it prints,
    and the parts of the form the programme asks for (as the editor shows them: ``editor.parts_for``)."""
    context = _application_context(job)
    app = context["application"]
    parts = parts_for(app.programme)
    context.update({
        "slots": attachment_slots(app),
        "parts": parts,
        "shows_lead_selection": "lead_selected_by" in parts,
        "budget_total": sum((b.amount for b in context["budget_lines"]), Decimal(0)),
        "committed_total": sum((m.committed_input or 0 for m in context["members"]), Decimal(0)),
    })
    return context
