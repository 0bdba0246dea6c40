"""The papers the review issues about many applications at once, registered with the notices app:
the 公示 with its list and the channels for objections, and the 公告 of the filed list."""

from applications.documents import wording
from applications.models import Application, Programme
from notices.documents import kind
from notices.models import Job


@kind(Job.Kind.PUBLICITY_LIST, "documents/publicity_list.html")
def publicity_list_context(job):
    batch = job.subject
    programme = batch.programme
    words = wording(programme)
    title = batch.title if batch.title.startswith("关于") else f"关于{programme.title}拟{words['act']}名单的公示"
    return {"batch": batch, "programme": programme, "authority": programme.authority, "wording": words,
            "title": title,
            "entries": [e.application for e in batch.entries.select_related("application__unit").order_by("pk")]}


@kind(Job.Kind.FILING_ANNOUNCEMENT, "documents/filing_announcement.html")
def filing_announcement_context(job):
    programme = Programme.objects.select_related("authority").get(pk=job.payload["programme"])
    words = wording(programme)
    return {"programme": programme, "authority": programme.authority, "wording": words,
            "title": f"关于公布{programme.title}{words['act']}名单的公告",
            "entries": list(Application.objects.filter(pk__in=job.payload["applications"]).select_related(
                "unit").prefetch_related("certificates").order_by("certificate_number"))}
