"""Load the seed data (applications/seed.py): divisions, authorities, district offices, programmes;
then the national table of divisions (``portal.divisions``, as ``manage.py load_divisions``).

Idempotent: rows are found by their natural keys (division code, authority name, office name
within its authority, programme code, attachment code within its programme; a programme's
rules by their position) and only written when a value differs, so a second run changes
nothing.  A programme's rules and attachment requirements are made to match the seed: rows
the seed no longer has are deleted (an attachment requirement that applications already use
is kept but made optional, since their files point at it).  Divisions, authorities and
district offices are only created or updated, never deleted: units and users point at them.
"""

import copy
import datetime

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications import seed
from applications.models import (
    Attachment,
    AttachmentRequirement,
    Field,
    LeadCategory,
    MemberKind,
    Programme,
    ProgrammeRule,
)
from portal import divisions as national_divisions
from portal.models import Authority, District, Division
from review.seed_criteria import load_criteria

DEMO_BEFORE = datetime.timedelta(days=30)
DEMO_AFTER = datetime.timedelta(days=90)

PROGRAMME_FIELDS = ("certificate_prefix", "title", "guideline_title", "document_number", "issued_on", "summary",
                    "guideline_text", "formation_modes", "stages", "publicity_working_days", "contact")


class Tally:
    """Counts of created / updated / unchanged / deleted rows, per model."""

    def __init__(self):
        self.counts = {}

    def add(self, label, outcome):
        self.counts.setdefault(label, {"created": 0, "updated": 0, "unchanged": 0, "deleted": 0})[outcome] += 1

    @property
    def changed(self):
        return any(c["created"] or c["updated"] or c["deleted"] for c in self.counts.values())


def sync(obj, model, lookup, values, tally, label):
    """Create the row (``obj`` is None) or write ``values`` to ``obj`` where they differ.

    ``obj`` was found by its natural key (``lookup``) and related rows come from this loader,
    so validation skips the uniqueness and foreign-key queries that would only repeat that.
    """
    related = [f.name for f in model._meta.concrete_fields if f.is_relation]
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean(exclude=related, validate_unique=False, validate_constraints=False)
        obj.save()
        tally.add(label, "created")
        return obj
    changed = [name for name, value in values.items() if not _same(obj, name, value)]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.full_clean(exclude=related)
        obj.save(update_fields=changed)
        tally.add(label, "updated")
    else:
        tally.add(label, "unchanged")
    return obj


def _same(obj, name, value):
    field = obj._meta.get_field(name)
    if field.is_relation:  # compare keys, without fetching the related row
        return getattr(obj, field.attname) == (value.pk if value is not None else None)
    return getattr(obj, name) == value


def programme_window(spec, demo_window, today):
    if demo_window:
        return today - DEMO_BEFORE, today + DEMO_AFTER
    return spec["real_window"]


AUTHORITY_PAPERS = ("document_number_format", "objection_phone", "objection_address", "objection_email")


