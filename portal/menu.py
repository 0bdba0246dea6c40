"""The back office's sidebar, held as data.

District reviewers, programme staff, experts and administrators work in the back-office layout
(``templates/layouts/backoffice.html``): a top bar with the user and a left sidebar listing the
work their role can reach.  The sidebar is built from the entries registered here, so an app adds
its pages by registering entries (in its ``AppConfig.ready``), never by editing a template:

    from portal.menu import Entry, Section, register, register_section

    register_section(Section("supervision", gettext_lazy("Supervision"), order=40))
    register(Entry("supervision.reports", gettext_lazy("Annual reports"), "supervision:report_list",
                   section="supervision", roles={Role.STAFF}, also=("supervision:report_detail",)))

An entry is shown when the user's role is among its ``roles`` (any back-office role when empty),
the user holds its ``permission`` (admin pages: checked only for users who may enter the admin),
and its ``when`` (a function of the user) holds.  The entry of the current page is marked: the one
whose view and query parameters match the request (the most parameters first), else the one that
names the current view in ``also`` (e.g. an application's formal review marks "awaiting formal
review").  The portal app imports nothing from the apps above it: they register here.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .backends import RolePermissionBackend
from .models import Role

#: The roles that work in the back office; applicants and the public keep the simple top navigation.
BACKOFFICE_ROLES = frozenset({Role.DISTRICT, Role.STAFF, Role.EXPERT, Role.EVALUATOR, Role.REGISTRAR, Role.ADMIN})


def is_backoffice(user) -> bool:
    """Whether ``user`` works in the back-office layout (a signed-in reviewer, expert or administrator)."""
    return bool(user is not None and user.is_authenticated
                and (getattr(user, "role", None) in BACKOFFICE_ROLES or user.is_superuser))


def _has_perm(user, permission):
    """Whether ``user`` holds ``permission`` (they open admin pages, so only those who may enter the admin are
    asked).  The role's permissions first: they cost no query, where ModelBackend reads two tables."""
    if not user.is_staff:
        return False
    return permission in RolePermissionBackend().get_all_permissions(user) or user.has_perm(permission)


@dataclass(frozen=True)
class Section:
    key: str
    label: str  # lazily translated
    order: int = 100
    folded: bool = False  # shown folded (its heading opens it) unless it holds the current page


@dataclass(frozen=True)
class Entry:
    key: str  # unique; the sidebar link's id is ``menu-<key>`` with dots as dashes
    label: str  # lazily translated
    url_name: str
    section: str
    order: int = 100
    roles: frozenset = frozenset()  # empty: every back-office role
    permission: str = ""  # a Django permission (for admin pages)
    query: tuple = ()  # ((name, value), …) added to the URL, e.g. (("state", "formal_review"),)
    also: tuple = ()  # view names ("app:name") of pages this entry stands for
    when: Callable | None = None  # a further condition on the user

    @property
    def element_id(self):
        return "menu-" + self.key.replace(".", "-").replace("_", "-")

    def visible_to(self, user) -> bool:
        if self.roles and user.role not in self.roles and not (user.is_superuser and Role.ADMIN in self.roles):
            return False
        if self.permission and not _has_perm(user, self.permission):
            return False
        return self.when is None or bool(self.when(user))

    def url(self):
        return _url(self.url_name, self.query, get_script_prefix())


@functools.lru_cache(maxsize=1024)
def _url(url_name, query, script_prefix):
    """An entry's address, reversed once per URL name, query and script prefix: the sidebar lists some thirty on
    every back-office page, and ``reverse`` costs about as much as the rest of the sidebar."""
    path = reverse(url_name)
    return f"{path}?{urlencode(query)}" if query else path


