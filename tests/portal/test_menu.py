"""The back office's sidebar as data (portal.menu): who sees which entry, which entry is current, how an
app registers its own, and which layout each user gets (issue 9, "Reviewers and staff")."""

import re

import pytest
from django.urls import reverse
from django.utils.translation import gettext_lazy

from applications.states import State
from portal import menu
from portal.models import Role
from tests.factories import UserFactory
from tests.review_factories import admin_user, district_of, make_application, programme, staff_user

pytestmark = pytest.mark.django_db


def sidebar(client, user, url):
    """The ids of the sidebar's links on ``url`` as ``user``, and those marked aria-current."""
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    html = response.content.decode()
    nav = re.search(r'<nav class="sidebar-nav".*?</nav>', html, re.S)
    if nav is None:
        return None, None, html
    links = re.findall(r'<a class="nav-link[^"]*" id="(menu-[\w-]+)" href="([^"]+)"([^>]*)>', nav.group(0))
    ids = [link_id for link_id, _href, _rest in links]
    current = [link_id for link_id, _href, rest in links if 'aria-current="page"' in rest]
    return ids, current, html


def state_id(state):
    return f"menu-review-state-{state.replace('_', '-')}"


@pytest.fixture
def staff(seeded):
    return staff_user(programme("weihai-2026").authority)


@pytest.fixture
def district(seeded):
    return UserFactory(role=Role.DISTRICT, district=district_of("weihai-2026"), unit=None)


def test_programme_staff_see_their_stages_decisions_and_configuration(client, staff):
    ids, current, html = sidebar(client, staff, reverse("review:workspace"))
    assert current == ["menu-review-workspace"]
    for expected in ["menu-review-workspace", "menu-review-staff-list", state_id(State.FORMAL_REVIEW),
                     state_id(State.EXPERT_PENDING), state_id(State.DECISION), state_id(State.PUBLICITY),
                     "menu-review-decisions", "menu-review-publicity", "menu-review-filing",
                     "menu-applications-programmes", "menu-review-expert-pool", "menu-review-holidays",
                     "menu-portal-admin", "menu-applications-calls", "menu-review-publicity-list"]:
        assert expected in ids, expected
    # Not theirs: the district office's stage, the experts' page.
    assert state_id(State.DISTRICT_REVIEW) not in ids
    assert "menu-review-assignments" not in ids
    # The top bar: the user, the role and the authority, the inbox, the log-out form.
    assert 'id="user-menu"' in html and staff.display_name in html
    assert staff.authority.name in re.search(r'id="user-scope">(.*?)</span>', html, re.S).group(1)
    assert f'action="{reverse("logout")}"' in html and 'id="inbox-link"' in html


def test_district_reviewers_see_their_stage_and_no_staff_pages(client, district):
    ids, current, html = sidebar(client, district, reverse("review:staff_list") + "?state=district_review")
    assert current == [state_id(State.DISTRICT_REVIEW)]
    assert ids[:5] == ["menu-review-workspace", "menu-review-district-batch", "menu-review-statistics",
                       "menu-review-staff-list", state_id(State.DISTRICT_REVIEW)]
    for absent in ["menu-review-decisions", "menu-review-filing", state_id(State.FORMAL_REVIEW),
                   "menu-review-expert-pool", "menu-portal-admin", "menu-review-credit", "menu-review-imports"]:
        assert absent not in ids, absent
    assert district.district.name in re.search(r'id="user-scope">(.*?)</span>', html, re.S).group(1)


