"""Working days in England: weekdays that are not bank holidays.

The bank holidays come from the `holidays` package, which computes them from the rules
(Easter, the first and last Mondays in May, substitute days, and the one-off days proclaimed
for coronations and jubilees) for any year, so a letter's due date stays right years ahead
without a list to keep up to date here.
"""

from __future__ import annotations

import calendar
from datetime import date as Date
from datetime import timedelta


def bank_holidays(years: range) -> set[Date]:
    import holidays  # only when a date is counted: a triad day never needs it

    return set(holidays.country_holidays("GB", subdiv="ENG", years=list(years)).keys())


def is_working_day(day: Date, closed: set[Date]) -> bool:
    return day.weekday() < 5 and day not in closed


def add_working_days(start: Date, count: int) -> Date:
    """The date `count` working days after `start` (start itself not counted)."""
    closed = bank_holidays(range(start.year, start.year + 2 + count // 200))
    day = start
    while count > 0:
        day += timedelta(days=1)
        if is_working_day(day, closed):
            count -= 1
    return day


def on_site_days(start: Date, days: int) -> list[Date]:
    """The working days of a visit that starts on `start` and lasts `days` days on site."""
    closed = bank_holidays(range(start.year, start.year + 2))
    found, day = [], start
    while len(found) < days:
        if is_working_day(day, closed):
            found.append(day)
        day += timedelta(days=1)
    return found


def add_months(day: Date, months: int) -> Date:
    """The same day of the month `months` on; the month's last day when it has no such day."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))
