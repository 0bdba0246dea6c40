"""portal.statements.prepared: the queries inside the block are prepared on the connection and give the same
rows; an error inside is Django's, and the connection goes on; elsewhere than on PostgreSQL nothing changes."""

import pytest
from django.db import DatabaseError, connection, connections, transaction

from portal.models import District, User
from portal.statements import objects_of, prepared, rows_of
from tests.factories import UserFactory
from tests.statements import prepared_statements, runs_since

DISTRICTS = 'SELECT "portal_district"."id"'


@pytest.mark.sqlite
def test_the_rows_are_those_of_the_same_query_unprepared(seeded):
    query = District.objects.filter(authority__isnull=False).order_by("name")
    with prepared():
        inside = [(d.pk, d.name, d.authority_id) for d in query.filter(name__contains="区")]
    assert inside == [(d.pk, d.name, d.authority_id) for d in query.filter(name__contains="区")] and inside


def test_a_query_inside_is_prepared_once_and_run_again_with_other_values_and_one_outside_is_not(seeded):
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")  # the suite runs on PostgreSQL (CI refuses to skip)
    before = prepared_statements(DISTRICTS)
    names = list(District.objects.values_list("name", flat=True)[:2])
    for name in names:
        with prepared():
            assert District.objects.get(name=name).name == name
    assert list(runs_since(before, DISTRICTS).values()) == [2]
    before = prepared_statements(DISTRICTS)
    District.objects.filter(name__in=names).count()
    assert runs_since(before, DISTRICTS) == {}


def test_an_error_inside_is_djangos_and_the_connection_goes_on(seeded):
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    with pytest.raises(DatabaseError), transaction.atomic(), prepared():
        list(District.objects.extra(where=["no_such_column = %s"], params=[1]))
    with prepared():
        assert District.objects.filter(pk__gt=0).exists()


def _districts_by_keys(keys):
    return District.objects.filter(pk__in=keys).order_by("pk").values_list("pk", "name", "authority__name")


def _with_a_value_of_its_own(keys):
    return District.objects.filter(pk__in=keys, name__startswith="某").values_list("pk")


@pytest.mark.sqlite
def test_rows_of_writes_the_text_once_per_number_of_keys_and_binds_each_calls_keys(seeded, monkeypatch):
    """rows_of: the same rows as the query run by the ORM, for any keys; the ORM writes its text once per connection
    and number of keys; no keys, no rows (the ORM would write no text)."""
    from django.db.models.sql.compiler import SQLCompiler

    written = []
    as_sql = SQLCompiler.as_sql
    monkeypatch.setattr(SQLCompiler, "as_sql", lambda self, *a, **k: written.append(1) or as_sql(self, *a, **k))
    connections["default"].__dict__.pop("_portal_written", None)
    keys = list(District.objects.order_by("-pk").values_list("pk", flat=True)[:4])
    assert len(keys) == 4
    writes = []
    for chosen in (keys[:2], keys[2:], [keys[0], keys[3]], keys[1:4]):
        before = len(written)
        found = rows_of(_districts_by_keys, chosen)
        writes.append(len(written) - before)
        assert found == list(_districts_by_keys(chosen)) and len(found) == len(chosen)
    assert writes == [1, 0, 0, 1]
    assert connections["default"].__dict__["_portal_written"].keys() == {(_districts_by_keys, 2), (_districts_by_keys, 3)}
    assert rows_of(_districts_by_keys, []) == []
    assert rows_of(_districts_by_keys, [-5]) == []


def _programmes(keys):
    from applications.models import Programme

    return Programme.objects.filter(pk__in=keys).values_list("pk", "stages", "opens_on")


def _users(keys):
    return User.objects.filter(pk__in=keys).values_list("pk", "date_joined")


@pytest.mark.sqlite
def test_rows_of_converts_the_values_as_the_orm_does(seeded):
    """Dates, times and JSON come back as the ORM gives them (converted on SQLite, where they are text)."""
    from applications.models import Programme

    programme = Programme.objects.first()
    [(pk, stages, opens_on)] = rows_of(_programmes, [programme.pk])
    assert (pk, stages, opens_on) == (programme.pk, programme.stages, programme.opens_on) and isinstance(stages, list)
    user = UserFactory()
    [(pk, joined)] = rows_of(_users, [user.pk])
    assert joined == User.objects.get(pk=user.pk).date_joined and joined.tzinfo is not None


def test_rows_of_runs_a_prepared_statement(seeded):
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    keys = list(District.objects.values_list("pk", flat=True)[:2])
    before = prepared_statements(DISTRICTS, "IN (")
    rows_of(_districts_by_keys, keys[:1]) and rows_of(_districts_by_keys, keys[1:])
    assert list(runs_since(before, DISTRICTS, "IN (").values()) == [2]


def test_rows_of_refuses_a_query_whose_keys_it_cannot_place(seeded):
    with pytest.raises(ValueError, match="each key"):
        rows_of(lambda keys: District.objects.filter(pk__in=keys[:1]).values_list("pk"), [1, 2])


def _districts_with(keys):
    from django.db.models import Value

    return (District.objects.select_related("authority").defer("document_number_format")
            .annotate(marked=Value("x")).filter(pk__in=keys).order_by("pk"))


@pytest.mark.sqlite
def test_objects_of_makes_the_instances_the_query_makes(seeded, django_assert_num_queries):
    """objects_of: the instances iterating the query makes (select_related objects, annotations, deferred fields),
    from the text written once."""
    keys = list(District.objects.order_by("pk").values_list("pk", flat=True)[:3])
    for chosen in (keys[:2], keys[1:]):
        made = objects_of(_districts_with, chosen)
        expected = list(_districts_with(chosen))
        assert [(d.pk, d.name, d.authority_id, d.marked) for d in made] == [
            (d.pk, d.name, d.authority_id, d.marked) for d in expected] and len(made) == 2
        with django_assert_num_queries(0):
            assert [d.authority.name for d in made] == [d.authority.name for d in expected]
        assert made[0].get_deferred_fields() == {"document_number_format"} and made[0]._state.adding is False
    assert objects_of(_districts_with, []) == []
