"""The controls of the list pages' filter forms, written as HTML here rather than by the form widgets'
templates: a widget-rendered form costs a template (and for a menu, an included template per option) for
each control, more than the rest of a list page.  The markup is what the widgets (and crispy-forms' field
wrapper, :func:`field_block`) give, so the pages and their tests see the same form.

Used by the staff list (``review.views.lists``) and the public directory (``review.views.directory``), which
also write their tables' rows with :func:`html_join`."""

from html import escape

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


def escaped(value):
    """``value`` as HTML, as ``conditional_escape`` gives it: HTML already (``__html__``) as it is, anything else
    as text, escaped as Django escapes it.  Without Django's wrappers around each call, which on a page of some
    hundreds of cells and options cost more than the escaping."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return escape(str(value))


def html_join(separator, template, rows):
    """What ``format_html_join(separator, template, rows)`` gives (each row a tuple of ``template``'s ``{}``), for
    the many rows of a table or a menu."""
    return mark_safe(separator.join(template.format(*map(escaped, row)) for row in rows))


def options(choices, chosen):
    """The ``<option>`` elements of ``choices`` (``(value, label)``, values as text), ``chosen`` selected."""
    return html_join("", '<option value="{}"{}>{}</option>',
                     ((value, SELECTED if value == chosen else "", label) for value, label in choices))


SELECTED = mark_safe(" selected")


def chosen(field):
    """The value of the bound ``field`` as a menu compares it (``""`` when none)."""
    value = field.value()
    return "" if value is None else str(value)


def text_input(field, kind, css="form-control", **attrs):
    """``<input type=kind>`` for the bound ``field``, with its value and ``attrs`` (those with a value)."""
    value = field.value()
    extra = format_html_join("", ' {}="{}"', ((name, value) for name, value in attrs.items() if value))
    return format_html('<input type="{}" name="{}" id="{}" value="{}" class="{}{}"{}>', kind, field.html_name,
                       field.id_for_label, "" if value is None else value, css, " is-invalid" if field.errors else "",
                       extra)


def select(field, options_html, css="form-select"):
    """``<select>`` for the bound ``field`` around ``options_html`` (see :func:`options`)."""
    return format_html('<select name="{}" id="{}" class="{}{}">{}</select>', field.html_name, field.id_for_label,
                       css, " is-invalid" if field.errors else "", options_html)


def field_block(field, control):
    """One filter with its label and errors around ``control``, as crispy-forms' Bootstrap 5 wrapper writes it."""
    errors = format_html_join("", '<div class="invalid-feedback"><strong>{}</strong></div>', ((e,) for e in field.errors))
    return format_html('<div id="div_{}" class="mb-3"><label for="{}" class="form-label">{}</label>\n{}\n{}</div>',
                       field.id_for_label, field.id_for_label, field.label, control, errors)
