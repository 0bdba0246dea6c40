"""The documents the review issues about many applications at once, registered with the notices app."""

from applications.models import Application, Programme
from notices.documents import kind
from notices.models import Job


@kind(Job.Kind.PUBLICITY_LIST, "documents/publicity_list.html")
def publicity_list_context(job):
    batch = job.subject
    return {"batch": batch, "programme": batch.programme, "authority": batch.programme.authority,
            "entries": [e.application for e in batch.entries.select_related("application__unit")]}


@kind(Job.Kind.FILING_ANNOUNCEMENT, "documents/filing_announcement.html")
def filing_announcement_context(job):
    programme = Programme.objects.select_related("authority").get(pk=job.payload["programme"])
    return {"programme": programme, "authority": programme.authority,
            "entries": list(Application.objects.filter(pk__in=job.payload["applications"]).select_related(
                "unit").order_by("certificate_number"))}
