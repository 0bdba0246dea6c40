"""Reading and checking a sheet of consortia filed on paper (the writes are in ``review.services.imports``).

The sheet is read with openpyxl (already the portal's Excel library).  django-import-export was considered
and not used: one row here becomes several records (the lead unit matched or created, a filed application
that never went through the lifecycle, its members, its certificate's first edition, the certificate
counter), its preview shows a model's fields rather than what a row will become, and its import screens
live in the Django admin, while programme staff work on the portal's own pages.

The first row holds the headings; a column is recognised by its heading in Chinese or in English, in any
order.  Every problem is reported with its row number (as Excel numbers it) and column, all at once.
"""

import datetime
import io
import re
from dataclasses import dataclass, field

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Application, Certificate
from applications.states import State
from portal import creditcode
from portal.filecheck import UploadRejected, check_workbook
from portal.models import Division, Unit, UnitType
from portal.spreadsheets import append_row

#: The most rows one sheet may hold (a larger register is imported in parts).
MAX_ROWS = 2000


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # a lazy translation
    required: bool
    width: int
    help: object
    example: str


COLUMNS = (
    Column("certificate_number", gettext_lazy("Certificate number"), True, 20,
           gettext_lazy("As printed on the paper certificate; unique."), "JSCXLHT20240003"),
    Column("name", gettext_lazy("Consortium name"), True, 36, "", "江苏省高端装备创新联合体"),
    Column("lead_name", gettext_lazy("Lead unit"), True, 32, "", "江苏示例装备有限公司"),
    Column("credit_code", gettext_lazy("Unified social credit code of the lead unit"), True, 24,
           gettext_lazy("18 characters; the unit is matched by it, or registered if new."), "91320100MA1XXXXXXX"),
    Column("unit_type", gettext_lazy("Lead unit type"), False, 18,
           gettext_lazy("One of the unit types listed below; empty: enterprise."), ""),
    Column("division", gettext_lazy("Division code of the lead unit"), False, 14,
           gettext_lazy("6 digits (GB/T 2260); empty: taken from the credit code."), ""),
    Column("field", gettext_lazy("Field"), False, 18, "", "高端装备"),
    Column("filed_on", gettext_lazy("Filing date"), True, 14,
           gettext_lazy("A date cell, or text such as 2024-06-30."), "2024-06-30"),
    Column("members", gettext_lazy("Member units"), False, 48,
           gettext_lazy("Separated by ；or new lines; a credit code may follow a name in brackets."),
           "南京示例大学；江苏示例研究院（12320000466000000X）"),
    Column("contact_name", gettext_lazy("Contact person"), False, 12, "", ""),
    Column("contact_phone", gettext_lazy("Contact phone"), False, 16, "", ""),
)
COLUMN_KEYS = [c.key for c in COLUMNS]
MEMBER_SEPARATORS = re.compile(r"[；;\n\r]+")
MEMBER_WITH_CODE = re.compile(r"^(?P<name>.+?)\s*[（(]\s*(?P<code>[0-9A-Za-z０-９Ａ-Ｚａ-ｚ\s-]{15,24})\s*[）)]$")
DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


@dataclass
class RowProblem:
    row: int
    column: str
    message: str

    def __str__(self):
        if not self.row:
            return self.message
        if self.column:
            return _("Row %(row)d, %(column)s: %(message)s") % {"row": self.row, "column": self.column,
                                                               "message": self.message}
        return _("Row %(row)d: %(message)s") % {"row": self.row, "message": self.message}


@dataclass
class Entry:
    """One checked row: what it will become."""

    row: int
    values: dict
    unit: Unit | None = None  # the existing lead unit matched by its credit code
    division: Division | None = None
    members: list = field(default_factory=list)  # [(name, credit code)]

    @property
    def unit_type_label(self):
        return dict(UnitType.choices).get(self.values["unit_type"], "")


def headings():
    """``{heading text: column key}`` in every language the portal offers (and the keys themselves)."""
    found = {c.key: c.key for c in COLUMNS}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            found.update({_normal(str(c.label)): c.key for c in COLUMNS})
    return found


