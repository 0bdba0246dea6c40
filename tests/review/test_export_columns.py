"""The staff list's export, richer: the application number, member count and certificate number, the dates of
each stage (submitted, recommended, formal review passed, expert review concluded, approved, publicity from and
until, filed) and the experts' scores (how many scored, their average, the programme's aggregate), read a few
queries per chunk of rows, never one per row."""

import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from applications.models import Programme
from applications.states import State
from review.filters import staff_queryset
from review.models import Assignment, TransitionLog
from review.workbook import EXPORT_COLUMNS, export_workbook
from tests.review.test_review_queries import clone, export
from tests.review_factories import make_application, move_log, staff_user

pytestmark = pytest.mark.django_db

HEADER = ["Consortium name", "Lead unit", "Credit code", "Programme", "District office", "Field", "State",
          "Submitted at", "Days waited", "Application number", "Member units", "Certificate number",
          "Recommended on", "Formal review passed on", "Expert review concluded on", "Experts scored",
          "Expert average", "Expert aggregate", "Approved on", "Publicity from", "Publicity until", "Filed on"]


def rows_of(data):
    return [list(r) for r in load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(values_only=True)]


def by_name(rows):
    """Each row by its consortium's name, as {column: value} (empty cells at a row's end are not stored)."""
    return {row[0]: dict(zip(rows[0], row + [None] * (len(rows[0]) - len(row)), strict=True)) for row in rows[1:]}


def day(value):
    return value.date() if isinstance(value, datetime.datetime) else value


def test_the_new_columns_hold_each_applications_values(client, seeded):
    programme = Programme.objects.get(code="weihai-2026")
    programme.stages = [dict(s, aggregate="trimmed_mean") if s["key"] == "expert_review" else s
                        for s in programme.stages]
    programme.save(update_fields=["stages"])
    weihai = make_application("weihai-2026", state=State.FILED, experts=5, members=4)
    for assignment, total in zip(weihai.assignments.order_by("pk"), (10, 70, 80, 90, 95), strict=True):
        Assignment.objects.filter(pk=assignment.pk).update(total=Decimal(total))
    three_days_ago = timezone.now() - datetime.timedelta(days=3)
    move_log(TransitionLog.objects.filter(application=weihai, transition="recommend"), three_days_ago)
    zgc = make_application("zgc-2026", state=State.APPROVED, members=3)
    staff = staff_user(weihai.programme.authority)
    client.force_login(staff)
    rows = rows_of(export(client, HTTP_ACCEPT_LANGUAGE="en").content)
    assert rows[0] == HEADER
    row = by_name(rows)[weihai.name]
    entry = weihai.publicity_entries.select_related("batch").get()
    log = {e.transition: timezone.localdate(e.at) for e in weihai.log.all()}
    assert row["Application number"] == weihai.reference and row["Member units"] == 4
    assert row["Certificate number"] == weihai.certificate_number and day(row["Filed on"]) == weihai.filed_on
    assert day(row["Recommended on"]) == timezone.localdate(three_days_ago) != log["pass_formal_review"]
    assert day(row["Formal review passed on"]) == log["pass_formal_review"]
    assert day(row["Expert review concluded on"]) == log["conclude_expert_review"]
    assert row["Approved on"] is None  # Weihai's route has no decision
    assert (day(row["Publicity from"]), day(row["Publicity until"])) == (entry.batch.starts_on, entry.batch.ends_on)
    assert row["Experts scored"] == 5 and row["Expert average"] == 69 and row["Expert aggregate"] == 80

    client.force_login(staff_user(zgc.programme.authority))
    row = by_name(rows_of(export(client, HTTP_ACCEPT_LANGUAGE="en").content))[zgc.name]
    assert day(row["Approved on"]) == timezone.localdate(zgc.log.get(transition="approve").at)
    assert row["Experts scored"] == 3 and row["Expert average"] == row["Expert aggregate"] == 85
    assert row["Certificate number"] is None and row["Filed on"] is None and row["Publicity from"] is None
    assert row["Formal review passed on"] is None and row["Member units"] == 3


def test_the_export_reads_a_few_queries_per_chunk_not_per_row(seeded, django_assert_num_queries, settings):
    app = make_application("weihai-2026", state=State.EXPERT_REVIEW)
    clone(app, 30)
    staff = staff_user(app.programme.authority)
    # The rows, then per chunk: the stage dates, the publicity periods, the experts' totals, the programmes.
    with django_assert_num_queries(5):
        data = export_workbook(staff_queryset(staff))
    assert len(rows_of(data)) == 32 and len(rows_of(data)[0]) == len(EXPORT_COLUMNS)