@receiver(setting_changed)
def _forget_urls(setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _url.cache_clear()


_sections: dict[str, Section] = {}
_entries: dict[str, Entry] = {}


def register_section(*sections: Section):
    for section in sections:
        _sections[section.key] = section
    _sidebars.clear()


def register(*entries: Entry):
    """Add entries to the sidebar (an entry registered again under the same key replaces the earlier one)."""
    for entry in entries:
        if entry.section not in _sections:
            raise ValueError(f"menu entry {entry.key!r}: unknown section {entry.section!r}")
        _entries[entry.key] = entry
    _sidebars.clear()


def unregister(*keys: str):
    """Take entries out of the sidebar (e.g. an app switched off, or a test's own entries)."""
    for key in keys:
        _entries.pop(key, None)
    _sidebars.clear()


def entries():
    return list(_entries.values())


@dataclass
class Item:
    entry: Entry
    url: str
    current: bool = False

    @property
    def label(self):
        return self.entry.label

    @property
    def element_id(self):
        return self.entry.element_id


@dataclass
class Group:
    section: Section
    items: list = field(default_factory=list)

    @property
    def element_id(self):
        return "menu-section-" + self.section.key.replace(".", "-").replace("_", "-")

    @property
    def folded(self):
        return self.section.folded and not any(item.current for item in self.items)


def _current(items, request):
    """The item of the page being shown: its view with the entry's query parameters (most first), else ``also``."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return None
    view = match.view_name
    same_view = [item for item in items if item.entry.url_name == view
                 and all(request.GET.get(name) == str(value) for name, value in item.entry.query)]
    if same_view:
        return max(same_view, key=lambda item: len(item.entry.query))
    return next((item for item in items if view in item.entry.also), None)


def menu_for(request):
    """The sidebar of ``request.user``: [Group(section, [Item(entry, url, current)])], sections in order."""
    user = request.user
    if not is_backoffice(user):
        return []
    items = []
    for entry in sorted(_entries.values(), key=lambda e: (e.order, e.key)):
        if entry.visible_to(user):
            items.append(Item(entry, entry.url()))  # a misspelt URL name fails loudly, on every page
    current = _current(items, request)
    if current is not None:
        current.current = True
    groups = {key: Group(section) for key, section in _sections.items()}
    for item in items:
        groups[item.entry.section].items.append(item)
    return [group for group in sorted(groups.values(), key=lambda g: (g.section.order, g.section.key)) if group.items]


def sidebar_html(request):
    """The sidebar's sections and links (``menu_for``), written here rather than by the layout's template, and
    kept per language and what it shows (the entries, their addresses, the current one): the markup is a
    function of those alone, so a kept copy is never out of date.  Writing it (a template loop, or
    ``format_html`` with its escaping of each lazily translated label) cost about a millisecond on every
    back-office page.  The markup is the one the template had: a folded section's heading is a button that
    opens it."""
    groups = menu_for(request)
    key = (get_language(), tuple((group.section.key, tuple((item.entry.key, item.url, item.current)
                                                         for item in group.items)) for group in groups))
    html = _sidebars.get(key)
    if html is None:
        if len(_sidebars) >= SIDEBARS_KEPT:
            _sidebars.clear()
        html = _sidebars[key] = format_html_join("\n", "{}", ((_group_html(group),) for group in groups))
    return html


#: The sidebars written (see ``sidebar_html``), at most ``SIDEBARS_KEPT``; emptied when entries change.
_sidebars = {}
SIDEBARS_KEPT = 1000


def _group_html(group):
    section, element_id = group.section, group.element_id
    label = capfirst(str(section.label))
    if section.folded:
        heading = format_html(
            '<h3 class="sidebar-heading"><button class="sidebar-fold{}" type="button" id="{}" data-bs-toggle="collapse"'
            ' data-bs-target="#{}-items" aria-controls="{}-items" aria-expanded="{}">{}</button></h3>',
            " collapsed" if group.folded else "", element_id, element_id, element_id,
            "false" if group.folded else "true", label)
        classes = "nav flex-column collapse" + ("" if group.folded else " show")
    else:
        heading = format_html('<h3 class="sidebar-heading" id="{}">{}</h3>', element_id, label)
        classes = "nav flex-column"
    links = format_html_join("", '<li class="nav-item"><a class="nav-link{}" id="{}" href="{}"{}>{}</a></li>', (
        (" active" if item.current else "", item.element_id, item.url,
         CURRENT if item.current else "", capfirst(str(item.label)))
        for item in group.items))
    return format_html('{}<ul class="{}" id="{}-items" aria-labelledby="{}">{}</ul>', heading, classes, element_id,
                       element_id, links)


#: The attribute of the current page's link.
CURRENT = mark_safe(' aria-current="page"')


# --- the portal's own sections and entries -------------------------------------------------------------
# The apps above add theirs between these (orders 20-70): review's stage lists, decisions, publicity and
# filing, the experts' evaluations; their configuration pages go under "configuration".

WORK, CONFIGURATION, PUBLIC = "work", "configuration", "public"

register_section(Section(WORK, _("My work"), order=10),
                 Section(CONFIGURATION, _("Configuration"), order=80, folded=True),
                 Section(PUBLIC, _("Public information"), order=90, folded=True))
register(Entry("portal.admin", _("Administration"), "admin:index", section=CONFIGURATION, order=90,
               when=lambda user: user.is_staff))
