"""Concurrency on PostgreSQL: real threads, each with its own database connection.

Two staff decide the same application at the same moment: exactly one wins, the other is told
clearly and nothing of its attempt is left behind. Fifty filings at once: fifty distinct,
consecutive certificate numbers.
"""

import threading

import pytest
from django.db import connection
from django.utils import timezone, translation

from applications.models import Application
from applications.states import State
from portal import lifecycle
from portal.lifecycle import ActionRefused
from review import services
from review.models import CertificateCounter, Decision, Meeting, TransitionLog
from tests.review_factories import quick_application, staff_user

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 60

RACE_LOST = "Someone else has just acted on this application; nothing was changed."


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent transactions are tested on PostgreSQL")


def run_together(calls):
    """Run each call in its own thread, started together; returns [(result, error)] in order."""
    barrier = threading.Barrier(len(calls), timeout=TIMEOUT)
    outcomes = [None] * len(calls)

    def worker(index, call):
        try:
            translation.activate("en")
            barrier.wait()
            outcomes[index] = (call(), None)
        except Exception as error:  # noqa: BLE001 — reported to the test
            outcomes[index] = (None, error)
        finally:
            translation.deactivate()
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT * 2)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return outcomes


def _two_staff_decide(app):
    first = staff_user(app.programme.authority)
    second = staff_user(app.programme.authority, new=True)
    return run_together([
        lambda: services.decide([app.pk], first, "approve"),
        lambda: services.decide([app.pk], second, "refuse", reason="条件不符。"),
    ])


def _exactly_one_decision(app, outcomes):
    wins = [result for result, error in outcomes if error is None]
    losses = [error for result, error in outcomes if error is not None]
    assert len(wins) == 1 and len(losses) == 1, outcomes
    assert isinstance(losses[0], ActionRefused), repr(losses[0])
    app = Application.objects.get(pk=app.pk)
    decisions = list(Decision.objects.filter(application=app))
    logs = list(TransitionLog.objects.filter(application=app, source=State.DECISION))
    assert len(decisions) == 1 and len(logs) == 1
    assert app.state == {"approve": State.APPROVED, "refuse": State.REFUSED}[decisions[0].outcome]
    assert logs[0].transition == decisions[0].outcome and logs[0].actor_id == decisions[0].by_id
    return losses[0]


def test_two_staff_deciding_at_the_same_moment_interleaved(seeded, monkeypatch):
    """Both have read the application and written their Decision row before either saves."""
    app = quick_application("suzhou-2026", "awaiting_decision", lead_selected_by="city")
    both_loaded = threading.Barrier(2, timeout=TIMEOUT)
    unmet = lifecycle.unmet

    def wait_for_the_other(application, name):
        both_loaded.wait()
        return unmet(application, name)

    monkeypatch.setattr(lifecycle, "unmet", wait_for_the_other)
    loss = _exactly_one_decision(app, _two_staff_decide(app))
    assert RACE_LOST in str(loss)


def test_two_staff_deciding_at_the_same_moment(seeded):
    """Started together without further help: whoever comes second is refused with a clear message."""
    app = quick_application("suzhou-2026", "awaiting_decision", lead_selected_by="city")
    loss = _exactly_one_decision(app, _two_staff_decide(app))
    assert RACE_LOST in str(loss) or "This cannot be done while the application is" in str(loss)


def test_a_zgc_batch_decision_that_loses_the_race_leaves_no_meeting(seeded, monkeypatch):
    """All or nothing: the losing batch's meeting record and decisions are rolled back too."""
    apps = [quick_application("zgc-2026", "awaiting_decision") for _i in range(2)]
    first = staff_user(apps[0].programme.authority)
    second = staff_user(apps[0].programme.authority, new=True)
    both_loaded = threading.Barrier(2, timeout=TIMEOUT)
    unmet = lifecycle.unmet

    def wait_once(application, name):
        if application.pk == apps[1].pk:
            both_loaded.wait()
        return unmet(application, name)

    monkeypatch.setattr(lifecycle, "unmet", wait_once)

    def batch(user, ids):
        meeting = services.new_meeting(apps[0].programme, user, timezone.localdate(), "主任办公会", "审议。")
        return services.decide(ids, user, "approve", meeting=meeting)

    outcomes = run_together([lambda: batch(first, [apps[0].pk, apps[1].pk]), lambda: batch(second, [apps[1].pk])])
    assert sum(error is None for _result, error in outcomes) == 1, outcomes
    loss = next(error for _result, error in outcomes if error is not None)
    assert isinstance(loss, ActionRefused), repr(loss)
    assert Meeting.objects.count() == 1
    meeting = Meeting.objects.get()
    assert Decision.objects.exclude(meeting=meeting).count() == 0
    assert TransitionLog.objects.filter(transition="approve").count() == Decision.objects.count()


def test_fifty_filings_at_once_get_fifty_consecutive_numbers(seeded):
    apps = [quick_application("suzhou-2026", "awaiting_decision", lead_selected_by="city")
            for _i in range(50)]
    staff = staff_user(apps[0].programme.authority)
    services.decide([app.pk for app in apps], staff, "approve")
    assert Application.objects.filter(state=State.APPROVED).count() == 50

    outcomes = run_together([
        (lambda pk=app.pk: services.file_applications([pk], staff)) for app in apps
    ])
    errors = [error for _result, error in outcomes if error is not None]
    assert not errors, errors

    year = timezone.localdate().year
    numbers = sorted(Application.objects.filter(pk__in=[a.pk for a in apps]).values_list(
        "certificate_number", flat=True))
    assert numbers == [f"SZCXLHT{year}{n:04d}" for n in range(1, 51)]
    assert CertificateCounter.objects.get(prefix="SZCXLHT", year=year).last == 50
    assert Application.objects.filter(state=State.FILED, filed_on=timezone.localdate()).count() == 50
    assert TransitionLog.objects.filter(transition="file").count() == 50
