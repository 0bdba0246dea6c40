"""Reads and scoping of applications.

Every view and download starts from :func:`visible_applications`, so an id outside the user's
scope is a 404, never a leak.  The attachment helpers read what ``Application.objects.for_detail()``
prefetches (the programme's attachment requirements, the attachments with their requirement and
files), so they add no query when given such an application.
"""

from django.db import connection, models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.expressions import RawSQL
from django.shortcuts import get_object_or_404

from portal.models import Role

from .choices import AssignmentStatus
from .models import Application, Certificate, Programme
from .models.applications import PARTS, PROGRAMME_PARTS
from .states import State


def visible_applications(user):
    qs = Application.objects.all()
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.role == Role.APPLICANT:
        return qs.filter(unit_id=user.unit_id)
    if user.role == Role.DISTRICT:
        return qs.filter(district_id=user.district_id).exclude(state=State.DRAFT)
    if user.role == Role.STAFF:
        return qs.filter(programme__authority_id=user.authority_id).exclude(state=State.DRAFT)
    if user.role == Role.ADMIN:
        return qs
    if user.role == Role.EXPERT:
        # Only applications the expert has accepted (after declaring no conflict of interest).
        return qs.filter(assignments__expert__user=user,
                         assignments__status__in=[AssignmentStatus.ACCEPTED, AssignmentStatus.SUBMITTED]).distinct()
    return qs.none()



def application_page(queryset, pk):
    """The application ``pk`` of ``queryset`` (404 when it is not there) with everything its page reads.

    On PostgreSQL its parts (members, people, tasks, budget lines, targets) and its programme's attachment
    requirements and rules come in the application's own query, each as an array of JSON rows made back into
    model instances here, rather than in seven queries of their own; the pages and the rules read them as if
    prefetched (``application.members.all()``, ``application.programme.rules.all()``)."""
    if connection.vendor != "postgresql":
        return get_object_or_404(queryset.for_detail(), pk=pk)
    parts = {name: Application._meta.get_field(name).related_model for name in PARTS}
    programme_parts = {name: Programme._meta.get_field(name).related_model for name in PROGRAMME_PARTS}
    application = get_object_or_404(queryset.for_detail(parts=False, programme_parts=False).annotate(
        **{f"{name}_rows": _rows_of(model, "application") for name, model in parts.items()},
        **{f"programme_{name}_rows": _rows_of(model, "programme") for name, model in programme_parts.items()}), pk=pk)
    for owner, found, prefix in ((application, parts, ""), (application.programme, programme_parts, "programme_")):
        cache = owner.__dict__.setdefault("_prefetched_objects_cache", {})
        for name, model in found.items():
            rows = [_instance(model, data, owner) for data in getattr(application, f"{prefix}{name}_rows") or []]
            related = getattr(owner, name).all()
            related._result_cache, related._prefetch_done = rows, True  # what prefetch_related leaves
            cache[name] = related
    return application


def _rows_of(model, link):
    """The rows of ``model`` whose foreign key ``link`` is the outer query's application or programme (its
    table's ``id``), in the model's order, as one JSON array (decimals as text, so that they come back
    exactly).  Written once per model: building and compiling the same expression with the ORM on every
    request cost more than the queries it saves."""
    if (model, link) not in _PART_SQL:
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        outer = quote(model._meta.get_field(link).related_model._meta.db_table)
        columns = ", ".join(f"'{f.attname}', {quote(f.column)}" + ("::text" if isinstance(f, models.DecimalField) else "")
                            for f in model._meta.concrete_fields)
        order = ", ".join(quote(model._meta.get_field(name).column) for name in model._meta.ordering)
        _PART_SQL[model, link] = (
            f"(SELECT COALESCE(jsonb_agg(jsonb_build_object({columns}) ORDER BY {order}), '[]') FROM {table} "
            f"WHERE {table}.{quote(model._meta.get_field(link).column)} = {outer}.{quote('id')})")
    return RawSQL(_PART_SQL[model, link], [], output_field=models.JSONField())


#: The SQL of each part's rows (see ``_rows_of``).
_PART_SQL = {}


def _instance(model, data, owner):
    row = model(**{f.attname: f.to_python(data[f.attname]) for f in model._meta.concrete_fields})
    row._state.adding, row._state.db = False, owner._state.db
    setattr(row, model._meta.get_field("application" if isinstance(owner, Application) else "programme").name, owner)
    return row


def attachment_slots(application):
    """``[(requirement, [files, newest first])]``: every attachment requirement of the programme, in the
    programme's order, with the uploaded versions of its slot (``[]`` when nothing is uploaded)."""
    by_requirement = {a.requirement_id: a for a in application.attachments.all()}
    slots = []
    for requirement in application.programme.attachment_requirements.all():
        slot = by_requirement.get(requirement.pk)
        slots.append((requirement, sorted(slot.files.all(), key=lambda f: -f.version) if slot else []))
    return slots


def latest_files(application):
    """``[(requirement, latest file or None)]``: each attachment slot of the application with its newest
    uploaded version."""
    return [(a.requirement, max(a.files.all(), key=lambda f: f.version, default=None))
            for a in application.attachments.all()]


def certificate_editions(application):
    """Every edition of ``application``'s certificate, the current one first."""
    return list(application.certificates.order_by("-edition"))


def certificate_of_document(document):
    """The certificate edition a stored certificate PDF is (None for other documents)."""
    if document is None or document.kind != "certificate":
        return None
    return Certificate.objects.select_related("application").filter(
        application_id=document.subject_id, edition=document.job.payload.get("edition", 1)).first()


def directory_entries(filed, q=""):
    """The public directory's rows: ``filed`` applications with what their current certificate says (the
    consortium's and the lead unit's names as issued: a unit renamed later does not change them)."""
    current = Certificate.objects.filter(application=OuterRef("pk"), superseded_on__isnull=True).order_by("-edition")
    rows = filed.select_related("programme").annotate(
        certified_name=Subquery(current.values("name")[:1]),
        certified_lead=Subquery(current.values("lead_name")[:1]),
        certified_code=Subquery(current.values("lead_credit_code")[:1])).order_by("-filed_on", "certificate_number")
    if q:
        # The certificates are searched on their own first, so each condition is on the applications table
        # and served by its index (a join with DISTINCT would sort every filed application).
        certified = list(Certificate.objects.filter(lead_name__icontains=q).order_by().values_list(
            "application_id", flat=True).distinct())
        rows = rows.filter(Q(name__icontains=q) | Q(certificate_number__icontains=q) | Q(pk__in=certified))
    return rows


def directory_programmes(filed):
    """The programmes that have ``filed`` applications, newest call first (one index probe each)."""
    return list(Programme.objects.filter(Exists(filed.filter(programme=OuterRef("pk"))))
                .order_by("-opens_on", "title"))
