"""Working days over the holiday table (HolidayDay), which staff edit in the admin.

A day is a working day when it is a make-up workday (调休) in the table, or a Monday–Friday
that the table does not list as a holiday.  A year with no row at all has not been loaded
(the State Council's notice for it is not out yet): it falls back to Monday–Friday, and the
caller is told so that staff can be warned.

A publicity period of N working days starting on a date covers the first N working days on
or after that date (the start date counts when it is itself a working day).
"""

import datetime
from dataclasses import dataclass, field

from .models import HolidayDay


@dataclass
class Period:
    start: datetime.date
    end: datetime.date
    working_days: int
    fallback_years: set[int] = field(default_factory=set)

    @property
    def used_fallback(self):
        return bool(self.fallback_years)


class WorkingCalendar:
    def __init__(self, days=None, covered_years=None):
        if days is None:
            rows = HolidayDay.objects.values_list("date", "is_workday")
            days = dict(rows)
        self.days = days
        self.covered_years = covered_years if covered_years is not None else {d.year for d in days}

    def is_covered(self, year):
        return year in self.covered_years

    def is_workday(self, day: datetime.date) -> bool:
        if day in self.days:
            return self.days[day]
        return day.weekday() < 5

    def period(self, start: datetime.date, working_days: int) -> Period:
        if working_days < 1:
            raise ValueError("a period has at least one working day")
        day, counted, fallback = start, 0, set()
        while True:
            if not self.is_covered(day.year):
                fallback.add(day.year)
            if self.is_workday(day):
                counted += 1
                if counted == working_days:
                    return Period(start, day, working_days, fallback)
            day += datetime.timedelta(days=1)

    def working_days_between(self, start, end):
        day, n = start, 0
        while day <= end:
            n += self.is_workday(day)
            day += datetime.timedelta(days=1)
        return n


def seed_rows():
    """Rows for every year chinesecalendar knows: holidays and make-up workdays."""
    import chinese_calendar

    rows = {}
    for day, name in chinese_calendar.holidays.items():
        rows[day] = (False, str(name))
    for day, name in chinese_calendar.workdays.items():
        rows[day] = (True, str(name))
    return rows


def load_holidays(model=None):
    """Insert the chinesecalendar rows that the table lacks (used by the migration and tests)."""
    model = model or HolidayDay
    existing = set(model.objects.values_list("date", flat=True))
    model.objects.bulk_create(
        [model(date=day, is_workday=workday, name=name)
         for day, (workday, name) in sorted(seed_rows().items()) if day not in existing],
        batch_size=500,
    )
