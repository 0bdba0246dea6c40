"""Reads and scoping of applications.

Every view and download starts from :func:`visible_applications`, so an id outside the user's
scope is a 404, never a leak.  The attachment helpers read what ``Application.objects.for_detail()``
prefetches (the programme's attachment requirements, the attachments with their requirement and
files), so they add no query when given such an application.
"""

import functools

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.db.models import Exists, OuterRef, Q, Subquery, prefetch_related_objects
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.shortcuts import get_object_or_404

from portal.models import Role
from portal.statements import objects_of

from .choices import AssignmentStatus
from .models import Application, ApplicationVersion, Certificate, Programme
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



def application_page(queryset, pk, also=None):
    """The application ``pk`` of ``queryset`` (404 when it is not there) with everything its page reads.

    On PostgreSQL its parts (members, people, tasks, budget lines, targets), its versions (without their
    snapshots, deferred as ``for_detail`` defers them), documents and attachments (their files in one more query
    when there are any), and its programme's attachment requirements, rules and fields (领域) come in the
    application's own query, each as an array of JSON rows made back into model instances here, rather than in
    twelve queries of their own; the pages and the rules read them as if prefetched (``application.members.all()``,
    ``application.documents.all()``, ``application.programme.rules.all()``).

    ``also``: ``{related name: (foreign keys of its rows to load with them)}``, more rows of the application the
    caller's page shows, read the same way (e.g. the review's timeline with who acted: ``{"log": ("actor",)}``;
    the apps above name their relations, this module imports none of their models)."""
    also = also or {}
    if connection.vendor != "postgresql":
        return get_object_or_404(queryset.for_detail().prefetch_related(*(
            models.Prefetch(name, queryset=Application._meta.get_field(name).related_model.objects.select_related(
                *related)) for name, related in also.items())), pk=pk)
    # The user's scope first (a 404 outside it), then the page's query by key alone: the same text for every
    # user, written by the ORM once per connection and run prepared (writing it took longer than running it).
    if not queryset.filter(pk=pk).exists():
        raise Http404("No application matches the given query.")
    owned, programme_owned, build = _page(tuple((name, tuple(related)) for name, related in also.items()),
                                          ContentType.objects.get_for_model(Application).pk)
    page = objects_of(build, [pk])
    if not page:  # gone since
        raise Http404("No application matches the given query.")
    [application] = page
    for owner, found, prefix in ((application, owned, ""), (application.programme, programme_owned, "programme_")):
        cache = owner.__dict__.setdefault("_prefetched_objects_cache", {})
        for name, rows in found.items():
            instances = [rows.instance(data, owner) for data in getattr(application, f"{prefix}{name}_rows") or []]
            related = getattr(owner, name).all()
            related._result_cache, related._prefetch_done = instances, True  # what prefetch_related leaves
            cache[name] = related
    # Each attachment's requirement is one of the programme's (read above), and its files are read only when the
    # application has an attachment (one query for all of them, as the prefetch did).
    requirements = {requirement.pk: requirement for requirement in application.programme.attachment_requirements.all()}
    attachments = application.attachments.all()
    for attachment in attachments:
        if attachment.requirement_id in requirements:
            attachment.requirement = requirements[attachment.requirement_id]
    prefetch_related_objects(list(attachments), "files")
    return application


@functools.cache
def _page(also, document_type):
    """What the application page's query reads for ``also`` (``((name, related keys), …)``): the rows owned by the
    application and by its programme, and the function of the key that makes the query (made once, so that its
    text is written once: ``portal.statements.objects_of``)."""
    owned = {name: _PartRows(Application._meta.get_field(name).related_model, "application")
             for name in (*PARTS, "versions", "attachments")}
    owned["documents"] = _PartRows(Application._meta.get_field("documents").related_model, "subject_id",
                                   subject_type=ContentType.objects.get_for_id(document_type))
    for name, related in also:
        field = Application._meta.get_field(name)
        owned[name] = _PartRows(field.related_model, field.field.name, related=related)
    programme_owned = {name: _PartRows(Programme._meta.get_field(name).related_model, "programme")
                       for name in PROGRAMME_PARTS}
    programme_owned["fields"] = _LinkedRows(Programme._meta.get_field("fields"))

    def build(keys):
        return Application.objects.for_detail(parts=False, programme_parts=False, listed=False).annotate(
            **{f"{name}_rows": rows.sql() for name, rows in owned.items()},
            **{f"programme_{name}_rows": rows.sql() for name, rows in programme_owned.items()}).filter(pk=keys[0])

    return owned, programme_owned, build


