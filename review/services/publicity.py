"""Publicity batches, public objections and their findings."""


from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import events, lifecycle
from applications.choices import Notice
from applications.services import fire
from applications.states import State
from applications.uploads import UploadRejected
from notices import outbox
from notices.events import portal_language
from notices.models import Job
from portal import creditcode
from portal.lifecycle import ActionRefused
from portal.models import Role

from ..calendar import WorkingCalendar
from ..models import (
    Objection,
    PublicityBatch,
    PublicityEntry,
    sha256_of,
)
from ._common import _check_pdf, _stored
from .objections import check_limits, phone_digits, store_within_limits


def open_publicity(programme, application_ids, user, starts_on, title="", ip=None):
    if not application_ids:
        raise ActionRefused(_("Choose at least one approved application."))
    if user.role != Role.STAFF or user.authority_id != programme.authority_id:
        raise ActionRefused(_("You are not allowed to do this for this programme."))
    authority = programme.authority
    if not (authority.objection_phone and authority.objection_address):
        # A 公示 tells the public where to object (phone, address, deadline): without them it cannot be issued.
        raise ActionRefused(_("%(authority)s has no phone and address for objections yet: an administrator enters "
                              "them under Authorities before a publicity is opened.") % {"authority": authority.name})
    period = WorkingCalendar().period(starts_on, programme.publicity_working_days)
    if period.used_fallback:  # counting Monday to Friday could end a period on a public holiday
        raise ActionRefused(_("The holiday calendar has no data for %(years)s yet: the registry keeper enters that "
                              "year's holidays and make-up workdays first (staff propose them).") % {"years": "、".join(map(str, sorted(period.fallback_years)))})
    with transaction.atomic():
        batch = PublicityBatch.objects.create(
            programme=programme, title=title or _("Publicity list of %(programme)s") % {"programme": programme.title},
            starts_on=starts_on, ends_on=period.end, working_days=programme.publicity_working_days,
            calendar_fallback=period.used_fallback, by=user)
        for application_id in application_ids:
            def record(app):
                if app.programme_id != programme.pk:
                    raise ActionRefused(_("An application of another programme was chosen."))
                PublicityEntry.objects.create(batch=batch, application=app)

            fire(application_id, "publicize", user, ip=ip, before=record,
                 reason=_("publicity %(start)s – %(end)s") % {"start": starts_on, "end": period.end})
        outbox.add_document(Job.Kind.PUBLICITY_LIST, f"{Job.Kind.PUBLICITY_LIST}:batch{batch.pk}", authority.name,
                            authority.number_pattern, subject=batch)
    return batch, period


def submit_objection(entry, kind, content, person_name="", phone="", unit_name="", unit_credit_code="",
                     letter=None, today=None, ip=None):
    """A public objection from the client address ``ip``; refusals say exactly what is wrong, and one over a
    rate limit is refused with TooManyObjections (objections.store_within_limits)."""
    today = today or timezone.localdate()
    batch = entry.batch
    if today < batch.starts_on:
        raise ActionRefused(_("The publicity period has not started yet."))
    if today > batch.ends_on:
        raise ActionRefused(_("The publicity period ended on %(end)s; late objections are not accepted.") % {
            "end": batch.ends_on.isoformat()})
    if entry.application.state != State.PUBLICITY:
        raise ActionRefused(_("This application is no longer in publicity."))
    if not content.strip():
        raise ActionRefused(_("Please state the objection and its facts."))
    check_limits(entry, ip, phone_digits(phone))  # before any letter is read or stored (and again, locked, on saving)
    objection = Objection(entry=entry, kind=kind, content=content.strip())
    if kind == Objection.Kind.PERSON:
        digits = "".join(ch for ch in phone if ch.isdigit())
        if not person_name.strip() or not phone.strip():
            raise ActionRefused(_("Anonymous objections are not accepted: give your real name and phone number."))
        if len(digits) < 7:
            raise ActionRefused(_("Please give a phone number where you can be reached."))
        objection.person_name, objection.phone = person_name.strip(), phone.strip()
    elif kind == Objection.Kind.UNIT:
        code = creditcode.normalise(unit_credit_code)
        if not unit_name.strip():
            raise ActionRefused(_("Anonymous objections are not accepted: give the unit's name."))
        problems = creditcode.problems(code)
        if problems:
            raise ActionRefused(problems[0].message)
        if letter is None:
            raise ActionRefused(_("A unit's objection needs its signed and sealed letter (PDF)."))
        try:
            checked = _check_pdf(letter)
        except UploadRejected as error:
            raise ActionRefused(str(error)) from None
        objection.unit_name, objection.unit_credit_code = unit_name.strip(), code
        objection.person_name, objection.phone = person_name.strip(), phone.strip()
        objection.letter_sha256 = sha256_of(checked.data)
        objection.letter.save("letter.bin", _stored(checked.data, "letter.bin"), save=False)
    else:
        raise ActionRefused(_("Say whether you object as an individual or as a unit."))
    return store_within_limits(objection, ip, _notify_staff)


