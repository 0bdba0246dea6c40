"""Working days over the holiday table, against the State Council's 2026 holiday notice.

The table (review.HolidayDay) is seeded by migration review/0002 from ``chinesecalendar``. For
2026 it holds (国办发明电〔2025〕7号): National Day and Mid-autumn 10-01 … 10-07 off, with
Sunday 09-20 and Saturday 10-10 worked (调休); Mid-autumn 09-25 … 09-27 off.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from review.calendar import WorkingCalendar
from review.models import HolidayDay, PublicityBatch
from tests.factories import UserFactory
from tests.review_factories import quick_application, staff_user

D = datetime.date


@pytest.fixture
def calendar(db):
    return WorkingCalendar()


@pytest.mark.django_db
def test_the_2026_notice_is_in_the_table():
    days = {d.date: d for d in HolidayDay.objects.filter(date__year=2026)}
    for day in range(1, 8):
        assert days[D(2026, 10, day)].is_workday is False
    assert days[D(2026, 9, 20)].is_workday is True      # Sunday worked
    assert days[D(2026, 10, 10)].is_workday is True     # Saturday worked
    assert D(2026, 10, 9) not in days                    # an ordinary Friday
    assert not HolidayDay.objects.filter(date__year=2027).exists()


def test_a_period_crossing_national_day(calendar):
    # Mon 09-28, Tue 09-29, Wed 09-30, (10-01 … 10-07 off), Thu 10-08, Fri 10-09.
    period = calendar.period(D(2026, 9, 28), 5)
    assert period.end == D(2026, 10, 9)
    assert not period.used_fallback
    # Counted on weekdays alone it would have ended on Friday 10-02, in the middle of the holiday.
    assert WorkingCalendar(days={}, covered_years={2026}).period(D(2026, 9, 28), 5).end == D(2026, 10, 2)


def test_the_make_up_saturday_counts(calendar):
    # Thu 10-08, Fri 10-09, Sat 10-10 (调休, worked), Mon 10-12, Tue 10-13.
    period = calendar.period(D(2026, 10, 8), 5)
    assert period.end == D(2026, 10, 13)
    assert calendar.is_workday(D(2026, 10, 10))
    assert calendar.working_days_between(D(2026, 10, 8), D(2026, 10, 13)) == 5
    # Without the make-up day the period would run one day longer.
    assert calendar.period(D(2026, 10, 8), 6).end == D(2026, 10, 14)


def test_the_make_up_sunday_counts(calendar):
    # Sat 09-19 is a weekend day; Sun 09-20 is worked for National Day.
    assert calendar.period(D(2026, 9, 19), 1).end == D(2026, 9, 20)
    assert calendar.period(D(2026, 9, 18), 5).end == D(2026, 9, 23)


@pytest.mark.parametrize("start", [D(2026, 10, 1), D(2026, 10, 3), D(2026, 10, 7)])
def test_a_period_starting_on_a_holiday_starts_on_the_next_working_day(calendar, start):
    assert not calendar.is_workday(start)
    assert calendar.period(start, 1).end == D(2026, 10, 8)
    assert calendar.period(start, 5).end == D(2026, 10, 13)


def test_mid_autumn_friday_is_off(calendar):
    # Thu 09-24, (09-25 … 09-27 off), Mon 09-28, Tue 09-29.
    assert calendar.period(D(2026, 9, 24), 3).end == D(2026, 9, 29)


def test_a_period_crossing_into_a_year_without_data_falls_back_to_monday_to_friday(calendar):
    # Mon 12-28, Tue 12-29, Wed 12-30, Thu 12-31, then 2027 (no notice yet): Fri 2027-01-01 counts.
    period = calendar.period(D(2026, 12, 28), 5)
    assert period.end == D(2027, 1, 1)
    assert period.used_fallback
    assert period.fallback_years == {2027}
    assert not calendar.period(D(2026, 12, 21), 5).used_fallback
    # Wholly in 2027: Monday to Friday.
    assert calendar.period(D(2027, 1, 8), 3).end == D(2027, 1, 12)


@pytest.mark.django_db
def test_staff_editing_the_holiday_table_in_the_admin_changes_the_result(client):
    admin = UserFactory(role="admin", unit=None, is_staff=True, is_superuser=True)
    client.force_login(admin)
    assert WorkingCalendar().period(D(2026, 10, 8), 5).end == D(2026, 10, 13)

    # The make-up Saturday is cancelled: it becomes an ordinary weekend day again.
    day = HolidayDay.objects.get(date=D(2026, 10, 10))
    response = client.post(reverse("admin:review_holidayday_change", args=[day.pk]),
                           {"date": "2026-10-10", "name": day.name, "_save": "Save"})
    assert response.status_code == 302, response.content.decode()[:2000]
    day.refresh_from_db()
    assert day.is_workday is False
    assert WorkingCalendar().period(D(2026, 10, 8), 5).end == D(2026, 10, 14)

    # The 2027 New Year's Day is entered: the period crossing the year no longer falls back there.
    response = client.post(reverse("admin:review_holidayday_add"),
                           {"date": "2027-01-01", "name": "元旦", "_save": "Save"})
    assert response.status_code == 302
    period = WorkingCalendar().period(D(2026, 12, 28), 5)
    assert period.end == D(2027, 1, 4)
    assert not period.used_fallback


def _fallback_start():
    """A future start whose period falls into a year the table does not cover."""
    last = HolidayDay.objects.latest("date").date.year
    today = timezone.localdate()
    for start in (D(last, 12, 28), D(last + 1, 3, 1)):
        if start >= today:
            return start
    return today + datetime.timedelta(days=7)


@pytest.mark.django_db
def test_publicity_is_refused_until_the_years_holidays_are_in_the_calendar(client, seeded):
    """A period reaching a year the holiday table does not cover cannot be opened (Monday–Friday counting
    would end it on a holiday such as New Year's Day); once the registry keeper enters that year's holidays, it can."""
    app = quick_application("weihai-2026", "approved")  # the publicity page is checked, not the way there
    staff = staff_user(app.programme.authority)
    client.force_login(staff)
    url = reverse("review:publicity_manage")
    start = _fallback_start()
    expected = WorkingCalendar().period(start, app.programme.publicity_working_days)
    assert expected.used_fallback
    data = {"programme": app.programme_id, "ids": [app.pk], "starts_on": start.isoformat()}

    page = client.post(url, dict(data, step="preview"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="calendar-fallback"' in page and "cannot be counted" in page
    assert reverse("review:proposal_new", args=["holiday"]) in page  # staff propose the days to the registry keeper
    assert 'id="publicity-confirm"' not in page  # nothing to confirm
    response = client.post(url, dict(data, step="open", confirm="1",
                                     previewed=f"{start.isoformat()}|{expected.end.isoformat()}"), follow=True)
    assert "has no data for" in response.content.decode()
    app.refresh_from_db()
    assert app.state == "approved" and not PublicityBatch.objects.exists()

    # The registry keeper enters the year's holidays: the period is counted with them and can be opened.
    for year in expected.fallback_years:
        HolidayDay.objects.create(date=D(year, 1, 1), is_workday=False, name="元旦")
    counted = WorkingCalendar().period(start, app.programme.publicity_working_days)
    assert not counted.used_fallback
    page = client.post(url, dict(data, step="preview"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="calendar-fallback"' not in page and 'id="publicity-confirm"' in page
    response = client.post(url, dict(data, step="open", confirm="1",
                                     previewed=f"{start.isoformat()}|{counted.end.isoformat()}"))
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.state == "publicity"
    assert app.publicity_entries.get().batch.ends_on == counted.end
