"""The back office's top bar (``templates/layouts/backoffice.html``), written here rather than by the layout's
template: the user's role and scope, the inbox with its unread count, the language switch and the user's menu.
Every back-office page shows it, and its template's nodes (a dozen addresses, translations and a form with its
token) cost about as much as the rest of a short page.  The markup is the one the template had.  The language
switch (:func:`language_switch`) is also the public layout's (``{% language_switch %}``, portal_tags)."""

import functools

from django.conf import settings
from django.middleware.csrf import get_token
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _

from .formhtml import html_join
from .menu import CURRENT

BAR = """<header class="portal-topbar navbar navbar-dark bg-primary">
  <div class="container-fluid">
    <button class="btn btn-outline-light btn-sm d-lg-none me-2" type="button" id="sidebar-toggle" data-bs-toggle="offcanvas" data-bs-target="#sidebar" aria-controls="sidebar" aria-label="{toggle}"><span class="navbar-toggler-icon"></span></button>
    <a class="navbar-brand me-auto" href="{workspace}">{portal}</a>
    <div class="topbar-tools d-flex flex-wrap align-items-center gap-2 gap-lg-3">
      <span class="topbar-scope small d-none d-md-inline" id="user-scope">{who}</span>
      <a class="topbar-link" href="{inbox}" id="inbox-link"{inbox_current}>{inbox_label}{unread}</a>
      {language}
      <div class="dropdown">
        <a class="topbar-link dropdown-toggle" href="#" id="user-menu" role="button" data-bs-toggle="dropdown" aria-expanded="false">{name}</a>
        <ul class="dropdown-menu dropdown-menu-end" aria-labelledby="user-menu">
          <li><span class="dropdown-item-text small text-body-secondary">{who}</span></li>
          <li><a class="dropdown-item" href="{password}">{password_label}</a></li>
          <li><a class="dropdown-item" href="{security}">{security_label}</a></li>
          <li><hr class="dropdown-divider"></li>
          <li>
            <form method="post" action="{logout}">
              <input type="hidden" name="csrfmiddlewaretoken" value="{token}">
              <button type="submit" class="dropdown-item">{logout_label}</button>
            </form>
          </li>
        </ul>
      </div>
    </div>
  </div>
</header>"""

LANGUAGE = """<form class="language-switch {classes}" method="post" action="{action}">
  {token}
  <input type="hidden" name="next" value="{next}">
  <div class="btn-group btn-group-sm" role="group" aria-label="{label}">{buttons}</div>
</form>"""

BUTTON = ('<button type="submit" name="language" value="{}" lang="{}" class="btn {}"{}>{}</button>')
TOKEN = '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
PRESSED = mark_safe(' aria-pressed="true"')


@functools.cache
def _addresses(prefix):
    """The top bar's addresses (under the script prefix ``prefix``), reversed once."""
    return {name: reverse(name) for name in ("set_language", "review:workspace", "notices:inbox", "password_change",
                                             "two_factor:profile", "logout")}


def language_switch(request, token=None, classes=""):
    """The language switch of both layouts: a form posting to ``set_language`` the language chosen and the page to
    come back to.  ``request`` None (a page rendered without one, e.g. Django's 400 page): without the form's token
    and the way back, as a template's ``{% csrf_token %}`` and ``request.get_full_path`` gave nothing there."""
    if request is not None and token is None:
        token = get_token(request)
    current = get_language()
    buttons = html_join("", BUTTON, (
        (code, code, "btn-light" if code == current else "btn-outline-light",
          PRESSED if code == current else "", get_language_info(code)["name_local"])
        for code, _name in settings.LANGUAGES))
    return format_html(LANGUAGE, classes=classes, action=_addresses(get_script_prefix())["set_language"],
                       token=format_html(TOKEN, token) if token else "",
                       next=request.get_full_path() if request is not None else "", label=_("Language"), buttons=buttons)


def topbar_html(request, unread):
    """The top bar of ``request.user``'s back-office pages; ``unread``: their unread notices."""
    user = request.user
    scope = user.scope_name
    who = capfirst(user.get_role_display()) + (f" · {scope}" if scope else "")
    match = request.resolver_match
    address = _addresses(get_script_prefix())
    token = get_token(request)
    return format_html(
        BAR, toggle=_("Show or hide the menu"), workspace=address["review:workspace"], portal=settings.PORTAL_NAME,
        who=who, inbox=address["notices:inbox"],
        inbox_current=CURRENT if match and match.view_name == "notices:inbox" else "",
        inbox_label=_("Inbox"),
        unread=format_html(' <span class="badge rounded-pill text-bg-danger" id="unread-count">{}</span>', unread)
        if unread else "",
        language=language_switch(request, token), name=user.display_name, password=address["password_change"],
        password_label=_("Change password"), security=address["two_factor:profile"],
        security_label=_("Login security"), logout=address["logout"], token=token, logout_label=_("Log out"))
