"""What the applicant's views do to the data, in one place, each inside one transaction."""

from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.lifecycle import ActionRefused, perform, permitted
from portal.models import Role, Unit

from . import vocabulary
from .models import Application, ApplicationVersion, Attachment, AttachmentFile, BudgetLine, Member, Person
from .rules import evaluate
from .states import CLOSED_WITHOUT_FILING, State
from .uploads import check_upload

__all__ = ["ActionRefused", "fire", "submit", "freeze_version", "store_attachment", "snapshot", "present"]


def fire(application_id, name, user, reason="", ip=None, before=None, after=None):
    """Run transition ``name`` on one application for ``user`` (see :func:`portal.lifecycle.perform`)."""
    queryset = Application.objects.select_related("programme__authority", "unit", "district")
    return perform(queryset, application_id, name, user, reason=reason, ip=ip, before=before, after=after)


@transaction.atomic
def store_attachment(application, requirement, uploaded, user):
    """Check and store one upload as the next version of its slot.  Raises UploadRejected."""
    checked = check_upload(uploaded, requirement)
    slot, _created = Attachment.objects.select_for_update().get_or_create(
        application=application, requirement=requirement)
    latest = slot.files.aggregate(n=Max("version"))["n"] or 0
    record = AttachmentFile(
        attachment=slot, version=latest + 1, original_name=checked.original_name,
        content_type=checked.content_type, size=len(checked.data), sha256=AttachmentFile.checksum(checked.data),
        page_count=checked.page_count, text_excerpt=checked.text, uploaded_by=user,
    )
    record.file.save("upload.bin", ContentFile(checked.data), save=False)
    record.save()
    return record


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def snapshot(application, results=None):
    """Everything the application says, as plain JSON (an immutable version, or the detail page).

    ``application`` must come from ``Application.objects.for_detail()``.
    """
    app = application
    scalar_fields = [f.name for f in Application._meta.concrete_fields
                     if f.name not in ("id", "programme", "unit", "district", "created_by", "state")]
    unit = app.unit
    return {
        "application": {name: _plain(getattr(app, name)) for name in scalar_fields},
        "programme": {"code": app.programme.code, "title": app.programme.title},
        "district": app.district.name if app.district_id else "",
        "lead_unit": {
            "name": unit.name, "credit_code": unit.credit_code, "unit_type": unit.unit_type,
            "legal_representative": unit.legal_representative, "address": unit.address,
            "division": unit.division.full_name, "contact_name": unit.contact_name,
            "contact_phone": unit.contact_phone, "contact_email": unit.contact_email,
        },
        "members": [
            {"name": m.name, "credit_code": m.credit_code, "unit_type": m.unit_type,
             "region": m.region, "role": m.role, "division_of_work": m.division_of_work,
             "committed_input": _plain(m.committed_input), "qualification": m.qualification,
             "independent_legal_person": m.independent_legal_person}
            for m in app.members.all()
        ],
        "people": [{"role": p.role, "name": p.name, "title": p.title, "unit_name": p.unit_name,
                    "phone": p.phone} for p in app.people.all()],
        "tasks": [{"title": t.title, "description": t.description, "responsible": t.responsible,
                   "budget": _plain(t.budget)} for t in app.tasks.all()],
        "budget_lines": [{"source": b.source, "amount": _plain(b.amount), "note": b.note}
                         for b in app.budget_lines.all()],
        "targets": [{"year": t.year, "indicator": t.indicator, "value": t.value} for t in app.targets.all()],
        "attachments": [
            {"kind": a.requirement.name, "file_id": f.pk, "version": f.version, "name": f.original_name,
             "sha256": f.sha256, "size": f.size}
            for a in app.attachments.all() for f in a.files.all()[:1]
        ],
        "eligibility": [{"status": r.status, "message": r.message} for r in (results or evaluate(app))],
    }


