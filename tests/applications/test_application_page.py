"""The application page loads the application's parts with it (applications.selectors.application_page):
the same rows, values and order as prefetching them, in fewer queries, and never another's."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from applications.models import Application, BudgetLine, Target, Task
from applications.models.applications import PARTS, PROGRAMME_PARTS
from applications.selectors import application_page, visible_applications
from applications.services import snapshot
from applications.states import State
from tests.review_factories import admin_user, make_application, staff_user
from tests.statements import prepared_statements, runs_since


def _values(application):
    def rows(owner, name):
        return [{f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields} for row in getattr(owner, name).all()]

    def listed(name, skip=()):
        return [{f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields if f.attname not in skip}
                for row in getattr(application, name).all()]

    return {**{name: rows(application, name) for name in PARTS},
            **{name: rows(application.programme, name) for name in PROGRAMME_PARTS},
            "versions": listed("versions", skip=("data",)), "documents": listed("documents"),
            "attachments": sorted((a.pk, a.requirement.code, [(f.pk, f.version) for f in a.files.all()])
                                  for a in application.attachments.all()),
            "fields": application.programme.field_names()}


@pytest.fixture
def application(seeded):
    app = make_application("beijing-2026", state=State.FORMAL_REVIEW, members=5)
    for model in (Task, BudgetLine, Target):  # the factory's own, replaced by rows whose order is known
        model.objects.filter(application=app).delete()
    Task.objects.create(application=app, title="攻关任务二", budget=Decimal("1234.50"), order=2,
                        description="第一行\n第二行")
    Task.objects.create(application=app, title="攻关任务一", budget=None, order=1)
    BudgetLine.objects.create(application=app, source=BudgetLine.Source.FISCAL, amount=Decimal("999999999999.99"))
    BudgetLine.objects.create(application=app, source=BudgetLine.Source.LEAD, amount=Decimal("0.10"), order=1)
    Target.objects.create(application=app, year=2027, indicator="专利", value="10件")
    Target.objects.create(application=app, year=2026, indicator="标准", value="2项", order=3)
    return app


def test_the_parts_are_those_prefetching_reads(application):
    user = staff_user(application.programme.authority)
    prefetched = Application.objects.for_detail().get(pk=application.pk)
    with CaptureQueriesContext(connection) as one_query:
        page = application_page(visible_applications(user), application.pk)
        loaded = _values(page)
    assert loaded == _values(prefetched)
    assert [t.title for t in page.tasks.all()] == ["攻关任务一", "攻关任务二"]  # the model's order
    assert [b.amount for b in page.budget_lines.all()] == [Decimal("999999999999.99"), Decimal("0.10")]
    assert [t.year for t in page.targets.all()] == [2026, 2027]
    assert len(page.members.all()) == 5 and all(m.application is page for m in page.members.all())
    assert snapshot(page) == snapshot(prefetched)  # what the page and the rules read
    assert loaded["rules"] and loaded["attachment_requirements"]  # the seed programme's configuration
    assert all(rule.programme is page.programme for rule in page.programme.rules.all())
    if connection.vendor == "postgresql":
        with CaptureQueriesContext(connection) as prefetching:
            _values(Application.objects.for_detail().get(pk=application.pk))
        # The parts, the programme's configuration and fields, the versions, documents and attachments: in the
        # application's query (the attachments' files in one more, as prefetching reads them), after the check
        # that the application is in the user's scope.
        assert _scope_checks(one_query) == 1
        assert len(one_query.captured_queries) - 1 == (len(prefetching.captured_queries) - len(PARTS)
                                                      - len(PROGRAMME_PARTS) - 4) == 2
    assert loaded["attachments"] and all(a.requirement.programme_id == page.programme_id
                                         for a in page.attachments.all())
    assert loaded["fields"] and loaded["fields"] == [f.name for f in application.programme.fields.order_by("order", "name")]


def test_versions_and_documents_come_with_the_application_in_order_without_the_snapshots(application):
    """The versions (their snapshot deferred, read only when asked for) and the documents, newest first, are
    those prefetching reads; another application's documents are not among them."""
    from notices.models import Document, Job

    other = make_application("beijing-2026", state=State.FORMAL_REVIEW)
    now = timezone.now()
    for number, (subject, kind) in enumerate([(application, "certificate"), (other, "certificate"),
                                              (application, "notice_refused")]):
        job = Job.objects.create(kind=kind, key=f"page-test-{number}", subject=subject)
        Document.objects.create(kind=kind, subject=subject, job=job, file=f"documents/{number}.pdf", sha256="0" * 64,
                                size=1, created_at=now + datetime.timedelta(minutes=number))
    user = staff_user(application.programme.authority)
    page = application_page(visible_applications(user), application.pk)
    prefetched = Application.objects.for_detail().get(pk=application.pk)
    assert _values(page)["documents"] == _values(prefetched)["documents"]
    assert [d.kind for d in page.documents.all()] == ["notice_refused", "certificate"]  # newest first
    assert {d.subject_id for d in page.documents.all()} == {application.pk}
    versions = list(page.versions.all())
    assert versions and _values(page)["versions"] == _values(prefetched)["versions"]
    assert all("data" in v.get_deferred_fields() and v.application is page for v in versions)
    assert versions[0].data == application.versions.order_by("number").first().data  # read when asked for


