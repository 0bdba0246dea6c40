import os

import pytest
from django.db import connection

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the
# live server and the fixtures are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True, scope="session")
def _require_postgresql_in_ci(django_db_setup, django_db_blocker):
    """In CI the suite must run on PostgreSQL: fail, never skip, when it is not there.  (The ``sqlite``
    tests run a second time on the demo's SQLite on purpose: scripts/test.sh says so with
    PORTAL_TEST_ON_SQLITE=1.)"""
    if os.environ.get("CI", "").lower() == "true" and os.environ.get("PORTAL_TEST_ON_SQLITE") != "1":
        with django_db_blocker.unblock():
            assert connection.vendor == "postgresql", (
                f"CI must run the tests on PostgreSQL, not {connection.vendor}: set DATABASE_URL")


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None}}}
    settings.MEDIA_ROOT = str(tmp_path / "private")
    settings.AXES_ENABLED = False
    # Documents are rendered only by the tests that look at them (see tests/notices/test_documents.py).
    settings.OUTBOX_DISPATCH = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _load_programmes():
    from django.core.management import call_command

    call_command("load_programmes", "--demo-window", verbosity=0)


def _is_transactional(item):
    """Whether the test ``item`` runs transactional (it flushes every table at its end)."""
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction")) or any(
        name in getattr(item, "fixturenames", ()) for name in ("transactional_db", "live_server"))


def pytest_collection_modifyitems(items):
    """Mark the transactional tests (``transactional``): each flushes every table at its end, the seed programmes
    and the migrations' rows with them, so in one process they run after the others (pytest-django orders them
    so).  scripts/test.sh runs the suite in several processes in two passes, ``-m "not transactional"`` then
    ``-m transactional``, so that no process runs a test after a flush it does not expect."""
    for item in items:
        if _is_transactional(item):
            item.add_marker(pytest.mark.transactional)


DB_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback", "live_server"}


def _needs_database(items):
    """Whether any collected test uses the database (pytest-django then sets up the test database;
    a run of database-free tests only, e.g. ``tests/project/test_compose.py``, gets none)."""
    return any(item.get_closest_marker("django_db") or DB_FIXTURES & set(getattr(item, "fixturenames", ()))
               for item in items)


@pytest.fixture(scope="session")
def django_db_setup(request, django_db_setup, django_db_blocker):
    """The test database, with the seed programmes loaded once for the whole run (see ``seeded``)."""
    if _needs_database(request.session.items):
        with django_db_blocker.unblock():
            _load_programmes()


@pytest.fixture
def seeded(request, db):
    """The five seed programmes, with their authorities, districts and divisions.

    They are loaded once per run, into the test database (``django_db_setup``): a test runs in a
    transaction rolled back at its end, so one that changes the programmes leaves the next a
    fresh copy.  A transactional test flushes every table at its end instead, and pytest-django
    runs those after the others; so each transactional test loads them again (idempotent, and
    quick when nothing differs).
    """
    if _is_transactional(request.node):
        _load_programmes()


@pytest.fixture(autouse=True)
def _restore_holidays_after_flush(request):
    """A transactional test flushes every table at its end, the migration-seeded holiday table too.

    pytest-django runs the transactional tests after the others, so each transactional test
    refills the table when it starts (once its database is set up), and finds it as the
    migration left it whatever ran before.
    """
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        from review.calendar import load_holidays

        request.getfixturevalue("transactional_db")
        load_holidays()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with empty caches (the staff list keeps its rendered filter form there, the login and
    password-reset throttles their counters)."""
    from django.core.cache import caches

    for cache in caches.all(initialized_only=False):
        cache.clear()


@pytest.fixture(autouse=True)
def _second_factor_on_login(monkeypatch):
    """``Client.login`` and ``Client.force_login`` give users of a second-factor role a verified session."""
    from django.test.client import ClientMixin

    from tests.twofactor import verify_session

    original = ClientMixin._login

    def _login(self, user, backend=None):
        original(self, user, backend)
        if user.needs_second_factor:
            session = self.session
            verify_session(session, user)
            session.save()

    monkeypatch.setattr(ClientMixin, "_login", _login)


@pytest.fixture(autouse=True)
def _english_unless_asked(settings, request):
    """Tests compare messages in English (the msgids) unless marked ``chinese``: then the
    portal's real default (zh-hans) applies.  Requests still follow Accept-Language (the
    browser tests send zh-CN)."""
    from django.utils import translation

    language = "zh-hans" if request.node.get_closest_marker("chinese") else "en"
    settings.LANGUAGE_CODE = language
    translation.activate(language)
    yield
    translation.deactivate()