class _PartRows:
    """The rows of ``model`` whose column ``link`` holds the outer query's application or programme (its
    table's ``id``), in the model's order (by key when it has none), as one JSON array (decimals as text, so
    that they come back exactly; the fields of ``DEFERRED_FIELDS`` left out and deferred on the instances, as a
    prefetch with ``defer`` leaves them).  ``subject_type``: a generic relation's content type (the documents).
    ``related``: foreign keys of the rows whose targets come with them, each row's as a nested object (as
    ``select_related`` loads them; none for an empty key).  The SQL and its expression are made once per model,
    link and related keys: building and compiling the same expression with the ORM on every request cost more
    than the queries it saves."""

    def __init__(self, model, link, subject_type=None, related=()):
        self.model, self.link, self.subject_type, self.related = model, link, subject_type, related

    def sql(self):
        key = self._key()
        if key not in _PART_SQL:
            quote = connection.ops.quote_name
            table = quote(self.model._meta.db_table)
            columns, joins = [_json_columns(table, _fields(self.model), quote)], []
            for name in self.related:
                field = self.model._meta.get_field(name)
                target = field.related_model
                alias = quote(f"{self.model._meta.db_table}__{name}")
                joins.append(f"LEFT JOIN {quote(target._meta.db_table)} {alias} "
                             f"ON {alias}.{quote(target._meta.pk.column)} = {table}.{quote(field.column)}")
                columns.append(f"'{name}', CASE WHEN {alias}.{quote(target._meta.pk.column)} IS NULL THEN NULL "
                               f"ELSE jsonb_build_object({_json_columns(alias, _fields(target), quote)}) END")
            order = ", ".join(
                f"{table}.{quote(self.model._meta.get_field(name.lstrip('-')).column)}"
                + (" DESC" if name.startswith("-") else "")
                for name in self.model._meta.ordering or [self.model._meta.pk.name])  # unordered: by key
            source, where = self._source(quote, table)
            _PART_SQL[key] = RawSQL(f"(SELECT COALESCE(jsonb_agg(jsonb_build_object({', '.join(columns)}) ORDER BY "
                                    f"{order}), '[]') FROM {' '.join([source, *joins])} WHERE {where})", [],
                                    output_field=models.JSONField())
        return _PART_SQL[key]  # the same expression each time (a query copies what it annotates)

    def _key(self):
        return self.model, self.link, self.subject_type.pk if self.subject_type else None, self.related

    def _source(self, quote, table):
        """The FROM and WHERE clauses: the rows whose ``link`` is the outer row."""
        owner = self.subject_type.model_class() if self.subject_type else self.model._meta.get_field(
            self.link).related_model
        column = quote(self.model._meta.get_field(self.link).column)
        where = f"{table}.{column} = {quote(owner._meta.db_table)}.{quote('id')}"
        if self.subject_type is not None:
            where += f" AND {table}.{quote('subject_type_id')} = {int(self.subject_type.pk)}"
        return table, where

    def instance(self, data, owner):
        row = _from_json(self.model, data, owner._state.db)
        if self.subject_type is None and self.link is not None:
            setattr(row, self.model._meta.get_field(self.link).name, owner)
        for name in self.related:
            field = self.model._meta.get_field(name)
            target = data[name]
            field.set_cached_value(row, None if target is None else _from_json(field.related_model, target,
                                                                               owner._state.db))
        return row


@functools.cache
def _fields(model):
    """The fields of ``model`` read as JSON rows (those of ``DEFERRED_FIELDS`` left out): found once per model,
    not for each part on each request and each nested row."""
    return tuple(f for f in model._meta.concrete_fields if f.name not in DEFERRED_FIELDS.get(model, ()))


@functools.cache
def _attnames(model):
    return [f.attname for f in _fields(model)]


def _json_columns(table, fields, quote):
    """``'attname', column, …`` of ``fields`` for ``jsonb_build_object`` (decimals as text)."""
    return ", ".join(f"'{f.attname}', {table}.{quote(f.column)}"
                     + ("::text" if isinstance(f, models.DecimalField) else "") for f in fields)


def _from_json(model, data, db):
    return model.from_db(db, _attnames(model), [f.to_python(data[f.attname]) for f in _fields(model)])


class _LinkedRows(_PartRows):
    """The rows a many-to-many field of the outer row links to (the programme's fields), as ``_PartRows``
    reads the rows that point to it."""

    def __init__(self, many_to_many):
        super().__init__(many_to_many.related_model, None)
        self.many_to_many = many_to_many

    def _key(self):
        return self.model, self.many_to_many

    def _source(self, quote, table):
        m2m = self.many_to_many
        through = quote(m2m.remote_field.through._meta.db_table)
        owner = quote(m2m.model._meta.db_table)
        return (f"{table} JOIN {through} ON {through}.{quote(m2m.m2m_reverse_name())} = {table}.{quote('id')}",
                f"{through}.{quote(m2m.m2m_column_name())} = {owner}.{quote('id')}")


#: The fields the application page never reads of its versions: each version's snapshot of the whole application.
DEFERRED_FIELDS = {ApplicationVersion: ("data",)}

#: The expression of each part's rows (see ``_PartRows``), written once.
_PART_SQL = {}


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