def test_an_application_outside_the_scope_is_a_404(application, seeded):
    other = staff_user(make_application("zgc-2026", state=State.EXPERT_PENDING).programme.authority)
    with pytest.raises(Http404):
        application_page(visible_applications(other), application.pk)


def test_dates_and_empty_parts(application):
    Task.objects.filter(application=application).delete()
    page = application_page(Application.objects.all(), application.pk)
    assert list(page.tasks.all()) == [] and isinstance(page.targets.all()[0].year, int)
    assert isinstance(page.created_at, datetime.datetime)


def test_the_rows_a_page_asks_for_come_with_their_foreign_keys_as_the_orm_reads_them(seeded):
    """``also``: the review's rows of the application (the timeline with who acted, the experts' assignments with
    the experts), read in the application's query, are those the ORM reads with ``select_related``, in the
    same order; an entry no one signed (the system's) has no actor, and asks no query for one."""
    application = make_application("weihai-2026", state=State.APPROVED)  # through the experts' evaluation
    user = staff_user(application.programme.authority)
    also = {"log": ("actor",), "assignments": ("expert",), "filing_agreements": ()}
    with CaptureQueriesContext(connection) as queries:
        page = application_page(visible_applications(user), application.pk, also=also)
        log = [(e.pk, e.transition, e.actor_id, e.actor and e.actor.username) for e in page.log.all()]
        assignments = [(a.pk, a.status, a.expert.name, a.expert.user_id) for a in page.assignments.all()]
        agreements = list(page.filing_agreements.all())
    assert log == [(e.pk, e.transition, e.actor_id, e.actor and e.actor.username)
                   for e in application.log.select_related("actor").order_by("at", "id")]
    assert assignments == [(a.pk, a.status, a.expert.name, a.expert.user_id)
                           for a in application.assignments.select_related("expert").order_by("id")]
    assert len(log) >= 4 and len(assignments) >= 2 and agreements == []
    if connection.vendor == "postgresql":
        assert len(_besides_files(queries)) == 2 and _scope_checks(queries) == 1
    unsigned = type(page.log.all()[0])(application=application, transition="import", source="", target="filed",
                                       actor=None, actor_role="system")
    unsigned.save()
    with CaptureQueriesContext(connection) as queries:
        page = application_page(visible_applications(user), application.pk, also=also)
        last = page.log.all()[len(page.log.all()) - 1]
        assert last.pk == unsigned.pk and last.actor is None
    if connection.vendor == "postgresql":
        assert len(_besides_files(queries)) == 2 and _scope_checks(queries) == 1


def _scope_checks(queries):
    """The queries that check the application is in the user's scope (before the page's own query)."""
    return sum(q["sql"].startswith('SELECT 1 AS "a" FROM "applications_application"') for q in queries.captured_queries)


def _besides_files(queries):
    """The queries but the one of the attachments' files (read on their own when there are attachments)."""
    return [q for q in queries.captured_queries if ' FROM "applications_attachmentfile" ' not in q["sql"]]


def test_the_pages_query_is_prepared_once_per_connection_and_run_again_for_other_applications_and_users(application):
    """The application's own query (portal.statements.objects_of) is planned once per connection and only run
    afterwards: one statement for every application and every user, whatever their role (the key is bound, not
    written into it; the user's scope is checked before, by a query of its own, and outside it the answer is a
    404 without the page's query); the queries besides it are not prepared."""
    page_query = 'SELECT "applications_application"."id"'
    before = prepared_statements(page_query)
    other = make_application("beijing-2026", state=State.FORMAL_REVIEW, members=2)
    user = staff_user(application.programme.authority)
    stranger = staff_user(make_application("weihai-2026", state=State.FORMAL_REVIEW).programme.authority)
    for pk in (application.pk, other.pk, application.pk):
        assert application_page(visible_applications(user), pk).pk == pk
    assert application_page(visible_applications(admin_user()), other.pk).pk == other.pk
    with pytest.raises(Http404):
        application_page(visible_applications(stranger), application.pk)
    assert list(runs_since(before, page_query).values()) == [4]
    assert prepared_statements('SELECT "applications_attachmentfile"') == {}
    with CaptureQueriesContext(connection) as queries:  # the debug log shows the values, as for any other query
        assert len(_values(application_page(visible_applications(user), application.pk))["members"]) == 5
    logged = queries.captured_queries[1]["sql"]  # after the scope's check
    assert logged.startswith(page_query) and f'"applications_application"."id" = {application.pk}' in logged
    assert "$1" not in logged and "%s" not in logged
