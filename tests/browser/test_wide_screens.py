"""The layout at the office's screens (issue 9, "What users hit"): at 1366×768 and 1920×1080, in real
Chromium, every page of each role (the pages of test_narrow_screens.py and the back office's lists by
stage) shows its navigation labels on one line each (工作台, not 工/作/台), no table cell cut off
(800.00, not "80") and no table wider than its box, no horizontal scrolling of the page, and no
form inside a box that scrolls on its own (the page scrolls).  Back-office pages have the sidebar
with the current page marked (aria-current) and the top bar with the user.  Each role's first pages are
checked again in English, whose labels are longer (the portal's name and a sidebar label may take two lines).
Screenshots go to artefacts/browser/<test>/<width>x<height>-<page>.png."""

import pytest
from django.conf import settings

from applications.states import State
from tests.browser.conftest import shoot
from tests.browser.pages import log_in, seed, visits

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = [(1366, 768), (1920, 1080)]

#: Pages whose sidebar entry is known: screenshot name → the id of the link marked aria-current.
CURRENT = {
    "district-workspace": "menu-review-workspace",
    "district-review": "menu-review-state-district-review",
    "district-list": "menu-review-staff-list",
    "staff-formal-review": "menu-review-state-formal-review",
    "staff-application": "menu-review-staff-list",
    "staff-list-search": "menu-review-staff-list",
    "staff-experts": "menu-review-state-expert-pending",
    "staff-decision": "menu-review-decisions",
    "staff-decision-batch": "menu-review-decisions",
    "staff-publicity-batch": "menu-review-publicity",
    "staff-objection": "menu-review-publicity",
    "staff-agreement": "menu-review-filing",
    "expert-assignment": "menu-review-assignments",
    "admin-list": "menu-review-staff-list",
    **{f"{role}-list-{state}": f"menu-review-state-{state.replace('_', '-')}"
       for role in ("district", "staff", "admin") for state in State.values},
}

MEASURE = """(most) => {
    const doc = document.documentElement;
    const shown = el => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden' &&
               !el.closest('.visually-hidden, .dropdown-menu, details:not([open])');
    };
    const named = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' “' +
                        (el.innerText || '').trim().slice(0, 40) + '”';

    // Lines of a label: its text's line boxes, grouped by their top (a badge sits on the same line).
    const lines = el => {
        const range = document.createRange();
        range.selectNodeContents(el);
        const tops = [...range.getClientRects()].filter(r => r.width > 0).map(r => r.top).sort((a, b) => a - b);
        const style = getComputedStyle(el);
        const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
        let count = 0, last = -Infinity;
        for (const top of tops) { if (top > last + line / 2) { count += 1; last = top; } }
        return count;
    };
    const wrapped = [], cut = [];
    for (const el of document.querySelectorAll(
            'header a, header button, .navbar-brand, .nav-link, .sidebar-nav a, .topbar-scope')) {
        if (!shown(el)) continue;
        const allowed = el.matches('.navbar-brand') ? most.brand : el.closest('.sidebar-nav') ? most.sidebar : 1;
        if (lines(el) > allowed) wrapped.push(named(el));
        if (el.clientWidth && el.scrollWidth > el.clientWidth + 1) cut.push(named(el));
    }
    for (const box of document.querySelectorAll('.portal-sidebar, .portal-topbar, .portal-navbar')) {
        if (shown(box) && box.scrollWidth > box.clientWidth + 1) cut.push(named(box).slice(0, 40));
    }

    const clipped = [], wide = [];
    for (const table of document.querySelectorAll('table')) {
        if (!shown(table)) continue;
        const box = table.closest('.table-responsive') || table.parentElement;
        if (table.getBoundingClientRect().width > box.clientWidth + 1 || box.scrollWidth > box.clientWidth + 1) {
            wide.push(named(table).slice(0, 60) + ' ' + Math.round(table.getBoundingClientRect().width) +
                      ' > ' + box.clientWidth);
        }
        for (const cell of table.querySelectorAll('th, td, th *, td *')) {
            if (!shown(cell) || getComputedStyle(cell).position === 'absolute') continue;
            if (cell.scrollWidth > cell.clientWidth + 1 && getComputedStyle(cell).overflowX !== 'visible'
                || (cell.matches('th, td') && cell.scrollWidth > cell.clientWidth + 1)) {
                clipped.push(named(cell) + ' ' + cell.scrollWidth + ' > ' + cell.clientWidth);
            }
        }
    }

    const panels = [];
    for (const el of document.querySelectorAll('main *')) {
        if (!shown(el) || el.matches('textarea, select')) continue;
        const overflow = getComputedStyle(el).overflowY;
        if ((overflow === 'auto' || overflow === 'scroll') && el.scrollHeight > el.clientHeight + 1 &&
            el.querySelector('form, input, select, textarea, button')) {
            panels.push(named(el).slice(0, 60) + ' ' + el.scrollHeight + ' > ' + el.clientHeight);
        }
    }
    const current = [...document.querySelectorAll('.sidebar-nav a[aria-current="page"]')].map(a => a.id);
    return {scroll: doc.scrollWidth, client: doc.clientWidth, wrapped, cut, wide, clipped: clipped.slice(0, 8),
            panels, current, sidebar: !!document.querySelector('#sidebar .sidebar-nav a'),
            user: (document.querySelector('#user-menu') || {}).innerText || null};
}"""


def check(page, base, visit, path, name, screen, language="zh-hans"):
    response = page.goto(base + path)
    assert response is not None and response.status == 200, (path, response and response.status)
    chinese = language == "zh-hans"
    # In English the portal's name and a sidebar label may take two lines (never cut off).
    found = page.evaluate(MEASURE, {"brand": 1 if chinese else 2, "sidebar": 1 if chinese else 2})
    shoot(page, f"{screen[0]}x{screen[1]}-{name}" + ("" if language == "zh-hans" else f"-{language}"))
    where = (f"{screen[0]}x{screen[1]}", language, path)
    assert found["scroll"] <= found["client"] + 1, (where, "the page scrolls sideways", found)
    assert not found["wrapped"], (where, "navigation labels wrap", found["wrapped"])
    assert not found["cut"], (where, "navigation labels cut off", found["cut"])
    assert not found["wide"], (where, "tables wider than their box", found["wide"])
    assert not found["clipped"], (where, "table cells cut off", found["clipped"])
    assert not found["panels"], (where, "a form inside a box that scrolls", found["panels"])
    assert found["sidebar"] == visit.backoffice, (where, "the back office has the sidebar, the others not")
    if visit.user is not None:
        assert (found["user"] or "").strip() == visit.user.display_name, (where, found["user"])
    assert len(found["current"]) <= 1, (where, found["current"])
    if name in CURRENT:
        assert found["current"] == [CURRENT[name]], (where, found["current"])


def test_every_page_fits_1366_and_1920_screens(live_server, browser_page):
    page, base = browser_page, live_server.url
    data = seed()
    checked = 0
    for visit in visits(data):
        if visit.user is not None:
            log_in(page, live_server, visit.user)
        for screen in SCREENS:
            page.set_viewport_size({"width": screen[0], "height": screen[1]})
            for path, name in visit.pages:
                check(page, base, visit, path, name, screen)
                checked += 1
    assert checked >= 2 * 60

    # English labels are longer: the navigation and the tables hold them too at 1366 px (each role's first pages).
    page.set_viewport_size({"width": 1366, "height": 768})
    for visit in visits(data):
        if visit.user is None:
            continue
        log_in(page, live_server, visit.user)
        page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}])
        for path, name in visit.pages[:2]:
            check(page, base, visit, path, name, (1366, 768), language="en")