def freeze_version(application, user):
    """Freeze the application as its next immutable version (inside the caller's transaction)."""
    number = (application.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    frozen = snapshot(Application.objects.for_detail().get(pk=application.pk))
    return ApplicationVersion.objects.create(application=application, number=number, data=frozen, created_by=user)


def submit(application_id, user, ip=None):
    """Submit (or, after a return, resubmit): checks, transition, log, frozen version — all or nothing."""
    try:
        application = Application.objects.select_related("programme", "unit").get(pk=application_id)
    except Application.DoesNotExist:
        raise ActionRefused(_("The application no longer exists.")) from None
    name = "resubmit" if application.state == State.RETURNED else "submit"
    if not permitted(application, name, user):
        if not application.is_editable:
            raise ActionRefused(_("This application has already been submitted."))
        raise ActionRefused(_("Only a user of the applicant unit may submit this application."))
    if name == "submit" and not application.programme.is_open():
        raise ActionRefused(_("The call is not open: %(dates)s") % {"dates": application.programme.status_message()})
    blocking = [r for r in evaluate(application) if r.blocks]
    if blocking:
        raise ActionRefused(_("Submission is blocked by: %(items)s") % {"items": "；".join(r.message for r in blocking)})
    if same_name_submitted(application):
        raise ActionRefused(_("Your unit has already submitted an application named “%(name)s” to this call; "
                              "give this one another name, or withdraw the other first.") % {"name": application.name})

    def stamp(app):
        app.submitted_at = timezone.now()

    return fire(application_id, name, user, ip=ip, before=stamp, after=lambda app: freeze_version(app, user))

def same_name_submitted(application):
    """Another application of the same unit to the same call, with the same name, that is under way or done."""
    name = "".join(application.name.split())
    others = Application.objects.filter(programme_id=application.programme_id, unit_id=application.unit_id).exclude(
        pk=application.pk).exclude(state__in=CLOSED_WITHOUT_FILING + [State.DRAFT])
    return any("".join(other.split()) == name for other in others.values_list("name", flat=True))


@transaction.atomic
def delete_draft(application_id, user):
    """A draft, never submitted, deleted by a user of its unit with everything uploaded to it."""
    application = Application.objects.select_for_update().filter(pk=application_id).first()
    if application is None:
        raise ActionRefused(_("The application no longer exists."))
    if not (user.is_authenticated and user.role == Role.APPLICANT and user.unit_id == application.unit_id):
        raise ActionRefused(_("Only a user of the applicant unit may delete this draft."))
    if application.state != State.DRAFT or application.versions.exists():
        raise ActionRefused(_("Only a draft that was never submitted can be deleted; a submitted application "
                              "can be withdrawn."))
    files = [f.file.name for f in AttachmentFile.objects.filter(attachment__application=application)]
    title = str(application)
    application.delete()
    transaction.on_commit(lambda: [default_storage.delete(name) for name in files if name])
    return title


#: Fields that store the code of a vocabulary entry (applications.vocabulary): (model, field) → vocabulary.
VOCABULARY_FIELDS = {(Application, "lead_category"): vocabulary.LEAD_CATEGORY,
                     (Member, "unit_type"): vocabulary.MEMBER_KIND}


def _label(model, field, value):
    if (model, field) in VOCABULARY_FIELDS:
        return vocabulary.name_of(VOCABULARY_FIELDS[model, field], value)
    f = model._meta.get_field(field)
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return value


def present(data):
    """A snapshot as labelled rows and tables, in the reader's language."""
    app = data["application"]
    basic = ["name", "field", "industry_chain", "formation_mode", "lead_selected_by", "goals"]
    lead = ["lead_category", "lead_revenue", "lead_rd_spending", "lead_carriers", "lead_has_provincial_carrier",
            "lead_has_equity_fund", "operator_status", "total_investment", "fulltime_staff",
            "integrated_enterprises"]

    def rows(names):
        return [(Application._meta.get_field(n).verbose_name, _label(Application, n, app.get(n)))
                for n in names if app.get(n) not in (None, "")]

    unit = data["lead_unit"]
    unit_rows = [(Unit._meta.get_field(k).verbose_name, _label(Unit, k, unit[k]))
                 for k in ("name", "credit_code", "unit_type", "legal_representative", "address", "contact_name",
                           "contact_phone", "contact_email")]
    unit_rows.append((Unit._meta.get_field("division").verbose_name, unit["division"]))
    return {
        "basic": rows(basic) + [(_("district office"), data.get("district", ""))],
        "lead_unit": unit_rows,
        "lead": rows(lead),
        "members": [dict(m, unit_type=_label(Member, "unit_type", m["unit_type"]), role=_label(Member, "role", m["role"]))
                    for m in data["members"]],
        "people": [dict(p, role=_label(Person, "role", p["role"])) for p in data["people"]],
        "tasks": data["tasks"],
        "budget_lines": [dict(b, source=_label(BudgetLine, "source", b["source"])) for b in data["budget_lines"]],
        "targets": data["targets"],
        "attachments": data["attachments"],
        "eligibility": data["eligibility"],
    }
