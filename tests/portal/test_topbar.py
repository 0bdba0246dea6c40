"""The back office's top bar (portal.topbar) writes what the layout's template wrote: the role and scope, the inbox
with its unread count (marked as the current page in the inbox), the language switch, the user's menu with the
log-out form; in both languages, for users of each kind of scope.  The two are compared with the spaces between
tags and the (randomly masked) form tokens left aside."""

import re

import pytest
from django.conf import settings
from django.template import engines
from django.test import RequestFactory
from django.urls import resolve, reverse
from django.utils import translation

from portal.context_processors import unread_count
from portal.models import Role
from portal.topbar import topbar_html
from tests.factories import UserFactory

#: The language switch as templates/layouts/_language.html wrote it (both layouts included it).
LANGUAGE = """{% load i18n %}{% get_current_language as CURRENT_LANGUAGE %}
<form class="language-switch {{ classes }}" method="post" action="{% url 'set_language' %}">
  {% csrf_token %}
  <input type="hidden" name="next" value="{{ request.get_full_path }}">
  <div class="btn-group btn-group-sm" role="group" aria-label="{% translate 'Language' %}">
    {% get_available_languages as AVAILABLE_LANGUAGES %}
    {% for code, name in AVAILABLE_LANGUAGES %}{% get_language_info for code as info %}
      <button type="submit" name="language" value="{{ code }}" lang="{{ code }}"
              class="btn {% if code == CURRENT_LANGUAGE %}btn-light{% else %}btn-outline-light{% endif %}"
              {% if code == CURRENT_LANGUAGE %}aria-pressed="true"{% endif %}>{{ info.name_local }}</button>
    {% endfor %}
  </div>
</form>"""

#: The top bar as templates/layouts/backoffice.html wrote it.
TEMPLATE = """{% load i18n %}<header class="portal-topbar navbar navbar-dark bg-primary">
  <div class="container-fluid">
    <button class="btn btn-outline-light btn-sm d-lg-none me-2" type="button" id="sidebar-toggle"
            data-bs-toggle="offcanvas" data-bs-target="#sidebar" aria-controls="sidebar"
            aria-label="{% translate 'Show or hide the menu' %}"><span class="navbar-toggler-icon"></span></button>
    <a class="navbar-brand me-auto" href="{% url 'review:workspace' %}">{{ PORTAL_NAME }}</a>
    <div class="topbar-tools d-flex flex-wrap align-items-center gap-2 gap-lg-3">
      <span class="topbar-scope small d-none d-md-inline" id="user-scope">{{ user.get_role_display|capfirst }}{% with scope=user.scope_name %}{% if scope %} · {{ scope }}{% endif %}{% endwith %}</span>
      <a class="topbar-link" href="{% url 'notices:inbox' %}" id="inbox-link"{% if request.resolver_match.view_name == "notices:inbox" %} aria-current="page"{% endif %}>{% translate "Inbox" %}{% with n=unread_count %}{% if n %} <span class="badge rounded-pill text-bg-danger" id="unread-count">{{ n }}</span>{% endif %}{% endwith %}</a>
      {% with classes="" %}{% include language %}{% endwith %}
      <div class="dropdown">
        <a class="topbar-link dropdown-toggle" href="#" id="user-menu" role="button" data-bs-toggle="dropdown" aria-expanded="false">{{ user.display_name }}</a>
        <ul class="dropdown-menu dropdown-menu-end" aria-labelledby="user-menu">
          <li><span class="dropdown-item-text small text-body-secondary">{{ user.get_role_display|capfirst }}{% with scope=user.scope_name %}{% if scope %} · {{ scope }}{% endif %}{% endwith %}</span></li>
          <li><a class="dropdown-item" href="{% url 'password_change' %}">{% translate "Change password" %}</a></li>
                <li><a class="dropdown-item" href="{% url 'two_factor:profile' %}">{% translate "Login security" %}</a></li>
          <li><hr class="dropdown-divider"></li>
          <li>
            <form method="post" action="{% url 'logout' %}">
              {% csrf_token %}
              <button type="submit" class="dropdown-item">{% translate "Log out" %}</button>
            </form>
          </li>
        </ul>
      </div>
    </div>
  </div>
</header>
"""


def _same(html):
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value=""', str(html))
    return re.sub(r"\s+>", ">", re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html))).strip()


def _request(user, path):
    request = RequestFactory().get(path)
    request.user, request.resolver_match = user, resolve(path.split("?")[0])
    return request


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("path", ["/staff/applications/?state=decision&q=%E4%BA%BA", "/notices/"])
def test_the_top_bar_is_the_templates(seeded, language, path):
    from applications.models import Programme

    authority = Programme.objects.first().authority
    users = [UserFactory(role=Role.STAFF, authority=authority, full_name="张<三>"),
             UserFactory(role=Role.ADMIN, full_name=""),
             UserFactory(role=Role.DISTRICT, district=authority.districts.first())]
    template = engines["django"].from_string(TEMPLATE)
    language_template = engines["django"].from_string(LANGUAGE).template
    for user in users:
        for unread in (0, 3):
            request = _request(user, path if path != "/notices/" else reverse("notices:inbox"))
            with translation.override(language):
                expected = template.render({"user": user, "request": request, "unread_count": unread,
                                            "language": language_template,
                                            "PORTAL_NAME": settings.PORTAL_NAME}, request)
                written = topbar_html(request, unread)
            assert _same(written) == _same(expected)
            assert ('aria-current="page"' in written) == (request.resolver_match.view_name == "notices:inbox")


def test_the_unread_count_is_the_users(seeded):
    user = UserFactory(role=Role.ADMIN)
    html = topbar_html(_request(user, "/staff/applications/"), unread_count(user))
    assert 'id="unread-count"' not in html and 'id="user-menu"' in html


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_public_layouts_language_switch_is_the_templates_with_or_without_a_request(language):
    """The public layout's switch is the top bar's: as the template wrote it, and on a page rendered without a
    request (Django's 400 page) without the token and the way back, as the template gave."""
    template = engines["django"].from_string(LANGUAGE)
    tag = engines["django"].from_string('{% load portal_tags %}{% language_switch classes="ms-lg-2 mb-2" %}')
    request = RequestFactory().get("/directory/?q=%E4%BA%BA&page=2")
    with translation.override(language):
        assert _same(tag.render({"request": request}, request)) == _same(
            template.render({"classes": "ms-lg-2 mb-2"}, request))
        bare = tag.render({})
        assert _same(bare) == _same(template.render({"classes": "ms-lg-2 mb-2"}))
    assert 'name="next" value="/directory/?q=%E4%BA%BA&amp;page=2"' in tag.render({"request": request}, request)
    assert "csrfmiddlewaretoken" not in bare