def test_the_top_bar_names_the_office_from_the_cache_and_follows_a_rename(client, district):
    """The district office's name in the top bar costs no query once read; renamed, it shows the new name."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def scope(html):
        return re.search(r'id="user-scope">(.*?)</span>', html, re.S).group(1)

    client.force_login(district)
    url = reverse("review:workspace")
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url).content.decode()
    assert district.district.name in scope(html)
    assert not [q for q in queries.captured_queries if ' FROM "portal_district" ' in q["sql"]]
    office = district.district
    office.name = "威海市临港区科技创新局"
    office.save()
    assert "威海市临港区科技创新局" in scope(client.get(url).content.decode())


def test_experts_see_their_evaluations_only(client, seeded):
    expert = UserFactory(role=Role.EXPERT, unit=None)
    ids, current, _html = sidebar(client, expert, reverse("review:expert_assignments"))
    assert current == ["menu-review-assignments"]
    assert "menu-review-staff-list" not in ids and "menu-review-decisions" not in ids
    assert not [i for i in ids if i.startswith("menu-review-state-")]


def test_the_administrator_sees_every_stage_list_but_not_the_staff_only_pages(client, seeded):
    admin = admin_user(is_superuser=True, is_staff=True)
    ids, _current, _html = sidebar(client, admin, reverse("review:workspace"))
    for state in (State.DISTRICT_REVIEW, State.FORMAL_REVIEW, State.DECISION, State.APPROVED):
        assert state_id(state) in ids
    assert "menu-portal-admin" in ids and "menu-review-expert-pool" in ids
    assert "menu-review-decisions" not in ids  # require_staff: they would be refused there


def test_the_current_entry_follows_the_query_and_the_pages_an_entry_stands_for(client, staff):
    url = reverse("review:staff_list")
    assert sidebar(client, staff, url)[1] == ["menu-review-staff-list"]
    assert sidebar(client, staff, url + "?state=formal_review&q=创新")[1] == [state_id(State.FORMAL_REVIEW)]
    assert sidebar(client, staff, url + "?q=创新")[1] == ["menu-review-staff-list"]
    app = make_application("weihai-2026", state=State.FORMAL_REVIEW)
    assert sidebar(client, staff, reverse("review:formal_review", args=[app.pk]))[1] == [state_id(State.FORMAL_REVIEW)]
    assert sidebar(client, staff, reverse("review:application_detail", args=[app.pk]))[1] == ["menu-review-staff-list"]
    assert sidebar(client, staff, reverse("review:decision_batch"))[1] == ["menu-review-decisions"]
    assert sidebar(client, staff, reverse("password_change"))[1] == []  # no entry stands for it


def test_folded_sections_open_when_they_hold_the_current_page(client, staff):
    _ids, _current, html = sidebar(client, staff, reverse("review:workspace"))
    assert re.search(r'class="nav flex-column collapse" id="menu-section-public-items"', html)
    _ids, current, html = sidebar(client, staff, reverse("review:publicity_list"))
    assert current == ["menu-review-publicity-list"]
    assert re.search(r'class="nav flex-column collapse show" id="menu-section-public-items"', html)


def test_an_app_above_adds_its_entries_by_registering(client, staff):
    """What supervision/ or statistics/ do in their AppConfig.ready: a section and an entry, no template edit."""
    menu.register_section(menu.Section("later", gettext_lazy("Supervision"), order=40))
    menu.register(menu.Entry("later.reports", gettext_lazy("Annual reports"), "review:filing", section="later",
                             roles=frozenset({Role.STAFF}), query=(("view", "reports"),)))
    try:
        ids, current, html = sidebar(client, staff, reverse("review:filing") + "?view=reports")
        assert "menu-later-reports" in ids and current == ["menu-later-reports"]
        assert ids.index("menu-review-filing") < ids.index("menu-later-reports") < ids.index(
            "menu-applications-programmes")  # sections in their order
        assert "Supervision" in html
        district = UserFactory(role=Role.DISTRICT, district=district_of("weihai-2026"), unit=None)
        assert "menu-later-reports" not in sidebar(client, district, reverse("review:workspace"))[0]
    finally:
        menu.unregister("later.reports")
        menu._sections.pop("later")
    with pytest.raises(ValueError, match="unknown section"):
        menu.register(menu.Entry("x.y", "x", "review:filing", section="nowhere"))


def test_applicants_and_the_public_keep_the_top_navigation(client, seeded):
    html = client.get(reverse("applications:call_list")).content.decode()
    assert 'id="sidebar"' not in html and 'id="main-nav"' in html
    applicant = UserFactory()
    ids, _current, html = sidebar(client, applicant, reverse("review:workspace"))
    assert ids is None and 'id="main-nav"' in html and 'id="user-menu"' in html
    assert not menu.menu_for(type("Request", (), {"user": applicant})())
    assert menu.is_backoffice(staff_user(programme("weihai-2026").authority))
    assert not menu.is_backoffice(applicant)


def test_every_registered_entry_has_a_page():
    for entry in menu.entries():
        assert entry.url().startswith("/"), entry.key
        assert entry.section in menu._sections, entry.key


def test_the_sidebar_reverses_each_address_once(client, staff, monkeypatch):
    """The entries' addresses are reversed once (per URL name, query and script prefix), not on every page."""
    calls = []
    real = menu.reverse
    monkeypatch.setattr(menu, "reverse", lambda *args, **kwargs: calls.append(args) or real(*args, **kwargs))
    menu._url.cache_clear()
    first, _current, _html = sidebar(client, staff, reverse("review:workspace"))
    reversed_once = len(calls)
    assert reversed_once >= len(first) - 1  # the entries, each once
    again, _current, _html = sidebar(client, staff, reverse("review:staff_list"))
    assert again == first and len(calls) == reversed_once


