"""The funds page (supervision:funds): what was granted (拨付) and recovered (追回) per programme and year,
within the user's scope, with its Excel export; one aggregate query however many entries."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from portal import menu
from portal.models import Role
from supervision.choices import FundKind
from supervision.models import FundEntry
from supervision.selectors import funds_by_programme
from tests.factories import UserFactory

GRANT, RECOVERY = FundKind.GRANT, FundKind.RECOVERY


def entry(app, year, kind, amount, number="苏科资〔2026〕1号"):
    return FundEntry.objects.create(application=app, year=year, kind=kind, amount=Decimal(amount),
                                    on=datetime.date(year, 6, 1), document_number=number, recorded_by=app.staff)


@pytest.fixture
def ledger(make_consortium):
    """Two Jiangsu consortia and one Suzhou: Jiangsu 2025 grants 500 + 300, 2026 grants 400 and recovers 120."""
    first = make_consortium("jiangsu-2026")
    second = make_consortium("jiangsu-2026")
    suzhou = make_consortium("suzhou-2026")
    entry(first, 2025, GRANT, "500")
    entry(second, 2025, GRANT, "300")
    entry(first, 2026, GRANT, "400")
    entry(second, 2026, RECOVERY, "120.50")
    entry(suzhou, 2026, GRANT, "200")
    return first, second, suzhou


def _figures(rows):
    return [(r["title"], r["year"], r["granted"], r["recovered"], r["net"], r["consortia"]) for r in rows]


def test_figures_per_programme_and_year_with_a_recovery(ledger, django_assert_num_queries):
    first, second, suzhou = ledger
    title = first.programme.title
    with django_assert_num_queries(1):
        rows = funds_by_programme(first.staff)
    assert _figures(rows) == [
        (title, 2025, Decimal("800"), Decimal("0"), Decimal("800"), 2),
        (title, 2026, Decimal("400"), Decimal("120.50"), Decimal("279.50"), 1),
    ]
    admin = UserFactory(role=Role.ADMIN, unit=None)
    rows = funds_by_programme(admin)
    assert {(r["title"], r["year"]) for r in rows} == {(title, 2025), (title, 2026), (suzhou.programme.title, 2026)}
    assert _figures(funds_by_programme(admin, suzhou.programme)) == [
        (suzhou.programme.title, 2026, Decimal("200"), Decimal("0"), Decimal("200"), 1)]


def test_the_page_shows_the_scope_only_and_filters_by_programme(ledger, client):
    first, second, suzhou = ledger
    client.force_login(suzhou.staff)
    page = client.get(reverse("supervision:funds")).content.decode()
    assert suzhou.programme.title in page and first.programme.title not in page
    assert "800" not in page and "279.50" not in page
    # another authority's programme in ?programme= is ignored: the staff's own figures are shown
    page = client.get(reverse("supervision:funds"), {"programme": first.programme.pk}).content.decode()
    assert first.programme.title not in page and "200" in page
    client.force_login(first.staff)
    page = client.get(reverse("supervision:funds"), {"programme": first.programme.pk}).content.decode()
    assert "279.50" in page and "120.50" in page and "1079.50" in page  # the total's net
    assert suzhou.programme.title not in page.split('id="funds-table"')[1]


@pytest.mark.parametrize("name", ["supervision:funds", "supervision:funds_export"])
def test_applicants_and_evaluators_are_refused(ledger, evaluator, client, name):
    first = ledger[0]
    for user in (first.applicant, evaluator, UserFactory(role=Role.EXPERT, unit=None)):
        client.force_login(user)
        assert client.get(reverse(name)).status_code in (403, 404)
    client.logout()
    assert client.get(reverse(name)).status_code == 302  # to the login page


def test_the_menu_entry_is_for_staff_and_administrators(ledger, evaluator, client):
    first = ledger[0]
    funds = next(e for e in menu.entries() if e.key == "supervision.funds")
    assert funds.visible_to(first.staff) and funds.visible_to(UserFactory(role=Role.ADMIN, unit=None))
    assert not funds.visible_to(first.applicant) and not funds.visible_to(evaluator)
    client.force_login(first.staff)
    page = client.get(reverse("supervision:funds")).content.decode()
    assert 'id="menu-supervision-funds"' in page


def test_the_export_cells(ledger, client):
    first = ledger[0]
    client.force_login(first.staff)
    response = client.get(reverse("supervision:funds_export"), {"programme": first.programme.pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "attachment" in response["Content-Disposition"] and response["Cache-Control"] == "private, no-store"
    book = load_workbook(io.BytesIO(response.content))
    summary, sheet = book.worksheets
    assert summary["B1"].value == first.programme.title
    assert [summary[f"B{n}"].value for n in (3, 4, 5)] == [1200, 120.5, 1079.5]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert rows == [[first.programme.title, 2025, 800, 0, 800, 2], [first.programme.title, 2026, 400, 120.5, 279.5, 1]]


def test_queries_do_not_grow_with_entries(make_consortium, client, django_assert_max_num_queries):
    apps = [make_consortium("jiangsu-2026") for _ in range(4)]
    FundEntry.objects.bulk_create([
        FundEntry(application=app, year=year, kind=kind, amount=Decimal("10"), on=datetime.date(year, 3, 1),
                  document_number=f"文号{n}", recorded_by=app.staff)
        for n, (app, year, kind) in enumerate((a, y, k) for a in apps for y in range(2018, 2027)
                                              for k in (GRANT, GRANT, RECOVERY))])
    client.force_login(apps[0].staff)
    for name in ("supervision:funds", "supervision:funds_export"):
        with django_assert_max_num_queries(20):
            response = client.get(reverse(name))
        assert response.status_code == 200
    assert response.content  # the workbook
    rows = funds_by_programme(apps[0].staff)
    assert len(rows) == 9 and all(r["net"] == Decimal("40") and r["consortia"] == 4 for r in rows)
