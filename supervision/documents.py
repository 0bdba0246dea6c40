"""The paper a confirmed revocation issues (摘牌 / 取消资格通知书), registered with the notices app: issued by the
programme's authority with its next 发文字号, dated the day of the decision, about the consortium (its
application), so it is listed with the consortium's other documents."""

from notices.documents import kind
from notices.models import Job
from notices.outbox import add_document

from .models import FundEntry, Revocation, profile_of


def revocation_document(revocation):
    application = revocation.application
    authority = application.programme.authority
    return add_document(Job.Kind.REVOCATION_NOTICE, f"revocation_notice:rev{revocation.pk}", authority.name,
                        authority.number_pattern, subject=application,
                        payload={"revocation": revocation.pk, "date": revocation.effective_on.isoformat()})


@kind(Job.Kind.REVOCATION_NOTICE, "documents/revocation_notice.html")
def revocation_context(job):
    revocation = Revocation.objects.select_related("application__programme__authority", "application__unit",
                                                   "credit_record").get(pk=job.payload["revocation"])
    application = revocation.application
    return {"revocation": revocation, "application": application, "programme": application.programme,
            "word": profile_of(application.programme).revocation_word,
            "recovered": list(FundEntry.objects.filter(revocation=revocation).order_by("year"))}
