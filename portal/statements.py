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

The ORM also writes a query's text anew on each request: for the staff list's rows and the application page that
took longer than the database takes to run them. :func:`rows_of` (plain values) and :func:`objects_of` (model
instances) have the ORM write the text of a query of fixed shape once per connection, then run it prepared with
each request's keys in their places.
"""

from contextlib import contextmanager

from django.db import connections
from django.db.backends.postgresql.base import ServerBindingCursor
from django.db.models.query import get_related_populators
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
    written, rows = _run(build, keys, using)
    return list(written.compiler.results_iter(results=[rows], tuple_expected=True))


def objects_of(build, keys, using="default"):
    """The model instances of ``build(keys)``, as iterating the query would make them (with the objects of its
    ``select_related``, its annotations, its deferred fields), from a text written once as for :func:`rows_of`."""
    if not keys:
        return []
    written, rows = _run(build, keys, using)
    compiler = written.compiler
    if written.populators is None:  # how the ORM's ModelIterable makes the instances, worked out once
        start, end = compiler.klass_info["select_fields"][0], compiler.klass_info["select_fields"][-1] + 1
        written.populators = (start, end, [column[0].target.attname for column in compiler.select[start:end]],
                              get_related_populators(compiler.klass_info, compiler.select, using))
    start, end, names, related = written.populators
    model, annotations = compiler.klass_info["model"], compiler.annotation_col_map.items()
    instances = []
    for row in compiler.results_iter(results=[rows]):
        instance = model.from_db(using, names, row[start:end])
        for populator in related:
            populator.populate(row, instance)
        for name, position in annotations:
            setattr(instance, name, row[position])
        instances.append(instance)
    return instances


def _run(build, keys, using):
    connection = connections[using]
    known = connection.__dict__.setdefault("_portal_written", {})
    written = known.get((build, len(keys)))
    if written is None:
        written = known[build, len(keys)] = _Written(build, len(keys), using)
    bound = [keys[slot] if slot is not None else value for value, slot in zip(written.params, written.slots, strict=True)]
    with prepared(using), connection.cursor() as cursor:
        cursor.execute(written.sql, bound)
        return written, cursor.fetchall()


class _Written:
    """The text of ``build``'s query for ``count`` keys, with where each key goes among its values."""

    def __init__(self, build, count, using):
        markers = {_MARKER + index: index for index in range(count)}
        self.compiler = build(list(markers)).query.get_compiler(using)
        self.sql, params = self.compiler.as_sql()
        self.params = tuple(params)
        self.slots = [markers.get(value) if type(value) is int else None for value in params]
        if sorted(slot for slot in self.slots if slot is not None) != list(range(count)):
            raise ValueError("each key must be one value of the query, once")
        self.populators = None


class _Text:
    """What Django's debug log reads of a query that ran (psycopg's ``PostgresQuery.query``)."""

    def __init__(self, query):
        self.query = query
