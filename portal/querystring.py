"""The guard in front of every page that reads ``request.GET``.

A query string with a control character (NUL, the C0 and C1 controls, DEL) in a key or a value is never
something a form of the portal sends: a search box or a filter receives it only from a hand-made or
hostile address (``/directory/?q=%00``), and PostgreSQL refuses a NUL in a query.  Such a request is
answered 400 with the portal's own error page before any view reads it.  What remains (unknown values,
``?page=abc``, invalid dates, overlong text) is the forms' and the paginators' to refuse.
"""

import unicodedata

from django.http import HttpResponseBadRequest
from django.template.loader import render_to_string


def has_control_character(text: str) -> bool:
    return any(unicodedata.category(character) == "Cc" for character in text)


def hostile_query(query) -> bool:
    """Whether a key or a value of the query (a ``QueryDict``, as Django decoded it) holds a control character."""
    return any(has_control_character(key) or any(has_control_character(value) for value in values)
               for key, values in query.lists())


class QueryStringGuardMiddleware:
    """Answers 400 (templates/400.html) to a query string with a control character."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if hostile_query(request.GET):
            return HttpResponseBadRequest(render_to_string("400.html", request=request))
        return self.get_response(request)
