"""Saving the editor's input (by the button or automatically) and copying an earlier application.

A save never makes a version, a log entry or a notice: those belong to submission.  Every save
locks the application, compares the revision its page started from with the draft's (a colleague
who saved in between makes it a :class:`Conflict`) and moves the revision on.

An automatic save stores what validates and keeps the rest: the application's fields that are
valid are saved one by one, each table (members, people …) is saved whole when all its rows are
valid, and the input of what did not validate is kept in ``DraftState.buffer`` as posted (with the
saved tables' rows renumbered as the page renumbers them), so the editor shows it again, with its
errors, until it is corrected.  Nothing typed is lost, and nothing invalid reaches the tables.
"""

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.lifecycle import ActionRefused
from portal.models import District

from . import editor
from .forms import FORMSETS, ApplicationForm, build_formsets
from .lifecycle import is_applicant_of
from .models import Application, BudgetLine, DraftState, Member, Person, Target, Task
from .states import State

#: Posted keys that are the page's, not the application's.
PAGE_KEYS = {"csrfmiddlewaretoken", "revision", "editor_client", "editor_seq", "next"}


class Conflict(Exception):
    """A colleague (or another tab) saved the draft after the page making this save was loaded."""

    def __init__(self, state):
        super().__init__("conflict")
        self.state = state


@dataclass
class Saved:
    state: DraftState
    form: ApplicationForm
    formsets: dict
    stored: bool = False                          # something was written
    complete: bool = False                        # everything posted was written
    rows: dict = field(default_factory=dict)      # table prefix -> the saved row id of each posted row (or None)
    errors: list = field(default_factory=list)    # (part, messages) of what was kept unsaved


def parse_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _locked(application_id, user):
    application = (Application.objects.select_for_update(of=("self",))
                   .select_related("programme__authority", "unit__division").filter(pk=application_id).first())
    if application is None:
        raise ActionRefused(_("The application no longer exists."))
    if not is_applicant_of(application, user):
        raise ActionRefused(_("Only a user of the applicant unit may edit this application."))
    if not application.is_editable:
        raise ActionRefused(_("This application has been submitted and can no longer be edited."))
    return application


def _row_ids(formset):
    deleted = set(map(id, formset.deleted_forms))
    return [None if id(f) in deleted else f.instance.pk for f in formset.forms]


def renumber(data, prefix, ids):
    """The posted table ``prefix`` as the page shows it once saved: rows stored carry their id and come
    first (the formset's initial forms), rows removed go, new rows left empty follow.  ``data`` maps
    each key to its list of values; changed in place.  ``static/applications/editor.js`` does the same
    to the page."""
    pattern = re.compile(rf"^{re.escape(prefix)}-(\d+)-(.+)$")
    rows = {}
    for key in [k for k in data if pattern.match(k)]:
        match = pattern.match(key)
        rows.setdefault(int(match[1]), {})[match[2]] = data.pop(key)
    total = parse_int((data.get(f"{prefix}-TOTAL_FORMS") or ["0"])[0]) or 0
    kept = [i for i in range(total) if i < len(ids) and ids[i]]
    extra = [i for i in range(total) if i not in kept and not rows.get(i, {}).get("DELETE")]
    for n, i in enumerate(kept + extra):
        values = rows.get(i, {})
        values.pop("id", None)
        if i in kept:
            values["id"] = [str(ids[i])]
        for name, value in values.items():
            data[f"{prefix}-{n}-{name}"] = value
    data[f"{prefix}-TOTAL_FORMS"] = [str(len(kept) + len(extra))]
    data[f"{prefix}-INITIAL_FORMS"] = [str(len(kept))]
    return data


def _table_errors(formset):
    """What is wrong in a table, row by row, as the applicant reads it (row numbers from 1)."""
    found = []
    for n, form in enumerate(formset.forms, 1):
        if formset._should_delete_form(form):
            continue
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            found += [_("row %(n)d, %(field)s: %(message)s") % {"n": n, "field": label, "message": message}
                      for message in errors]
    return found + [str(message) for message in formset.non_form_errors()]


def _store_partly(saved, application, data):
    """The automatic save: the valid fields, each valid table; the rest kept as posted."""
    form, formsets = saved.form, saved.formsets
    form.is_valid()
    bad = [name for name in form.errors if name in form.fields]
    if bad:
        application.refresh_from_db(fields=bad)
        saved.errors.append((_("Application form"), [f"{form.fields[n].label}: {' '.join(form.errors[n])}"
                                                     for n in bad]))
    good = [name for name in form.fields if name not in bad]
    application.save(update_fields=good + ["updated_at"])
    for prefix, formset in formsets.items():
        if formset.is_valid():
            formset.save()
            saved.rows[prefix] = _row_ids(formset)
        else:
            saved.errors.append((FORMSETS[prefix][1], _table_errors(formset)))
    saved.complete = not saved.errors
    if saved.complete:
        return {}
    raw = {key: values for key, values in data.lists() if key not in PAGE_KEYS}
    for prefix, ids in saved.rows.items():
        renumber(raw, prefix, ids)
    return {"data": raw, "errors": [[str(part), messages] for part, messages in saved.errors],
            "at": timezone.now().isoformat()}


