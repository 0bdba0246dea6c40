"""The statements prepared on the test's database connection (portal.statements)."""

from django.db import connection


def prepared_statements(prefix, containing=""):
    """``{statement: times run}`` of the statements prepared on this connection whose text starts with ``prefix``
    (and holds ``containing``)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements "
                       "WHERE starts_with(statement, %s) AND strpos(statement, %s) > 0", [prefix, containing])
        return dict(cursor.fetchall())


def runs_since(before, prefix, containing=""):
    """``{statement: runs}`` of those statements run since ``before`` was read."""
    return {text: n - before.get(text, 0) for text, n in prepared_statements(prefix, containing).items()
            if n != before.get(text)}