def _normal(text):
    return re.sub(r"\s+", "", str(text or "")).replace("*", "").lower()


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def read_sheet(data: bytes):
    """``(rows, problems)``: the rows of the first sheet as ``(row number, {key: raw value})``, skipping empty
    rows; problems of the sheet itself (not a workbook, headings missing, too many rows)."""
    from openpyxl import load_workbook

    try:
        check_workbook(data, _("the sheet"))  # bounded before openpyxl unpacks anything
    except UploadRejected as error:
        return [], [RowProblem(0, "", str(error))]
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        return [], [RowProblem(0, "", _("The file is not an Excel workbook (.xlsx)."))]
    sheet = book.worksheets[0]
    lines = sheet.iter_rows(values_only=True)
    header = next(lines, None) or ()
    known = headings()
    positions = {}
    for index, heading in enumerate(header):
        key = known.get(_normal(heading))
        if key and key not in positions:
            positions[key] = index
    missing = [str(c.label) for c in COLUMNS if c.required and c.key not in positions]
    if missing:
        return [], [RowProblem(0, "", _("The first row must hold the column headings of the template; missing: "
                                        "%(columns)s.") % {"columns": "、".join(missing)})]
    rows = []
    for number, line in enumerate(lines, start=2):
        values = {key: (line[index] if index < len(line) else None) for key, index in positions.items()}
        if all(_text(v) == "" for v in values.values()):
            continue
        rows.append((number, values))
        if len(rows) > MAX_ROWS:
            return [], [RowProblem(0, "", _("A sheet may hold at most %(n)d consortia; import the register in "
                                            "parts.") % {"n": MAX_ROWS})]
    book.close()
    if not rows:
        return [], [RowProblem(0, "", _("The sheet holds no consortium below its headings."))]
    return rows, []


def _date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    match = DATE_TEXT.match(_text(value))
    if match:
        try:
            return datetime.date(*(int(part) for part in match.groups()))
        except ValueError:
            return None
    return None


def _unit_type(value):
    text = _text(value)
    if not text:
        return UnitType.ENTERPRISE
    for choice, label in UnitType.choices:
        if text.lower() == choice:
            return choice
        for language in ("zh-hans", "en"):
            with translation.override(language):
                if text == str(label):
                    return choice
    return None


