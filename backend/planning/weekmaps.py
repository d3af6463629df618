"""The typed week lists as JSON maps keyed by Monday (`Person.weekMaps`, `Booking.weekMaps`,
`Placeholder.weekMaps`; docs/design.md, "Week maps"), with the heatmap's key format and
zero rule: sums that are usually 0 (hours, time off, holidays...) list the weeks where they
are not; base figures (capacity, availability, percent) list every week.

Each map is made when it is first read, so a document pays only for the maps it selects,
from what the typed list is made from (the loaders' answers). A person's are computed as
the heatmap computes its rows (planning.reports), in integer cents from the calendar's
`WeekCapacity` and the hours per week, with no `WeekLoad` (Decimal arithmetic) and no
float(Decimal) per cell: that was most of what the maps cost. Every value is the exact
decimal the typed list holds, converted to the nearest float, so the answers are equal
(tests/people/test_week_maps.py).
"""

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from .calendar import WeekCapacity
from .capacity import ZERO
from .reports import CalendarMaps, tenths_of_percent

Map = dict[str, Any]
Split = Mapping[dt.date, tuple[Decimal, Decimal]]  # (confirmed, tentative) hours by week
NO_WEEKS: Mapping[dt.date, Decimal] = {}
NO_CENTS = (0, 0)


def iso_keys(weeks: Sequence[dt.date]) -> list[str]:
    """The maps' keys: the weeks' Mondays as YYYY-MM-DD."""
    return [week.isoformat() for week in weeks]


class _Lazy:
    """Maps made on first read and kept (an alias selecting one twice makes it once)."""

    __slots__ = ("_made",)

    def __init__(self) -> None:
        self._made: dict[str, Map] = {}

    def _map(self, name: str, build: Callable[[], Map]) -> Map:
        made = self._made.get(name)
        if made is None:
            made = self._made[name] = build()
        return made


def _cents(value: Decimal) -> int:
    return int(value * 100)  # hours are exact to 0.01


class LoadMaps(_Lazy):
    """A person's `hoursByWeek` as maps, from the person's hours in the window (`hours`, as
    the hours loader answers them) and the calendar's weeks (`weeks`, one per key).
    `calendar` builds the capacity, time-off and holiday maps (the heatmap's CalendarMaps,
    one per batch of people and window)."""

    __slots__ = ("_split", "calendar", "hours", "keys", "week_keys", "weeks")

    def __init__(
        self,
        dates: Sequence[dt.date],
        keys: Sequence[str],
        hours: Split,
        weeks: Sequence[WeekCapacity],
        calendar: CalendarMaps,
    ):
        super().__init__()
        self.week_keys = dates
        self.keys = keys
        self.hours = hours
        self.weeks = weeks
        self.calendar = calendar
        self._split: list[tuple[int, int]] | None = None

    def split(self) -> list[tuple[int, int]]:
        """(confirmed, tentative) cents per week of the window: only the weeks with hours
        converted (most of a window's, for most people, have none)."""
        if self._split is None:
            hours = self.hours
            self._split = [
                (_cents(pair[0]), _cents(pair[1]) if pair[1] else 0) if pair else NO_CENTS
                for pair in map(hours.get, self.week_keys)
            ]
        return self._split

    def _hours(self, part: Callable[[int, int], int]) -> Map:
        """{key: part(confirmed, tentative) / 100} where it is not 0."""
        if not self.hours:
            return {}
        return {
            key: v / 100
            for key, (c, t) in zip(self.keys, self.split(), strict=True)
            if (v := part(c, t))
        }

    def _totals(self) -> list[int]:
        return [c + t for c, t in self.split()]

    # weeks where not 0
    @property
    def hours_by_week(self) -> Map:
        return self._map("hours", lambda: self._hours(lambda c, t: c + t))

    @property
    def confirmed_by_week(self) -> Map:
        return self._map("confirmed", lambda: self._hours(lambda c, t: c))

    @property
    def tentative_by_week(self) -> Map:
        return self._map("tentative", lambda: self._hours(lambda c, t: t))

    @property
    def time_off_by_week(self) -> Map:
        return self.calendar(self.weeks)[1]

    @property
    def holiday_by_week(self) -> Map:
        return self.calendar(self.weeks)[2]

    @property
    def overbooked_by_week(self) -> Map:
        def build() -> Map:
            if not self.hours:
                return {}
            return {
                key: True
                for key, wc, h in zip(self.keys, self.weeks, self._totals(), strict=True)
                if h > wc.capacity
            }

        return self._map("overbooked", build)

    # every week
    @property
    def capacity_by_week(self) -> Map:
        return self.calendar(self.weeks)[0]

    @property
    def scheduled_by_week(self) -> Map:
        return self._map(
            "scheduled",
            lambda: {
                key: wc.scheduled / 100 for key, wc in zip(self.keys, self.weeks, strict=True)
            },
        )

    @property
    def available_by_week(self) -> Map:
        def build() -> Map:
            if not self.hours:  # all of the capacity (the heatmap's idle rows share it too)
                return self.capacity_by_week
            return {
                key: (wc.capacity - h) / 100 if wc.capacity > h else 0.0
                for key, wc, h in zip(self.keys, self.weeks, self._totals(), strict=True)
            }

        return self._map("available", build)

    @property
    def percent_by_week(self) -> Map:
        def build() -> Map:
            totals = self._totals() if self.hours else [0] * len(self.keys)
            return {
                key: tenths_of_percent(h, wc.capacity) / 10 if wc.capacity else None
                for key, wc, h in zip(self.keys, self.weeks, totals, strict=True)
            }

        return self._map("percent", build)