@transaction.atomic
def save_draft(application_id, user, data, revision=None, automatic=False, client="", seq=0):
    """Save the editor's ``data`` (a QueryDict) for ``user``.

    ``revision`` is the draft's revision the page started from (``None``: not checked, for a page that
    does not send one); a save from an older one raises :class:`Conflict`.  By the button (``automatic``
    false) everything is saved or nothing; automatically, see the module's description.
    """
    application = _locked(application_id, user)
    state, _created = DraftState.objects.get_or_create(application=application)
    if revision is not None and revision != state.revision:
        raise Conflict(state)
    saved = Saved(state, ApplicationForm(data, instance=application, programme=application.programme),
                  build_formsets(application, data))
    if automatic:
        state.buffer = _store_partly(saved, application, data)
    elif saved.form.is_valid() and all(fs.is_valid() for fs in saved.formsets.values()):
        saved.form.save()
        for prefix, formset in saved.formsets.items():
            formset.save()
            saved.rows[prefix] = _row_ids(formset)
        saved.complete = True
        state.buffer = {}
    else:
        return saved
    saved.stored = True
    state.revision += 1
    state.saved_by, state.saved_at, state.automatic = user, timezone.now(), automatic
    state.client, state.client_seq = (client or "")[:40], max(seq or 0, 0)
    state.save()
    return saved


def editing_state(application):
    """The draft's editing state (unsaved: revision 0) without writing anything."""
    return DraftState.objects.select_related("saved_by").filter(application=application).first() or DraftState(
        application=application)


# --- a new draft from an earlier application ----------------------------------------------------------

COPIED_TABLES = {
    Member: ["name", "credit_code", "unit_type", "region", "role", "division_of_work", "committed_input",
             "independent_legal_person", "qualification", "order"],
    Person: ["role", "name", "title", "unit_name", "phone", "order"],
    Task: ["title", "description", "responsible", "budget", "order"],
    BudgetLine: ["source", "amount", "note", "order"],
    Target: ["year", "indicator", "value", "order"],
}


def _copied_value(programme, name, value):
    """``value`` of field ``name`` as the new programme takes it ('' or None where it has no such answer)."""
    if name == "field" and programme.field_names() and value not in programme.field_names():
        return ""
    if name == "formation_mode" and programme.formation_modes and value not in programme.formation_modes:
        return ""
    if name == "lead_category":
        offered = {v for v, _label in editor.choices_for(programme, "lead_category") or []}
        return value if value in offered else ""
    return value


@transaction.atomic
def copy_application(source_id, programme, user):
    """A new draft of ``user``'s unit for ``programme`` with the content of an earlier application of the
    unit (any programme, any state): its text and figures, members, people, tasks, budget and targets.

    Not copied: the state, numbers, versions, reviews and the attachments (signed and sealed for the
    earlier call: the agreement, the commitment, a 推荐函 must be made out again for this one).  Fields
    the new programme does not ask for are left empty, and so are answers it does not offer and fields the
    earlier programme's editor did not ask (whatever they hold was never confirmed by the applicant).
    """
    source = Application.objects.filter(pk=source_id, unit_id=user.unit_id).first()
    if user.unit_id is None or source is None:
        raise ActionRefused(_("Only an application of your own unit can be copied."))
    if not programme.is_open():
        raise ActionRefused(_("This call does not accept applications now. %(dates)s") % {
            "dates": programme.status_message()})
    draft = Application.objects.filter(programme=programme, unit_id=user.unit_id, state=State.DRAFT).first()
    if draft is not None:
        raise ActionRefused(_("Your unit already has a draft for this call (“%(name)s”): continue it, or delete it "
                              "before starting from a copy.") % {"name": draft})
    parts = editor.parts_for(programme)
    asked_before = editor.parts_for(source.programme)
    copy = Application(programme=programme, unit=source.unit, created_by=user,
                       district=District.suggest(programme.authority, source.unit.division))
    for name in parts.fields:
        if name != "district" and name in asked_before:  # a value its own editor never asked is not carried
            setattr(copy, name, _copied_value(programme, name, getattr(source, name)))
    copy.save()
    roles = {v for v, _label in editor.choices_for(programme, "person_role") or Person.Role.choices}
    for model, names in COPIED_TABLES.items():
        rows = []
        for row in model.objects.filter(application=source).order_by("order", "id"):
            values = {n: getattr(row, n) for n in names}
            if model is Member and not ("qualification" in parts.member_fields
                                        and "qualification" in asked_before.member_fields):
                values["qualification"] = ""
            if model is Person and values["role"] not in roles:
                values["role"] = Person.Role.OTHER
            rows.append(model(application=copy, **values))
        model.objects.bulk_create(rows)
    return copy
