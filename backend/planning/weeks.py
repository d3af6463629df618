"""Weeks are named by their Monday; any date means the week that contains it."""

import datetime as dt

MAX_WEEKS = 26


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def sunday(week: dt.date) -> dt.date:
    return monday(week) + dt.timedelta(days=6)


def week_keys(first: dt.date, weeks: int) -> list[dt.date]:
    start = monday(first)
    return [start + dt.timedelta(weeks=i) for i in range(weeks)]


def current_week(today: dt.date | None = None) -> dt.date:
    if today is None:
        from django.utils import timezone  # server time zone, only when none is given

        today = timezone.localdate()
    return monday(today)
