"""portal.statements.prepared: the queries inside the block are prepared on the connection and give the same
rows; an error inside is Django's, and the connection goes on; elsewhere than on PostgreSQL nothing changes."""

import pytest
from django.db import DatabaseError, connection, transaction

from portal.models import District
from portal.statements import prepared
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
