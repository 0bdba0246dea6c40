"""The applicant's side of the review: withdrawal, the differences between versions, the timeline.

Returned applications are edited in the ordinary editor and resubmitted through the ordinary
submit view (``applications.services.submit`` fires ``resubmit`` and freezes a new version);
``templates/review/applicant/_return_banner.html`` shows the reason on top of those pages.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications import lifecycle
from applications.models import Application, BudgetLine, Member, Person
from applications.selectors import visible_applications
from portal.lifecycle import ActionRefused, permitted
from portal.lifecycle import labels as lifecycle_labels
from portal.models import Role, Unit

from .. import services
from ..forms import WithdrawForm
from .common import client_ip

# --- the timeline ---------------------------------------------------------------------------------

#: Who sees the names of the people who acted (the applicant sees roles only).
NAME_ROLES = (Role.STAFF, Role.DISTRICT, Role.ADMIN)


def transition_labels():
    """``{transition name: label}`` from the transitions' ``custom["label"]`` in applications.lifecycle, and the
    entry of a consortium imported from a paper filing."""
    return {**lifecycle_labels(Application), services.IMPORT_TRANSITION: str(services.IMPORT_LABEL)}


def shows_names(user):
    """Whether ``user`` sees who acted on the timeline (the others see each entry's role only)."""
    return bool(user.is_authenticated and user.role in NAME_ROLES)


def timeline_context(application, user):
    """``{"entries", "show_names", "show_ip"}`` for ``review/_timeline.html``; one query, none when the
    application was read with its log (``application_page``, as the application page reads it).

    Applicants (and experts) see each entry's role but never the name of the person who acted:
    for them the actors are not even loaded.
    """
    show_names = shows_names(user)
    show_ip = bool(user.is_authenticated and user.role in (Role.STAFF, Role.ADMIN))
    if "log" in getattr(application, "_prefetched_objects_cache", {}):
        entries = list(application.log.all())  # in the log's order (when, then the entry's key)
    else:
        queryset = application.log.order_by("at", "id")
        if show_names:
            queryset = queryset.select_related("actor")
        entries = list(queryset)
    labels, roles = transition_labels(), dict(Role.choices)
    for entry in entries:
        entry.action_label = labels.get(entry.transition, entry.transition)
        # get_actor_role_display's label, without its walk over the choices for every entry
        entry.role_label = roles.get(entry.actor_role, entry.actor_role)
        # the date filter's "c" and "Y-m-d H:i", without its format parsed for each entry
        at = timezone.localtime(entry.at)
        entry.at_iso, entry.at_text = at.isoformat(), at.strftime("%Y-%m-%d %H:%M")
    return {"entries": entries, "show_names": show_names, "show_ip": show_ip}


# --- withdrawal -----------------------------------------------------------------------------------

@login_required
def withdraw(request, pk):
    application = get_object_or_404(
        visible_applications(request.user).select_related("programme__authority", "unit"), pk=pk)
    if not lifecycle.is_applicant_of(application, request.user):
        raise Http404
    if not permitted(application, "withdraw", request.user):
        messages.error(request, _("This application can no longer be withdrawn: it is “%(state)s”.") % {
            "state": application.get_state_display()})
        return redirect(application)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.withdraw(application.pk, request.user, reason=form.cleaned_data["reason"],
                                  ip=client_ip(request))
            except ActionRefused as error:
                messages.error(request, str(error))
                return redirect(application)
            messages.success(request, _("The application is withdrawn."))
            return redirect(application)
        messages.error(request, _("The application was not withdrawn: please correct the fields marked in red."))
    return render(request, "review/applicant/withdraw.html", {"application": application, "form": form})


# --- differences between versions -----------------------------------------------------------------

#: Scalar fields that change with every submission or belong to the review, not to the content.
NOT_CONTENT = {"created_at", "updated_at", "submitted_at", "returned_from", "return_reason", "certificate_number",
               "filed_on"}

#: Table sections: (snapshot key, heading, model for labels, key fields, compared fields).
ROW_SECTIONS = [
    ("members", gettext_lazy("Member units"), Member, ("name",),
     ("credit_code", "unit_type", "region", "role", "division_of_work", "committed_input", "qualification",
      "independent_legal_person")),
    ("people", gettext_lazy("Governance"), Person, ("role", "name"), ("title", "unit_name", "phone")),
    ("tasks", gettext_lazy("Key tasks"), "applications.Task", ("title",), ("description", "responsible", "budget")),
    ("budget_lines", gettext_lazy("Budget by source"), BudgetLine, ("source",), ("amount", "note")),
    ("targets", gettext_lazy("Yearly targets"), "applications.Target", ("year", "indicator"), ("value",)),
]


def _model(model):
    if isinstance(model, str):
        from django.apps import apps

        return apps.get_model(model)
    return model


def _display(model, name, value):
    """A snapshot value in words: choices by their label, booleans as yes/no, empty as ''."""
    if value is None or value == "":
        return ""
    try:
        field = model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - a key the model does not have: show it as it is
        field = None
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def _label(model, name):
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001
        return name


def _changes(model, old, new, names):
    """[(label, old, new)] for the named keys whose values differ."""
    out = []
    for name in names:
        before, after = (old or {}).get(name), (new or {}).get(name)
        if (before in (None, "")) and (after in (None, "")):
            continue
        if before != after:
            out.append((_label(model, name), _display(model, name, before), _display(model, name, after)))
    return out


def _keyed(rows, key_fields):
    """Rows by key (the key fields, plus an occurrence number so that duplicates stay apart)."""
    out, seen = {}, {}
    for row in rows or []:
        base = tuple(row.get(k) for k in key_fields)
        seen[base] = seen.get(base, 0) + 1
        out[base + (seen[base],)] = row
    return out


def _row_title(model, key_fields, row):
    return " ".join(_display(model, k, row.get(k)) for k in key_fields if row.get(k) not in (None, ""))


def _rows_diff(model, key_fields, names, old_rows, new_rows):
    old, new = _keyed(old_rows, key_fields), _keyed(new_rows, key_fields)
    added = [_row_title(model, key_fields, new[k]) for k in new if k not in old]
    removed = [_row_title(model, key_fields, old[k]) for k in old if k not in new]
    changed = []
    for k in new:
        if k in old:
            fields = _changes(model, old[k], new[k], names)
            if fields:
                changed.append({"title": _row_title(model, key_fields, new[k]), "fields": fields})
    return {"added": added, "removed": removed, "changed": changed}


def _attachments_diff(old_rows, new_rows):
    old = {a.get("kind"): a for a in old_rows or []}
    new = {a.get("kind"): a for a in new_rows or []}
    added = [f"{kind}: {a.get('name')}" for kind, a in new.items() if kind not in old]
    removed = [f"{kind}: {a.get('name')}" for kind, a in old.items() if kind not in new]
    changed = []
    for kind, a in new.items():
        b = old.get(kind)
        if b is not None and b.get("sha256") != a.get("sha256"):
            changed.append({"title": kind, "fields": [
                (_("file"), f"{b.get('name')} v{b.get('version')}", f"{a.get('name')} v{a.get('version')}")]})
    return {"added": added, "removed": removed, "changed": changed}


def diff_versions(old, new):
    """What changed between two frozen versions (``ApplicationVersion.data``), in the reader's words.

    Returns ``{"scalars": [(label, old, new)], "lead_unit": [...], "sections": [{key, title, added,
    removed, changed}], "empty": bool}``; member rows and the other tables are matched by their name
    (people: role and name; tasks: title; budget: source; targets: year and indicator).
    """
    old_app, new_app = old.get("application", {}), new.get("application", {})
    names = [n for n in dict.fromkeys(list(old_app) + list(new_app)) if n not in NOT_CONTENT]
    scalars = _changes(Application, old_app, new_app, names)
    if old.get("district", "") != new.get("district", ""):
        scalars.append((_("district office"), old.get("district", ""), new.get("district", "")))
    old_unit, new_unit = old.get("lead_unit", {}), new.get("lead_unit", {})
    lead_unit = _changes(Unit, old_unit, new_unit, list(dict.fromkeys(list(old_unit) + list(new_unit))))
    sections = []
    for key, title, model, key_fields, compared in ROW_SECTIONS:
        model = _model(model)
        result = _rows_diff(model, key_fields, compared, old.get(key), new.get(key))
        if result["added"] or result["removed"] or result["changed"]:
            sections.append({"key": key, "title": title, **result})
    attachments = _attachments_diff(old.get("attachments"), new.get("attachments"))
    if attachments["added"] or attachments["removed"] or attachments["changed"]:
        sections.append({"key": "attachments", "title": gettext_lazy("Attachments"), **attachments})
    return {"scalars": scalars, "lead_unit": lead_unit, "sections": sections,
            "empty": not (scalars or lead_unit or sections)}


def _version_number(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
def version_diff(request, pk):
    """What changed between two frozen versions (default: the last two)."""
    application = get_object_or_404(
        visible_applications(request.user).select_related("programme", "unit"), pk=pk)
    versions = list(application.versions.order_by("number"))
    context = {"application": application, "versions": versions, "diff": None}
    if len(versions) >= 2:
        by_number = {v.number: v for v in versions}
        a = _version_number(request.GET.get("a")) or versions[-2].number
        b = _version_number(request.GET.get("b")) or versions[-1].number
        if a not in by_number or b not in by_number:
            raise Http404
        old, new = by_number[a], by_number[b]
        context.update({"old": old, "new": new, "diff": diff_versions(old.data, new.data)})
    return render(request, "review/applicant/diff.html", context)