def _notify_staff(objection):
    entry = objection.entry
    application = entry.application
    with portal_language():
        outbox.notify(outbox.users_with_role(Role.STAFF, authority_id=application.programme.authority_id),
                      Notice.OBJECTION_RECEIVED, {"name": str(application)},
                      reverse("review:publicity_batch", args=[entry.batch_id]))


def record_finding(objection_id, user, finding, text, action="return", ip=None):
    """Upheld stops the application (returned or refused); dismissed lets it go on."""
    if not text.strip():
        raise ActionRefused(_("Please write the finding."))
    with transaction.atomic():
        objection = Objection.objects.select_for_update().select_related("entry__application").get(pk=objection_id)
        application = objection.entry.application
        if not lifecycle.is_staff_of(application, user):
            raise ActionRefused(_("You are not allowed to do this for this application."))
        if objection.finding != Objection.Finding.PENDING:
            raise ActionRefused(_("This objection already has a finding."))
        objection.finding, objection.finding_text = finding, text
        objection.found_by, objection.found_at = user, timezone.now()
        objection.save()
        if finding == Objection.Finding.UPHELD:
            name = "return_for_revision" if action == "return" else "refuse"
            fire(application.pk, name, user, reason=_("Objection upheld: %(text)s") % {"text": text}, ip=ip)
    return objection


#: Batches told about per run of the beat task (the rest on its next run).
CLOSING_BATCHES = 50


def notify_closed_publicities(today=None):
    """Tell the applicants of every publicity batch whose last working day has passed (``ends_on`` before
    today) the result of their publicity, once: each batch is locked, its applicants notified (inbox and
    e-mail through the outbox) and the batch marked in one transaction, so two beat workers, or a run
    repeated after a crash, never send a notice twice and a rolled-back run sends none.  Returns how many
    batches were closed."""
    today = today or timezone.localdate()
    due = PublicityBatch.objects.filter(ends_on__lt=today, closed_notified_at__isnull=True).order_by("ends_on", "pk")
    closed = 0
    for batch_id in list(due.values_list("pk", flat=True)[:CLOSING_BATCHES]):
        with transaction.atomic():
            batch = PublicityBatch.objects.select_for_update(skip_locked=True).filter(
                pk=batch_id, closed_notified_at__isnull=True).first()
            if batch is None:  # another worker has it, or has done it
                continue
            with portal_language():
                for entry in closing_entries(batch):
                    events.publicity_closed(entry.application, batch.ends_on, entry.raised, entry.pending)
            batch.closed_notified_at = timezone.now()
            batch.save(update_fields=["closed_notified_at"])
        closed += 1
    return closed


def closing_entries(batch):
    """The entries of ``batch`` whose applicants hear that it closed, with the objections ``raised`` and still
    ``pending``: those still in publicity (or filed since).  An application that left it because an
    objection was upheld has had that notice already; one put in a later batch hears of that one."""
    later = PublicityEntry.objects.filter(application=OuterRef("application"), batch_id__gt=batch.pk)
    return (batch.entries.filter(application__state__in=[State.PUBLICITY, State.FILED])
            .exclude(Exists(later)).select_related("application__unit")
            .annotate(raised=Count("objections", filter=~Q(objections__finding=Objection.Finding.SPAM)),
                      pending=Count("objections", filter=Q(objections__finding=Objection.Finding.PENDING)))
            .order_by("pk"))