class HoursMaps(_Lazy):
    """An assignment's or a placeholder's `hoursByWeek` (one WeekHours per week of the
    window) as maps: `confirmed` and `tentative` hold each week's part (absent: 0)."""

    __slots__ = ("confirmed", "keys", "tentative", "week_keys")

    def __init__(
        self,
        weeks: Sequence[dt.date],
        keys: Sequence[str],
        confirmed: Mapping[dt.date, Decimal],
        tentative: Mapping[dt.date, Decimal],
    ):
        super().__init__()
        self.week_keys = weeks
        self.keys = keys
        self.confirmed = confirmed
        self.tentative = tentative

    def _window(self, part: Mapping[dt.date, Decimal]) -> Map:
        """{key: float(hours)} of `part`'s weeks in the window where not 0 (one pass)."""
        if not part:
            return {}
        return {
            key: float(h)
            for week, key in zip(self.week_keys, self.keys, strict=True)
            if (h := part.get(week))
        }

    @property
    def hours_by_week(self) -> Map:
        def build() -> Map:
            if not self.tentative:  # one side only (an assignment's): that side's map
                return self.confirmed_by_week
            if not self.confirmed:
                return self.tentative_by_week
            confirmed, tentative = self.confirmed, self.tentative
            return {
                key: float(h)
                for week, key in zip(self.week_keys, self.keys, strict=True)
                if (h := confirmed.get(week, ZERO) + tentative.get(week, ZERO))
            }

        return self._map("hours", build)

    @property
    def confirmed_by_week(self) -> Map:
        return self._map("confirmed", lambda: self._window(self.confirmed))

    @property
    def tentative_by_week(self) -> Map:
        return self._map("tentative", lambda: self._window(self.tentative))


def split_hours(
    hours: Mapping[dt.date, tuple[Decimal, Decimal]],
) -> tuple[dict[dt.date, Decimal], dict[dt.date, Decimal]]:
    """{week: (confirmed, tentative)} as the two maps HoursMaps takes."""
    return (
        {w: c for w, (c, _) in hours.items()},
        {w: t for w, (_, t) in hours.items() if t},
    )
