"""Importing consortia filed on paper: the sheet is kept when uploaded, then imported all at once.

:func:`import_paper_filings` checks the kept sheet again (the portal may have changed since the preview) and
writes every row or none, in one transaction: the lead unit (matched by its credit code, or registered),
the filed application with its members, its certificate's first edition frozen from the row, a timeline
entry saying who imported it, and where it came from (``PaperFiling``).

**Certificate numbers.**  A number kept from paper must never be drawn again by the portal's series
(``next_certificate_number``: ``<prefix><year><nnnn>`` per programme prefix and year).  When an imported
number is of that form, the series' counter for its year is moved to at least its ``nnnn``, in the same
transaction (its row locked), so the next filing of that year is numbered after it; numbers of any other
form cannot collide with the series.  A number already in the portal is refused at the preview, and the
unique constraint refuses one taken by a filing made between the preview and the import.
"""

import os
import re

from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from applications.models import Application, Certificate, Member
from applications.states import State
from portal.baseurl import base_url
from portal.filecheck import UploadRejected, check_workbook, clean_name, read_limited
from portal.lifecycle import ActionRefused
from portal.models import District, Role, Unit

from ..imports import check_sheet
from ..models import CertificateCounter, PaperFiling, PaperImport, TransitionLog, sha256_of
from ._common import _stored

#: The timeline entry of an imported consortium (not a transition of the lifecycle: it was filed on paper).
IMPORT_TRANSITION = "import"
IMPORT_LABEL = gettext_lazy("entered from a paper filing")
#: The largest sheet accepted (the register of a province fits in far less).
MAX_SHEET_MB = 5


def can_import(user, programme):
    """Programme staff import into their own authority's programmes."""
    return user.role == Role.STAFF and user.authority_id is not None and \
        programme.authority_id == user.authority_id


def upload_paper_import(programme, user, upload):
    """Keep the uploaded sheet (checked to be an .xlsx workbook) for its preview; nothing is imported yet."""
    if not can_import(user, programme):
        raise ActionRefused(_("You are not allowed to do this for this programme."))
    name = clean_name(upload.name)
    if os.path.splitext(name)[1].lower() != ".xlsx":
        raise ActionRefused(_("%(name)s: only Excel workbooks (.xlsx) are accepted; save the sheet as .xlsx.") % {
            "name": name})
    limit = MAX_SHEET_MB * 1024 * 1024
    data = read_limited(upload, limit)
    if (upload.size or 0) > limit or len(data) > limit:
        raise ActionRefused(_("%(name)s is larger than %(limit)d MB.") % {"name": name, "limit": MAX_SHEET_MB})
    try:
        check_workbook(data, name)  # a ZIP bomb, macros, not a workbook
    except UploadRejected as error:
        raise ActionRefused(str(error)) from None
    row = PaperImport(programme=programme, name=name[:200], sha256=sha256_of(data), uploaded_by=user)
    row.file.save("sheet.xlsx", _stored(data, "sheet.xlsx"), save=False)
    row.save()
    return row


def sheet_data(paper_import):
    with paper_import.file.open("rb") as handle:
        return handle.read()


def check_import(paper_import):
    """``(entries, problems)`` of the kept sheet, as the import would find them now."""
    return check_sheet(paper_import.programme, sheet_data(paper_import))


def _series_number(programme, number):
    """``(year, n)`` when ``number`` is of the programme's series ``<prefix><year><nnnn>``, else None."""
    match = re.fullmatch(re.escape(programme.certificate_prefix) + r"(\d{4})(\d{4,})", number)
    return (int(match[1]), int(match[2])) if match else None


def _reserve_in_series(programme, number):
    found = _series_number(programme, number)
    if found is None:
        return
    year, n = found
    counter, _created = CertificateCounter.objects.select_for_update().get_or_create(
        prefix=programme.certificate_prefix, year=year)
    if counter.last < n:
        counter.last = n
        counter.save(update_fields=["last"])


def _lead_unit(entry, user):
    if entry.unit is not None:
        return entry.unit
    values = entry.values
    return Unit.objects.create(
        name=values["lead_name"], credit_code=values["credit_code"], unit_type=values["unit_type"],
        legal_representative="", address="", division=entry.division, contact_name=values["contact_name"],
        contact_phone=values["contact_phone"], contact_email="")


