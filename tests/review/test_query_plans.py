"""Every query of the busy pages is served by an index at a province's scale.

The test writes 100,000 applications (750,000 member units, about 280,000 timeline entries) with
``tests/volume.py``, runs VACUUM ANALYZE as autovacuum would, then opens the staff list (plain, paged,
searched, filtered, in every order, as staff, district office and administrator), the application page,
the workspaces, the directory and the publicity list, and runs ``EXPLAIN (ANALYZE)`` on each query the
page made: none may read the applications, members or timeline tables by a sequential scan, and no
sort or hash may spill to disk.  PostgreSQL only (the plans are PostgreSQL's); about a minute.

``QUERY_PLAN_SCALE`` sets another number of applications.
"""

import json
import os

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import Application, Programme
from applications.states import State
from portal.models import Unit
from tests.review_factories import admin_user, applicant_user, district_user, staff_user
from tests.volume import generate

SCALE = int(os.environ.get("QUERY_PLAN_SCALE", "100000"))
#: The tables that grow with the number of applications.
BIG_TABLES = {"applications_application", "applications_member", "review_transitionlog"}

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's query plans")


def _nodes(plan):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def plan_problems(sql):
    """What is wrong with the plan of ``sql``: sequential scans of a big table, sorts or hashes on disk."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
        raw = cursor.fetchone()[0]
    plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
    problems = []
    for node in _nodes(plan):
        if node["Node Type"] == "Seq Scan" and node.get("Relation Name") in BIG_TABLES:
            problems.append(f"sequential scan of {node['Relation Name']} ({node.get('Actual Rows')} rows)")
        if node.get("Sort Space Type") == "Disk":
            problems.append(f"sort on disk ({node.get('Sort Space Used')} kB)")
        if node.get("Hash Batches", 1) > 1:
            problems.append(f"hash in {node['Hash Batches']} batches (on disk)")
    return problems


def page_problems(client, url, params=None):
    """``{query: [problems]}`` for each query the page ``url`` runs (it must answer 200)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200, (url, params, response.status_code)
    found = {}
    for query in captured.captured_queries:
        sql = query["sql"]
        if sql.lstrip().upper().startswith("SELECT"):
            problems = plan_problems(sql)
            if problems:
                found[sql[:400]] = problems
    return found


def _load(scale):
    """The data set, committed (VACUUM runs outside a transaction), then vacuumed and analysed."""
    generate(scale)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def _users():
    programme = Programme.objects.get(code="jiangsu-2026")
    staff = staff_user(programme.authority)
    application = Application.objects.filter(programme=programme, state=State.EXPERT_REVIEW).order_by("pk")[50]
    unit = Unit.objects.filter(pk=application.unit_id).get()
    return {"staff": staff, "admin": admin_user(), "district": district_user(application.district),
            "applicant": applicant_user(unit)}, application, programme


def busy_pages(application, programme):
    """``{role: [(url, params)]}``: the pages to look at (``None``: the public)."""
    unit = Unit.objects.get(pk=application.unit_id)
    staff_list = reverse("review:staff_list")
    return {
        "staff": [
            (staff_list, {}), (staff_list, {"page": 7}), (staff_list, {"q": "人工智能"}),
            (staff_list, {"q": "人工智能", "page": 3}), (staff_list, {"q": unit.name[2:8]}),
            (staff_list, {"q": unit.credit_code[-8:].lower()}), (staff_list, {"q": "不存在的名称"}),
            (staff_list, {"state": State.DECISION}), (staff_list, {"programme": programme.pk}),
            (staff_list, {"district": application.district_id}), (staff_list, {"field": application.field}),
            (staff_list, {"submitted_from": "2026-01-01", "submitted_to": "2026-03-31"}),
            *[(staff_list, {"o": order}) for order in ("waiting", "-waiting", "submitted", "-submitted", "name",
                                                       "-name")],
            (reverse("review:application_detail", args=[application.pk]), {}),
            (reverse("review:workspace"), {}),
        ],
        "admin": [(staff_list, {}), (staff_list, {"page": 40}), (staff_list, {"q": "人工智能", "o": "-submitted"}),
                  (staff_list, {"q": unit.name[2:6], "page": 15}), (staff_list, {"q": unit.credit_code[-6:]}),
                  (reverse("review:workspace"), {})],
        "district": [(staff_list, {}), (staff_list, {"q": "创新联合体"}), (reverse("review:workspace"), {})],
        "applicant": [(reverse("review:workspace"), {}),
                      (reverse("review:application_detail", args=[application.pk]), {})],
        None: [(reverse("review:directory"), {}), (reverse("review:directory"), {"page": 5}),
               (reverse("review:directory"), {"q": "人工智能"}), (reverse("review:directory"), {"q": "VOL"}),
               (reverse("review:directory"), {"programme": programme.code}),
               (reverse("review:directory"), {"year": "2026", "status": "filed"}),
               (reverse("review:directory"), {"field": application.field, "status": "revoked"}),
               (reverse("review:directory_json"), {"programme": programme.code, "year": "2026"}),
               (reverse("review:publicity_list"), {}), (reverse("review:publicity_list"), {"archive": 3})],
    }


def all_problems(client, users, pages):
    found = {}
    for role, visits in pages.items():
        client.logout()
        if role:
            client.force_login(users[role])
        for url, params in visits:
            for sql, problems in page_problems(client, url, params).items():
                found[f"{role} {url} {params}: {sql}"] = problems
    return found


@pytest.mark.django_db(transaction=True)
def test_every_query_of_the_busy_pages_is_served_by_an_index(client, seeded):
    _load(SCALE)
    users, application, programme = _users()
    found = all_problems(client, users, busy_pages(application, programme))
    assert not found, "\n\n".join(f"{where}\n  {problems}" for where, problems in found.items())
    client.force_login(users["staff"])  # the searches above found something (the plans are of real work)
    response = client.get(reverse("review:staff_list"), {"q": "人工智能"})
    assert 0 < response.context["page"].paginator.count < SCALE / 50