def test_the_written_sidebar_is_kept_per_what_it_shows_and_never_out_of_date(client, staff, monkeypatch, settings):
    """The sidebar's markup is written once per language and what it shows (entries, addresses, current one):
    the same page again writes nothing, and a new entry, another current page or another language each give
    their own markup, never a copy kept from before."""
    writes = []
    real = menu._group_html
    monkeypatch.setattr(menu, "_group_html", lambda group: writes.append(group.section.key) or real(group))
    menu._sidebars.clear()
    workspace = reverse("review:workspace")
    first, current, _html = sidebar(client, staff, workspace)
    written = len(writes)
    assert written and current == ["menu-review-workspace"]
    assert sidebar(client, staff, workspace)[:2] == (first, current) and len(writes) == written  # kept
    elsewhere = sidebar(client, staff, reverse("review:staff_list") + "?state=" + State.DECISION)
    assert elsewhere[0] == first and elsewhere[1] == [state_id(State.DECISION)] and len(writes) > written
    menu.register(menu.Entry("test.kept", gettext_lazy("A page added later"), "review:workspace",
                             section=menu.WORK, order=999))
    try:
        added, _current, _html = sidebar(client, staff, workspace)
        assert sorted(added) == sorted([*first, "menu-test-kept"])
    finally:
        menu.unregister("test.kept")
    assert sidebar(client, staff, workspace)[0] == first
    client.post(reverse("set_language"), {"language": "en"})
    english = client.get(workspace).content.decode()
    assert ">My work</" in english and ">我的工作</" not in english


def test_the_applicants_top_navigation_names_the_unit_from_the_cache_and_follows_a_rename(client, seeded):
    """The applicant's unit, named in the top navigation and the workspace, costs no query once read; renamed
    (its profile saved), the pages show the new name."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    applicant = UserFactory(role=Role.APPLICANT)
    client.force_login(applicant)
    url = reverse("review:workspace")
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url).content.decode()
    assert html.count(applicant.unit.name) >= 2  # the menu under the user's name, the workspace's heading
    assert not [q for q in queries.captured_queries if ' FROM "portal_unit" ' in q["sql"]]
    unit = applicant.unit
    unit.name = "威海海洋装备研究院有限公司"
    unit.save()
    assert client.get(url).content.decode().count("威海海洋装备研究院有限公司") >= 2


def test_a_rows_address_made_from_one_reversal_is_the_reversed_one():
    """``portal.addresses.per_key``: one reversal per list page gives each row the address ``reverse`` gives."""
    from portal.addresses import per_key

    address = per_key("review:publicity_detail")
    for pk in (1, 42, 987654321):
        assert address(pk) == reverse("review:publicity_detail", args=[pk])