def _write(entry, paper_import, user, now):
    programme, values = paper_import.programme, entry.values
    unit = _lead_unit(entry, user)
    application = Application.objects.create(
        programme=programme, unit=unit, district=District.suggest(programme.authority, unit.division),
        state=State.FILED, name=values["name"], field=values["field"], created_by=user,
        certificate_number=values["certificate_number"], filed_on=values["filed_on"])
    Member.objects.bulk_create([
        Member(application=application, name=name, credit_code=code, unit_type="", order=order)
        for order, (name, code) in enumerate(entry.members)])
    _reserve_in_series(programme, values["certificate_number"])
    application.unit = unit
    application.programme = programme
    Certificate.freeze(application, values["filed_on"])
    TransitionLog.objects.create(
        application=application, transition=IMPORT_TRANSITION, actor=user, actor_role=user.role, source=State.DRAFT,
        target=State.FILED, at=now, reason=_("Filed on paper on %(date)s; entered from the sheet %(file)s, row "
                                             "%(row)d.") % {"date": values["filed_on"].isoformat(),
                                                            "file": paper_import.name, "row": entry.row})
    PaperFiling.objects.create(application=application, source=paper_import, row=entry.row)
    return application


def import_paper_filings(import_id, user):
    """Import every row of the kept sheet, or none: any problem found now refuses the whole import."""
    try:
        with transaction.atomic():
            paper_import = PaperImport.objects.select_for_update().select_related("programme__authority").get(
                pk=import_id)
            if not can_import(user, paper_import.programme):
                raise ActionRefused(_("You are not allowed to do this for this programme."))
            if paper_import.is_imported:
                raise ActionRefused(_("This sheet has already been imported."))
            entries, problems = check_import(paper_import)
            if problems:
                raise ActionRefused(ngettext(
                    "Nothing was imported: the sheet has %(n)d problem; correct it and upload the sheet again.",
                    "Nothing was imported: the sheet has %(n)d problems; correct them and upload the sheet again.",
                    len(problems)) % {"n": len(problems)})
            now = timezone.now()
            applications = [_write(entry, paper_import, user, now) for entry in entries]
            paper_import.imported_at, paper_import.imported_by = now, user
            paper_import.row_count = len(applications)
            paper_import.save(update_fields=["imported_at", "imported_by", "row_count"])
    except IntegrityError:
        raise ActionRefused(_("Nothing was imported: a certificate number or a lead unit of the sheet was "
                              "entered in the portal meanwhile. Check the sheet again.")) from None
    return applications


def invite_unit_administrator(filing_id, user, full_name, email, phone):
    """The lead unit of an imported consortium gets its administrator: staff give the person's name and e-mail;
    the account (login name: the unit's credit code) is made with no known password, and an e-mail with a
    one-time link to set it is sent after the commit.  Only for a unit that has no user yet (one that has any
    adds its people itself)."""
    with transaction.atomic():
        filing = PaperFiling.objects.select_related("application__programme", "application__unit").get(pk=filing_id)
        unit = Unit.objects.select_for_update().get(pk=filing.application.unit_id)
        if not can_import(user, filing.application.programme):
            raise ActionRefused(_("You are not allowed to do this for this programme."))
        if unit.users.exists():
            raise ActionRefused(_("This unit already has users: its administrator adds the others."))
        users = get_user_model()
        if users.objects.filter(username=unit.credit_code).exists():
            raise ActionRefused(_("The login name %(name)s is taken.") % {"name": unit.credit_code})
        person = users(username=unit.credit_code, email=email, full_name=full_name, phone=phone,
                       role=Role.APPLICANT, unit=unit, is_unit_admin=True)
        person.set_unusable_password()
        person.save()
        if not unit.contact_email:
            unit.contact_email = email
            unit.save(update_fields=["contact_email"])
        scheme, _sep, domain = base_url().partition("://")
        context = {"email": email, "domain": domain, "protocol": scheme, "user": person, "unit": unit,
                   "uid": urlsafe_base64_encode(force_bytes(person.pk)),
                   "token": default_token_generator.make_token(person)}
        transaction.on_commit(lambda: PasswordResetForm().send_mail(
            "registration/unit_invitation_subject.txt", "registration/unit_invitation_email.txt", context, None,
            email))
    return person
