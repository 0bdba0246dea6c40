"""Hypothesis feeds random and malformed values into every form and every query string of the portal, as each
role sees it: the answer is always a page (with a message when the input is refused) or a redirect, never a
5xx.

Nothing here names a page or a form: the pages are every URL pattern of the resolver (the admin aside), their
parameters filled from the data of tests/browser/pages.py (``seed``: a draft, applications at every review
stage, a publicity batch with an objection, a filed consortium …), visited by the public and by each role;
the forms are those the pages hold, read as a browser reads them (lxml).  So a new page or form is fuzzed
without touching this file.

Bounded for CI: a derandomized profile (repeatable runs, no example database), a few examples per query
string and per form.  ``FUZZ_PROFILE=explore`` runs random examples, more of them; ``FUZZ_TRACE=1`` prints
each page reached (with ``-s``), to see where the time goes.
"""

import os
import re
import sys
import time
from urllib.parse import urlencode, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html
from two_factor.plugins.registry import registry

from applications.certificates import verification_code
from applications.models import Application
from applications.selectors import visible_applications
from portal.login_views import LoginView, SetupView
from tests.browser.pages import seed, visits

settings.register_profile("ci", derandomize=True, database=None, deadline=None, max_examples=4,
                          suppress_health_check=list(HealthCheck), print_blob=False)
settings.register_profile("explore", deadline=None, max_examples=40, suppress_health_check=list(HealthCheck))
PROFILE = settings.get_profile(os.environ.get("FUZZ_PROFILE", "ci"))
QUERY_EXAMPLES = PROFILE.max_examples
FORM_EXAMPLES = 2 * PROFILE.max_examples

#: Never fuzzed: the admin (Django's own), and logging out (it would end the session being fuzzed).
SKIPPED_NAMESPACES = {"admin"}
SKIPPED_NAMES = {"logout"}
#: Answers that are a page or a redirect (never a 5xx).
ANSWERS = {200, 204, 301, 302, 303, 400, 403, 404, 405, 409, 410}
#: What a page that refuses input shows: a field's error, a form's error list, a message, the 400 page.
#: The steps of the portal's multi-step forms (django-two-factor-auth's login and enrolment wizards; the method's
#: own step, e.g. "generator", and the enrolment's "validation" are added by the wizard as it goes).
WIZARD_STEPS = ({step for view in (LoginView, SetupView) for step, _form in view.form_list}
                | {method.code for method in registry.get_methods()} | {"validation"})
REFUSAL = re.compile(r'errorlist|invalid-feedback|is-invalid|class="alert|id="bad-request"|role="alert"')

NASTY = ["\x00", "a\x00b", "\x1b[31m", "\u202e\u202dRTL", "😀🀄\U0010ffff", "x" * 5000, "长" * 3000, "-1", "0",
         "99999999999999999999999", "1e309", "NaN", "-inf", "2026-02-30", "0000-00-00", "9999-99-99", "２０２６-０１-０１",
         "<script>alert(1)</script>", "' OR 1=1 --", "%00", "../../etc/passwd", " ", "\r\n", "=1+1", "true", "[]"]
SCALARS = st.one_of(st.sampled_from(NASTY), st.text(max_size=40), st.integers(-2 ** 70, 2 ** 70).map(str),
                    st.dates().map(str), st.floats().map(str))
QUERY_KEYS = ["q", "page", "o", "state", "programme", "field", "year", "status", "district", "a", "b", "kind",
              "period", "from", "to", "next", "sort", "format"]


# --- the pages -----------------------------------------------------------------------------------------

