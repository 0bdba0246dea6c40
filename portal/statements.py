"""Prepared statements for the few large queries of fixed shape that the busiest pages send (PostgreSQL).

PostgreSQL plans every query it is sent. The application page's own query (its parts, versions, documents,
timeline … each as an array of JSON rows) took 4–6 ms of the database's time to plan and under 2 ms to run, on
every request. A statement prepared on the connection is planned once its plan no longer depends on the values
(PostgreSQL keeps a generic plan after five runs when it costs no more than the custom ones), and the
connection is kept between requests (``DB_CONN_MAX_AGE``), so later requests only run it.

Django sends its queries with the parameters written into the text (client-side binding, which connection
poolers need); :func:`prepared` sends the queries run inside it on a cursor that binds them on the server and
prepares them (psycopg's ``prepare=True``), on the same connection and in the same transaction. psycopg keeps
at most ``prepared_max`` statements per connection and deallocates the least used. Use it for queries whose
text is the same from one request to the next (the values apart): a text that changes with the data would
prepare a new statement each time. Elsewhere than on PostgreSQL it changes nothing.

The ORM also writes a query's text anew on each request: for the staff list's rows that took longer than the
database takes to run them. :func:`rows_of` has the ORM write the text of a query of fixed shape once per
connection, then runs it with each request's keys in their places.
"""

from contextlib import contextmanager

from django.db import connections
from django.db.backends.postgresql.base import ServerBindingCursor
from psycopg import ClientCursor


@contextmanager
def prepared(using="default"):
    """Within the block, the queries on database ``using`` are sent as prepared statements."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    with connection.execute_wrapper(_execute_prepared):
        yield


def _execute_prepared(execute, sql, params, many, context):
    if many:
        return execute(sql, params, many, context)
    wrapper, db = context["cursor"], context["connection"]  # the ORM fetches the rows from ``wrapper.cursor``
    if not isinstance(wrapper.cursor, ServerBindingCursor):
        client, wrapper.cursor = wrapper.cursor, ServerBindingCursor(wrapper.cursor.connection)
        client.close()
    with db.wrap_database_errors:
        result = wrapper.cursor.execute(sql, params, prepare=True)
    if db.queries_logged:
        # Django's debug log reads the text a query ran as client-side binding leaves it (``_query.query``, the
        # values written in); a prepared one has its values apart, so the text is written here the same way.
        text = ClientCursor(wrapper.cursor.connection).mogrify(sql, params)
        wrapper.cursor._query = _Text(text.encode())
    return result


#: Stand-ins for the keys while the ORM writes a query's text: no primary key is negative, and the ORM leaves out of
#: a query an integer that its column could not hold.
_MARKER = -(2**31)


def rows_of(build, keys, using="default"):
    """The rows of ``build(keys)``, tuples as the ORM gives them (its converters applied): ``build`` is a function
    of the module (not a lambda made per call) returning a ``values_list`` query whose only values that change
    are ``keys``, integers (e.g. ``.filter(pk__in=keys)``).  The ORM writes its text once per connection and number
    of keys, from stand-ins for the keys; each call puts the keys in their places and runs it prepared."""
    if not keys:
        return []
    connection = connections[using]
    written = connection.__dict__.setdefault("_portal_written", {})
    entry = written.get((build, len(keys)))
    if entry is None:
        entry = written[build, len(keys)] = _write(build, len(keys), using)
    compiler, sql, params, slots = entry
    bound = [keys[slot] if slot is not None else value for value, slot in zip(params, slots, strict=True)]
    with prepared(using), connection.cursor() as cursor:
        cursor.execute(sql, bound)
        return list(compiler.results_iter(results=[cursor.fetchall()], tuple_expected=True))


def _write(build, count, using):
    markers = {_MARKER + index: index for index in range(count)}
    compiler = build(list(markers)).query.get_compiler(using)
    sql, params = compiler.as_sql()
    slots = [markers.get(value) if type(value) is int else None for value in params]
    if sorted(slot for slot in slots if slot is not None) != list(range(count)):
        raise ValueError("each key must be one value of the query, once")
    return compiler, sql, tuple(params), slots


class _Text:
    """What Django's debug log reads of a query that ran (psycopg's ``PostgresQuery.query``)."""

    def __init__(self, query):
        self.query = query
