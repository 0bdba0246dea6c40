"""portal.formhtml: the list pages' rows and menus written without Django's per-call wrappers give exactly what
``format_html_join`` gives, for any text (escaped) and any HTML (kept)."""

import pytest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy
from hypothesis import given
from hypothesis import strategies as st

from portal.formhtml import escaped, html_join, options

CELL = st.one_of(st.text(), st.integers(), st.none(), st.text().map(lambda text: format_html("<b>{}</b>", text)))


@pytest.mark.sqlite
@given(st.lists(st.tuples(CELL, CELL, CELL), max_size=5))
def test_html_join_is_format_html_join(rows):
    template = '<tr data-x="{}"><td>{}</td><td>{}</td></tr>'
    joined = html_join("\n", template, rows)
    assert joined == format_html_join("\n", template, rows) and isinstance(joined, SafeString)


@pytest.mark.sqlite
def test_escaped_text_and_kept_html():
    assert escaped('<a href="x">&\'') == "&lt;a href=&quot;x&quot;&gt;&amp;&#x27;"
    assert escaped(format_html("<i>{}</i>", "<")) == "<i>&lt;</i>"
    assert escaped(gettext_lazy("Search")) == "Search" and escaped(7) == "7"


@pytest.mark.sqlite
def test_options_select_the_chosen_value_and_escape_the_labels():
    html = options([("", "全部"), ("2", "<苏州>"), ("3", "威海")], "2")
    assert html == ('<option value="">全部</option><option value="2" selected>&lt;苏州&gt;</option>'
                    '<option value="3">威海</option>')
