"""Real Chromium for browser tests: Debian's /usr/bin/chromium driven by Playwright.

`playwright install` cannot download browsers here, so the project's set-up installs the
Debian package and the tests launch it by path.  In CI a missing browser is a failure.
"""

import os
import re
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTEFACTS = Path(__file__).resolve().parents[2] / "artefacts" / "browser"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]

_current = {"test": "browser"}


def shoot(page, name):
    """Save a full-page screenshot under artefacts/browser/<test>/<name>.png."""
    folder = ARTEFACTS / _current["test"]
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


@pytest.fixture(scope="session")
def chromium_browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: run scripts/setup.sh")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium_browser, request, settings):
    settings.AXES_ENABLED = False
    _current["test"] = re.sub(r"[^\w-]+", "_", request.node.name)[:80]
    context = chromium_browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                           viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield page
    context.close()
    assert not errors, f"JavaScript errors or CSP violations in the browser: {errors}"
