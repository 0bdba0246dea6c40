"""Every page is usable at 375 px wide (issue 2): in real Chromium at an iPhone-sized viewport, each
page of each role renders without horizontal scrolling of the page itself (wide tables scroll
inside their own ``.table-responsive`` box), and its main heading and forms stay inside the screen.
A screenshot of each page goes to artefacts/browser/<test>/."""

import pytest
from django.urls import reverse

from tests.browser.conftest import shoot
from tests.browser.pages import log_in, seed, visits

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 375

#: How far the page may be wider than the viewport (a rounding pixel).
SLACK = 1


def check(page, base, path, name):
    response = page.goto(base + path)
    assert response is not None and response.status == 200, (path, response and response.status)
    overflow = page.evaluate("""() => {
        const doc = document.documentElement;
        const offenders = [];
        for (const el of document.querySelectorAll('body *')) {
            if (el.closest('.table-responsive, pre, .visually-hidden, details:not([open])')) continue;
            if (getComputedStyle(el).visibility === 'hidden') continue;  // e.g. the closed offcanvas menu
            const r = el.getBoundingClientRect();
            if (r.width && (r.right > doc.clientWidth + 1 || r.left < -1)) {
                offenders.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                               (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : ''));
            }
        }
        return {scroll: doc.scrollWidth, client: doc.clientWidth, offenders: offenders.slice(0, 8)};
    }""")
    shoot(page, name)
    assert overflow["scroll"] <= WIDTH + SLACK, (path, overflow)
    assert not overflow["offenders"], (path, overflow)
    heading = page.locator("h1").first
    if heading.count():
        box = heading.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH + SLACK, (path, box)


@pytest.fixture
def narrow_page(chromium_browser, browser_page):
    browser_page.set_viewport_size({"width": WIDTH, "height": 812})
    return browser_page


def test_every_page_fits_a_375_px_screen(live_server, narrow_page):
    page, base = narrow_page, live_server.url
    data = seed()
    for visit in visits(data):
        if visit.user is not None:
            log_in(page, live_server, visit.user)
        for path, name in visit.pages:
            check(page, base, path, name)
    staff = next(v for v in visits(data) if v.role == "staff" and len(v.pages) > 5)
    log_in(page, live_server, staff.user)
    check_offcanvas_menu(page, base)


def check_offcanvas_menu(page, base):
    """Below lg the back office's sidebar hides behind the menu button; it slides in over the page, marks
    the current page, fits the screen and closes again."""
    page.goto(base + reverse("review:filing"))
    sidebar = page.locator("#sidebar")
    assert not sidebar.is_visible()
    page.click("#sidebar-toggle")
    page.wait_for_selector("#sidebar.show")
    current = page.locator("#sidebar a[aria-current=page]")
    assert current.count() == 1 and current.get_attribute("id") == "menu-review-filing"
    assert page.locator("#menu-review-decisions").is_visible()
    box = sidebar.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH + SLACK
    shoot(page, "staff-menu-open")
    page.click("#sidebar .btn-close")
    page.wait_for_selector("#sidebar", state="hidden")
