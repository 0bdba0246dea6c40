"""Filing: gap-free certificate numbers, the agreement with targets, closing batches."""


from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import events, lifecycle
from applications.models import Certificate
from applications.services import fire
from applications.stages import StageKey, stage_params
from applications.states import State
from applications.uploads import UploadRejected
from notices import outbox
from notices.models import Job
from portal.lifecycle import ActionRefused

from ..models import (
    CertificateCounter,
    FilingAgreement,
    PublicityBatch,
    sha256_of,
)
from ._common import _check_pdf, _load, _stored


def next_certificate_number(programme, year):
    """Gap-free and unique under concurrency: the counter row is locked until commit."""
    for _attempt in range(3):
        try:
            with transaction.atomic():
                counter, _created = CertificateCounter.objects.select_for_update().get_or_create(
                    prefix=programme.certificate_prefix, year=year)
                break
        except IntegrityError:
            continue
    counter = CertificateCounter.objects.select_for_update().get(prefix=programme.certificate_prefix, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{programme.certificate_prefix}{year}{counter.last:04d}"


def file_applications(application_ids, user, ip=None, today=None):
    today = today or timezone.localdate()
    done = []
    with transaction.atomic():
        for application_id in application_ids:
            def number(app):
                app.certificate_number = next_certificate_number(app.programme, today.year)
                app.filed_on = today

            done.append(fire(application_id, "file", user, ip=ip, before=number))
        close_finished_batches([app.pk for app in done])
        if done:
            ids = sorted(app.pk for app in done)
            authority = done[0].programme.authority
            outbox.add_document(
                Job.Kind.FILING_ANNOUNCEMENT,
                f"filing_announcement:{done[0].programme_id}:{today.isoformat()}:{ids[0]}-{ids[-1]}:{len(ids)}",
                authority.name, authority.number_pattern,
                payload={"applications": ids, "programme": done[0].programme_id, "date": today.isoformat()})
    return done


def reissue_certificate(application_id, user, name, reason, today=None):
    """A filed consortium changes its name: its certificate is issued again under the new name (the next
    edition, dated today), and the edition it replaces is marked superseded — never changed."""
    name, reason = " ".join(name.split()), reason.strip()
    today = today or timezone.localdate()
    with transaction.atomic():
        application = _load(application_id)
        application = type(application).objects.select_for_update().select_related(
            "programme__authority", "unit").get(pk=application.pk)
        if not lifecycle.is_staff_of(application, user):
            raise ActionRefused(_("You are not allowed to do this for this application."))
        if application.state != State.FILED or application.revoked_on:
            raise ActionRefused(_("Only the certificate of a filed consortium that is not revoked can be re-issued."))
        if not name or not reason:
            raise ActionRefused(_("Give the new name and the reason for the change."))
        if name == application.name:
            raise ActionRefused(_("The new name is the same as the current one."))
        current = application.certificates.select_for_update().filter(superseded_on__isnull=True).order_by(
            "-edition").first()
        if current is not None:
            current.superseded_on = today
            current.save(update_fields=["superseded_on"])
        application.name = name
        application.save(update_fields=["name", "updated_at"])
        certificate = Certificate.freeze(application, today, edition=(current.edition + 1) if current else 1,
                                         reason=reason)
        events.reissued(certificate)
    return certificate


def store_filing_agreement(application_id, user, upload, signed_on, note=""):
    """Staff upload the signed agreement with targets of an approved application (kept with its versions)."""
    application = _load(application_id)
    if not lifecycle.is_staff_of(application, user):
        raise ActionRefused(_("You are not allowed to do this for this application."))
    if not stage_params(application, StageKey.FILING).get("agreement"):
        raise ActionRefused(_("This programme's filing needs no agreement."))
    if application.state not in (State.APPROVED, State.PUBLICITY):
        raise ActionRefused(_("The agreement is uploaded after approval and before filing."))
    if signed_on > timezone.localdate():
        raise ActionRefused(_("The signing date cannot be in the future."))
    try:
        checked = _check_pdf(upload, label=_("agreement with targets"))
    except UploadRejected as error:
        raise ActionRefused(str(error)) from None
    row = FilingAgreement(application=application, name=checked.original_name, sha256=sha256_of(checked.data),
                          signed_on=signed_on, note=note, uploaded_by=user)
    row.file.save("agreement.bin", _stored(checked.data, "agreement.bin"), save=False)
    row.save()
    return row


def close_finished_batches(application_ids):
    """Stamp ``filed_at`` on each publicity batch of these applications that has none left in publicity."""
    batches = PublicityBatch.objects.filter(entries__application_id__in=application_ids, filed_at__isnull=True)
    finished = batches.exclude(entries__application__state=State.PUBLICITY).distinct()
    return PublicityBatch.objects.filter(pk__in=finished.values("pk")).update(filed_at=timezone.now())
