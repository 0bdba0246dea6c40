"""The documents issued about one application, registered with the notices app: each kind's
template and the context it is rendered with (the job says which application)."""

from notices.documents import kind, qr_data_uri
from notices.models import Job
from notices.outbox import add_job

from .certificates import verification_url
from .models import Application
from .selectors import latest_files
from .stages import StageKey


def application_document(kind_name, application, payload=None):
    """Write the job for one document about ``application`` (one per version and log entry)."""
    key = f"{kind_name}:app{application.pk}:v{application.versions.count()}:{application.log.count()}"
    return add_job(kind_name, key, subject=application, payload=payload)


def _application_context(job):
    app = Application.objects.for_detail().get(pk=job.subject_id)
    return {"application": app, "programme": app.programme, "authority": app.programme.authority,
            "members": list(app.members.all()), "people": list(app.people.all()),
            "tasks": list(app.tasks.all()), "budget_lines": list(app.budget_lines.all()),
            "targets": list(app.targets.all()),
            "attachments": latest_files(app)}


for _kind, _template in ((Job.Kind.NOTICE_RECEIVED, "documents/notice_received.html"),
                         (Job.Kind.NOTICE_RETURNED, "documents/notice_returned.html"),
                         (Job.Kind.NOTICE_REFUSED, "documents/notice_refused.html"),
                         (Job.Kind.RECOMMENDATION, "documents/recommendation.html"),
                         (Job.Kind.APPLICATION_FORM, "documents/application_form.html")):
    kind(_kind, _template)(_application_context)


@kind(Job.Kind.CERTIFICATE, "documents/certificate.html")
def certificate_context(job):
    context = _application_context(job)
    app = context["application"]
    if app.certificate_number:
        url = verification_url(app.certificate_number)
        # 备案证书 by default; a programme whose guideline 立项 says so (苏州: 立项证书).
        title = (app.programme.stage(StageKey.FILING) or {}).get("certificate_title", "")
        context.update({"verify_url": url, "qr": qr_data_uri(url), "certificate_title": title})
    return context