def url_patterns(patterns=None, prefix="", namespace=""):
    """``(name, route, converters)`` of every URL pattern outside the admin."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in SKIPPED_NAMESPACES:
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_patterns(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern) and pattern.name and pattern.name not in SKIPPED_NAMES:
            yield f"{namespace}{pattern.name}", prefix + str(pattern.pattern), pattern.pattern.converters


def parameter_values(data, user):
    """What each URL parameter may be for ``user``: the seed's objects of that kind, the user's own first."""
    seen = [a.pk for a in (data.draft, data.district, data.formal, data.experts, data.decision, data.publicity,
                           data.returned, data.filed, data.resubmitted)]
    visible = set(visible_applications(user).values_list("pk", flat=True)) if user else set()
    entry, filed = data.entry, data.filed
    number = filed.certificate_number
    return {
        "pk": [pk for pk in seen if pk in visible] or [filed.pk], "application_id": [filed.pk],
        "batch_id": [entry.batch_id], "entry_id": [entry.pk], "objection_id": [data.objection.pk],
        "assignment_id": [data.experts.assignments.first().pk], "number": [number],
        "code": [verification_code(number), "weihai-2026"],
        "note_id": [n.pk for n in user.notifications.all()[:1]] if user else [], "user_id": [user.pk] if user else [],
    }


def page_urls(data, user):
    """``(name, [URL, …])`` of every page, its parameters filled with each combination of the candidates."""
    values = parameter_values(data, user)
    for name, _route, converters in url_patterns():
        combos = [{}]
        for param in converters:
            combos = [dict(c, **{param: v}) for c in combos for v in (values.get(param) or [1])]
        urls = []
        for kwargs in combos:
            try:
                urls.append(reverse(name, kwargs=kwargs))
            except NoReverseMatch:  # a value the converter refuses: not a page
                continue
        yield name, urls


# --- the forms -----------------------------------------------------------------------------------------

def forms_of(response, url):
    """``(method, action, fields, multipart)`` of each form of an HTML page; ``fields`` maps each name to its
    offered values (the current value first, the options of a select or a radio group)."""
    if "text/html" not in response.get("Content-Type", "") or not response.content.strip():
        return []
    document = html.fromstring(response.content, base_url=f"http://testserver{url}")
    found = []
    for form in document.forms:
        fields = {}
        for element in form.inputs:
            name = element.get("name")
            if not name:
                continue
            offered = fields.setdefault(name, [])
            if element.tag == "select":
                offered.extend(o.get("value", o.text_content()) for o in element.findall(".//option"))
            elif element.get("type") == "file":
                offered.append(FileField)
            else:
                offered.append(element.get("value") or element.text_content() or "")
        action = urlsplit(form.action or f"http://testserver{url}")
        found.append(((form.method or "GET").upper(), action.path or url, fields,
                      (form.get("enctype") or "").lower() == "multipart/form-data"))
    return found


class FileField:
    """A file input: fuzzed with random bytes under a random name."""


def field_strategy(offered):
    if FileField in offered:
        return st.builds(lambda name, data: SimpleUploadedFile(name or "x", data),
                         st.sampled_from(["a.pdf", "a.xlsx", "..\\x.exe", "长名" * 80 + ".pdf", "\x00.pdf", ""]),
                         st.binary(max_size=300))
    scalar = st.one_of(st.sampled_from([v for v in offered if v is not None] or [""]), SCALARS)
    return st.one_of(scalar, st.lists(scalar, min_size=2, max_size=3), st.none())


@st.composite
def form_data(draw, fields):
    """The form as the page offers it, with up to eight of its fields replaced, repeated or left out."""
    data = {name: offered[0] for name, offered in fields.items() if offered and offered[0] is not FileField}
    fuzzed = sorted(set(fields) - {"csrfmiddlewaretoken"})  # the token is sent as a browser sends it
    for name in draw(st.lists(st.sampled_from(fuzzed), max_size=8, unique=True)) if fuzzed else []:
        value = draw(field_strategy(fields[name]))
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def query_data(fields):
    keys = st.sampled_from(sorted(set(QUERY_KEYS) | set(fields))) | st.text(min_size=1, max_size=8)
    return st.dictionaries(keys, SCALARS | st.lists(SCALARS, min_size=2, max_size=3), max_size=5)


# --- the checks ----------------------------------------------------------------------------------------

def check_answer(response, what):
    assert response.status_code < 500 and response.status_code in ANSWERS, (what, response.status_code)


def _next_wizard_step(page, data):
    """Whether the page is a wizard's next step: a multi-step form (its ``<prefix>-current_step``) that moved on
    from the step posted, which is progress, not a refusal."""
    posted = {key: value for key, value in data.items() if key.endswith("-current_step")}
    for key, value in posted.items():
        shown = re.search(rf'name="{re.escape(key)}" value="([^"]*)"', page)
        if shown and value in WIZARD_STEPS and shown.group(1) in WIZARD_STEPS and shown.group(1) != value:
            return True
    return False


def check_refused_with_message(response, what, data=None):
    """A form answered with a page (not a redirect) is a whole page that says why (an error or a message), or a
    wizard's next step."""
    check_answer(response, what)
    if response.status_code in (200, 400) and "text/html" in response.get("Content-Type", ""):
        page = response.content.decode()
        assert "</html>" in page and (REFUSAL.search(page) or _next_wizard_step(page, data or {})), (
            what, "a page without a message")


