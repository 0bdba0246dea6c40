"""The addresses of many rows of one view (a list's links), reversed once per page rather than once per row: a
``reverse`` costs about as much as the rest of a row's cells."""

from django.urls import reverse

#: A number no primary key reaches, put in the reversed address and then replaced by each row's key.
_PLACEHOLDER = 987654321987654321


def per_key(view_name):
    """A function of a primary key giving the address of ``view_name`` (a view taking one key) for it, the same
    as ``reverse(view_name, args=[pk])``."""
    template, placeholder = reverse(view_name, args=[_PLACEHOLDER]), str(_PLACEHOLDER)
    return lambda pk: template.replace(placeholder, str(pk))