class Checker:
    """Checks the rows against each other and against what the database holds (a few queries in all)."""

    def __init__(self, programme, rows):
        self.programme, self.rows, self.problems = programme, rows, []
        self.labels = {c.key: str(c.label) for c in COLUMNS}

    def problem(self, row, key, message):
        self.problems.append(RowProblem(row, self.labels.get(key, ""), message))

    def check(self):
        entries = [self.entry(number, values) for number, values in self.rows]
        self.against_each_other(entries)
        self.against_database(entries)
        return entries, self.problems

    def entry(self, number, raw):
        values = {key: _text(raw.get(key)) for key in COLUMN_KEYS}
        for column in COLUMNS:
            if column.required and not values[column.key]:
                self.problem(number, column.key, _("This column must be filled in."))
        limits = {"certificate_number": 40, "name": 120, "lead_name": 120, "field": 60, "contact_name": 40,
                  "contact_phone": 30}
        for key, limit in limits.items():
            if len(values[key]) > limit:
                self.problem(number, key, _("At most %(n)d characters.") % {"n": limit})
        values["certificate_number"] = values["certificate_number"].replace(" ", "").upper()
        raw_code = values["credit_code"]
        values["credit_code"] = creditcode.normalise(raw_code)
        if raw_code:
            for found in creditcode.problems(values["credit_code"], creditcode.has_separators(raw_code)):
                self.problem(number, "credit_code", found.message)
        values["filed_on"] = _date(raw.get("filed_on")) if values["filed_on"] else None
        if raw.get("filed_on") not in (None, "") and values["filed_on"] is None:
            self.problem(number, "filed_on", _("Not a date; write it as 2024-06-30."))
        elif values["filed_on"] and values["filed_on"] > timezone.localdate():
            self.problem(number, "filed_on", _("The filing date cannot be in the future."))
        unit_type = _unit_type(raw.get("unit_type"))
        if unit_type is None:
            self.problem(number, "unit_type", _("Not a unit type the portal knows (see the template's list)."))
        values["unit_type"] = unit_type or UnitType.ENTERPRISE
        entry = Entry(number, values)
        entry.members = self.members(number, "" if raw.get("members") is None else str(raw["members"]))
        return entry

    def members(self, number, text):
        found = []
        for part in MEMBER_SEPARATORS.split(text or ""):
            part = " ".join(part.split()).strip(" 、,，")
            if not part:
                continue
            match = MEMBER_WITH_CODE.match(part)
            name, code = (match["name"].strip(), creditcode.normalise(match["code"])) if match else (part, "")
            if code and creditcode.problems(code):
                self.problem(number, "members", _("The credit code of member “%(name)s” is not valid.") % {
                    "name": name})
            if len(name) > 120:
                self.problem(number, "members", _("A member unit's name has at most 120 characters."))
            found.append((name[:120], code))
        return found

    def against_each_other(self, entries):
        for key, message in (("certificate_number", _("The same certificate number is also on row %(row)d.")),
                             ("credit_code", _("The same lead unit (credit code) is also on row %(row)d."))):
            seen = {}
            for entry in entries:
                value = entry.values[key]
                if value and value in seen:
                    self.problem(entry.row, key, message % {"row": seen[value]})
                seen.setdefault(value, entry.row)

    def against_database(self, entries):
        numbers = {e.values["certificate_number"] for e in entries if e.values["certificate_number"]}
        taken = set(Application.objects.filter(certificate_number__in=numbers).values_list(
            "certificate_number", flat=True)) | set(Certificate.objects.filter(number__in=numbers).values_list(
                "number", flat=True))
        codes = {e.values["credit_code"] for e in entries if e.values["credit_code"]}
        units = {u.credit_code: u for u in Unit.objects.select_related("division").filter(credit_code__in=codes)}
        filed = set(Application.objects.filter(programme=self.programme, state=State.FILED,
                                               revoked_on__isnull=True, unit__credit_code__in=codes)
                    .values_list("unit__credit_code", flat=True))
        names = set(Application.objects.filter(programme=self.programme, state=State.FILED,
                                               name__in=[e.values["name"] for e in entries])
                    .values_list("name", flat=True))
        divisions = {d.code: d for d in Division.objects.filter(
            code__in={e.values["division"] for e in entries if e.values["division"]})}
        for entry in entries:
            values = entry.values
            if values["certificate_number"] in taken:
                self.problem(entry.row, "certificate_number", _("This certificate number is already in the portal."))
            if values["credit_code"] in filed:
                self.problem(entry.row, "credit_code", _(
                    "This lead unit already has a filed consortium under this programme."))
            if values["name"] in names:
                self.problem(entry.row, "name", _("A consortium of this name is already filed under this programme."))
            entry.unit = units.get(values["credit_code"])
            self.division(entry, divisions)

    def division(self, entry, divisions):
        code = entry.values["division"]
        if code:
            entry.division = divisions.get(code)
            if entry.division is None:
                self.problem(entry.row, "division", _("No division has the code %(code)s.") % {"code": code})
        elif entry.unit is not None:
            entry.division = entry.unit.division
        elif entry.values["credit_code"]:
            entry.division = Division.suggest_for_code(entry.values["credit_code"])
            if entry.division is None:
                self.problem(entry.row, "division", _(
                    "The credit code does not tell where the lead unit is registered: give the division code."))


def check_sheet(programme, data: bytes):
    """``(entries, problems)`` for the sheet ``data`` imported into ``programme``; nothing is written."""
    rows, problems = read_sheet(data)
    if problems:
        return [], problems
    return Checker(programme, rows).check()


def template_workbook(programme) -> bytes:
    """The sheet to fill in: the headings (required ones marked), one example row, and the notes."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = _("Consortia")[:31]
    append_row(sheet, [str(c.label) for c in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True, color="C00000" if column.required else None)
        if column.help:
            cell.comment = Comment(str(column.help), "")
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    notes = book.create_sheet(_("Notes")[:31])
    append_row(notes, [_("Programme"), programme.title])
    append_row(notes, [_("Headings in red must be filled in. Delete the example row before importing.")])
    append_row(notes, [])
    append_row(notes, [_("Column"), _("Required"), _("How to fill it in")])
    for column in COLUMNS:
        append_row(notes, [str(column.label), _("yes") if column.required else "", str(column.help)])
    append_row(notes, [])
    append_row(notes, [_("Unit types")] + [str(label) for _value, label in UnitType.choices])
    if programme.field_names():
        append_row(notes, [_("Fields of this programme")] + programme.field_names())
    notes.column_dimensions["A"].width = 34
    notes.column_dimensions["C"].width = 70
    append_row(sheet, [c.example for c in COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