def fuzz_query(client, url, fields):
    @settings(parent=PROFILE, max_examples=QUERY_EXAMPLES)
    @given(query=query_data(fields), raw=st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126),
                                                max_size=30))
    def run(query, raw):
        if raw:  # as typed into the address bar
            check_answer(client.get(f"{url}?{raw}"), f"GET {url}?{raw}")
        else:
            check_answer(client.get(url, query), f"GET {url}?{urlencode(query, doseq=True)}")

    run()


def fuzz_form(client, method, action, fields, multipart):
    @settings(parent=PROFILE, max_examples=FORM_EXAMPLES)
    @given(data=form_data(fields))
    def run(data):
        if method == "POST":
            if not multipart:  # a browser sends no file through a form without multipart/form-data
                data = {k: v for k, v in data.items() if not isinstance(v, SimpleUploadedFile)}
            check_refused_with_message(client.post(action, data), f"POST {action} {data!r:.300}", data)
        else:
            check_answer(client.get(action, {k: v for k, v in data.items() if isinstance(v, str | list)}),
                         f"GET {action}")

    run()


@pytest.fixture
def world(seeded):
    return seed()


def _users(data):
    seen, users = set(), [None]
    for visit in visits(data):
        if visit.user is not None and visit.user.pk not in seen:
            seen.add(visit.user.pk)
            users.append(visit.user)
    return users


@pytest.mark.django_db
def test_every_page_form_and_query_string_of_every_role_answers_without_a_server_error(world):
    """Each user GETs every page (with each of its objects until one answers 200); the first time a page
    answers 200 its query string is fuzzed, and so is each of its forms not fuzzed yet."""
    fuzzed_queries, fuzzed_forms, pages = set(), set(), 0
    for user in _users(world):
        client = Client()
        if user is not None:
            client.force_login(user)
        for name, urls in page_urls(world, user):
            for url in urls:
                response = client.get(url)
                check_answer(response, f"GET {url} as {user}")
                pages += 1
                if response.status_code == 200:
                    break
            else:
                continue
            page_forms = forms_of(response, url)
            if os.environ.get("FUZZ_TRACE"):
                print(f"{time.monotonic():.1f}", user and user.role, url, len(page_forms), file=sys.stderr, flush=True)
            if name not in fuzzed_queries:
                fuzzed_queries.add(name)
                fuzz_query(client, url, {f for _m, _a, fields, _mp in page_forms for f in fields})
            for method, action, fields, multipart in page_forms:
                key = (method, re.sub(r"\d+", "N", action), tuple(sorted(fields)))
                if key not in fuzzed_forms:
                    fuzzed_forms.add(key)
                    fuzz_form(client, method, action, fields, multipart)
        assert Application.objects.exists()
    # The run reached the portal's pages and forms (a broken seed or resolver walk would fuzz nothing).
    assert pages > 100 and len(fuzzed_queries) > 30 and len(fuzzed_forms) > 25, (pages, fuzzed_queries, fuzzed_forms)