class Command(BaseCommand):
    help = gettext_lazy("Load the administrative divisions, authorities, district offices and the five seed "
                        "programmes with their rules and attachment requirements (idempotent).")

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo-window", action="store_true",
            help=gettext_lazy("Open every seed programme from 30 days ago to 90 days from today, so that the demo "
                              "and the tests can apply, instead of its real dates."),
        )

    @transaction.atomic
    def handle(self, *args, demo_window=False, **options):
        tally = Tally()
        today = timezone.localdate()
        divisions = self.load_divisions(tally)
        national = self.load_national_table(options["verbosity"])
        authorities = self.load_authorities(divisions, tally)
        self.load_districts(authorities, divisions, tally)
        fields = self.load_fields(tally)
        self.load_vocabulary(LeadCategory, seed.LEAD_CATEGORIES, None, tally)
        self.load_vocabulary(MemberKind, seed.MEMBER_KINDS, None, tally)
        for spec in seed.PROGRAMMES:
            programme = self.load_programme(spec, authorities[spec["authority"]], demo_window, today, tally)
            self.load_selections(programme, spec, fields, tally)
        # The programmes' scoring sheets (the Zhongguancun eight criteria; others use the default).
        criteria = load_criteria()
        tally.counts["criterion"] = {key: criteria[key] for key in ("created", "updated", "unchanged", "deleted")}
        if options["verbosity"] >= 1:
            labels = {
                "division": _("Divisions"), "authority": _("Authorities"), "district": _("District offices"),
                "field": _("Fields"), "vocabulary": _("Lead categories and member kinds"),
                "programme": _("Programmes"), "rule": _("Programme rules"),
                "attachment": _("Attachment requirements"), "criterion": _("Scoring criteria"),
            }
            for key, label in labels.items():
                counts = tally.counts.get(key, {"created": 0, "updated": 0, "unchanged": 0, "deleted": 0})
                self.stdout.write(
                    _("%(label)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged, "
                      "%(deleted)d deleted") % {"label": label, **counts})
            if demo_window:
                self.stdout.write(_("Demo window: every seed programme is open from %(start)s to %(end)s.") % {
                    "start": (today - DEMO_BEFORE).isoformat(), "end": (today + DEMO_AFTER).isoformat()})
            if not tally.changed and not (national and national.created):
                self.stdout.write(self.style.SUCCESS(_("Nothing to change: the database matches the seed.")))

    # --- divisions, authorities, offices -------------------------------------------------------

    def load_divisions(self, tally):
        existing = {d.code: d for d in Division.objects.all()}
        loaded = {}
        for code, name, parent_code in seed.DIVISIONS:
            parent = loaded[parent_code] if parent_code else None
            loaded[code] = sync(existing.get(code), Division, {"code": code}, {"name": name, "parent": parent},
                                tally, "division")
        return loaded

    def load_national_table(self, verbosity):
        """The whole country's divisions after the seed's (whose rows and codes are kept): units anywhere
        can register.  Without the installed table only the seed's divisions exist, and the command says so."""
        try:
            result = national_divisions.load_table()
        except national_divisions.TableMissing as error:
            self.stderr.write(str(error))
            return None
        if verbosity >= 1:
            self.stdout.write(result.summary())
        return result

    def load_authorities(self, divisions, tally):
        existing = {a.name: a for a in Authority.objects.all()}
        loaded = {}
        for spec in seed.AUTHORITIES:
            values = {"short_name": spec["short_name"], "level": spec["level"], "region": divisions[spec["region"]]}
            # The number pattern and objection contacts are the authority's to keep (admin): filled only while empty.
            current = existing.get(spec["name"])
            values.update({field: spec[field] for field in AUTHORITY_PAPERS
                           if current is None or not getattr(current, field)})
            loaded[spec["name"]] = sync(current, Authority, {"name": spec["name"]}, values, tally,
                                        "authority")
        return loaded

    def load_districts(self, authorities, divisions, tally):
        existing = {(d.authority_id, d.name): d for d in District.objects.all()}
        for authority_name, offices in seed.DISTRICTS.items():
            authority = authorities[authority_name]
            for name, code in offices:
                sync(existing.get((authority.pk, name)), District, {"authority": authority, "name": name},
                     {"division": divisions[code]}, tally, "district")

    # --- the vocabularies ------------------------------------------------------------------------

    def load_fields(self, tally):
        """The field taxonomy: created or updated by name, never deleted (programmes and experts use it)."""
        existing = {f.name: f for f in Field.objects.all()}
        for order, (name, parent) in enumerate(seed.FIELDS, start=1):
            existing[name] = sync(existing.get(name), Field, {"name": name},
                                  {"parent": existing[parent] if parent else None, "order": order * 10}, tally, "field")
        return existing

    def load_vocabulary(self, model, entries, programme, tally):
        """Shared entries (``programme`` None) or a programme's own, by code; never deleted (applications
        store the codes)."""
        existing = {e.code: e for e in model.objects.filter(code__in=[entry[0] for entry in entries])}
        for order, (code, name, *citation) in enumerate(entries, start=1):
            sync(existing.get(code), model, {"code": code},
                 {"name": name, "programme": programme, "citation": citation[0] if citation else "",
                  "order": order * 10}, tally, "vocabulary")

    def load_selections(self, programme, spec, fields, tally):
        """The programme's fields and the shared entries it selects, made to match the seed; its own entries."""
        self.load_vocabulary(LeadCategory, spec["own_lead_categories"], programme, tally)
        self.load_vocabulary(MemberKind, spec["own_member_kinds"], programme, tally)
        wanted = [
            (programme.fields, [fields[name] for name in spec["fields"]]),
            (programme.lead_categories, list(LeadCategory.objects.filter(code__in=spec["lead_categories"]))),
            (programme.member_kinds, list(MemberKind.objects.filter(code__in=spec["member_kinds"]))),
        ]
        for manager, rows in wanted:
            if {row.pk for row in manager.all()} != {row.pk for row in rows}:
                manager.set(rows)
                tally.add("programme", "updated")

    # --- programmes ---------------------------------------------------------------------------

    def load_programme(self, spec, authority, demo_window, today, tally):
        opens_on, closes_on = programme_window(spec, demo_window, today)
        values = {name: copy.deepcopy(spec[name]) for name in PROGRAMME_FIELDS}
        values.update(authority=authority, opens_on=opens_on, closes_on=closes_on)
        programme = sync(Programme.objects.filter(code=spec["code"]).first(), Programme, {"code": spec["code"]},
                         values, tally, "programme")
        self.load_rules(programme, spec["rules"], tally)
        self.load_attachments(programme, spec["attachments"], tally)
        return programme

    def load_rules(self, programme, rules, tally):
        """Rules are matched by position: the n-th seed rule updates the n-th row (by order)."""
        existing = list(ProgrammeRule.objects.filter(programme=programme).order_by("order", "id"))
        for index, rule in enumerate(rules):
            values = {"rule_key": rule["rule_key"], "params": copy.deepcopy(rule["params"]), "severity": rule["severity"],
                      "citation": rule["citation"], "order": (index + 1) * 10, "active": True}
            if index < len(existing):
                row = existing[index]
                changed = [name for name, value in values.items() if getattr(row, name) != value]
                if changed:
                    for name in changed:
                        setattr(row, name, values[name])
                    row.full_clean(exclude=["programme"])
                    row.save(update_fields=changed)
                    tally.add("rule", "updated")
                else:
                    tally.add("rule", "unchanged")
            else:
                row = ProgrammeRule(programme=programme, **values)
                row.full_clean(exclude=["programme"])
                row.save()
                tally.add("rule", "created")
        for row in existing[len(rules):]:
            row.delete()
            tally.add("rule", "deleted")

    def load_attachments(self, programme, attachments, tally):
        existing = {a.code: a for a in AttachmentRequirement.objects.filter(programme=programme)}
        codes = []
        for index, spec in enumerate(attachments):
            values = copy.deepcopy({**seed.ATTACHMENT_DEFAULTS, **{k: v for k, v in spec.items() if k != "code"}})
            values["order"] = (index + 1) * 10
            sync(existing.get(spec["code"]), AttachmentRequirement, {"programme": programme, "code": spec["code"]},
                 values, tally, "attachment")
            codes.append(spec["code"])
        for extra in AttachmentRequirement.objects.filter(programme=programme).exclude(code__in=codes):
            if Attachment.objects.filter(requirement=extra).exists():
                # Applications' files point at it: keep it, but no longer ask for it.
                if extra.required:
                    extra.required = False
                    extra.save(update_fields=["required"])
                    tally.add("attachment", "updated")
                else:
                    tally.add("attachment", "unchanged")
                self.stderr.write(_("Kept the attachment requirement %(code)s of %(programme)s (no longer in the "
                                    "seed) because applications use it; it is now optional.") % {
                    "code": extra.code, "programme": programme.code})
            else:
                extra.delete()
                tally.add("attachment", "deleted")
