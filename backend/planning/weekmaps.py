"""The typed week lists as JSON maps keyed by Monday (`Person.weekMaps`, `Booking.weekMaps`,
`Placeholder.weekMaps`; docs/design.md, "Week maps"), with the heatmap's key format and
zero rule: sums that are usually 0 (hours, time off, holidays...) list the weeks where they
are not; base figures (capacity, availability, percent) list every week.

Each map is made from the same values the typed list answers (`capacity.WeekLoad`, or an
assignment's hours by week), with the same float conversion, when it is first read: a
document pays only for the maps it selects. One object may be shared by several people
whose weeks are the same objects (the batch forms share equal `WeekLoad`s): a map is then
made once and sent for each of them.
"""

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from .capacity import ZERO, WeekLoad

Map = dict[str, Any]
NO_WEEKS: Mapping[dt.date, Decimal] = {}


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


def _where(keys: Sequence[str], values: Sequence[Decimal]) -> Map:
    """{key: float(value)} for the values that are not 0."""
    return {key: float(v) for key, v in zip(keys, values, strict=True) if v}


def _every(keys: Sequence[str], values: Sequence[Decimal | None]) -> Map:
    """{key: float(value)} for every week (null stays null)."""
    return {key: None if v is None else float(v) for key, v in zip(keys, values, strict=True)}


class LoadMaps(_Lazy):
    """A person's `hoursByWeek` (a list of WeekLoad, one per week of the window) as maps."""

    __slots__ = ("keys", "loads", "week_keys")

    def __init__(self, weeks: Sequence[dt.date], keys: Sequence[str], loads: Sequence[WeekLoad]):
        super().__init__()
        self.week_keys = weeks
        self.keys = keys
        self.loads = loads

    def _sparse(self, attribute: str) -> Map:
        return self._map(
            attribute, lambda: _where(self.keys, [getattr(w, attribute) for w in self.loads])
        )

    def _dense(self, attribute: str) -> Map:
        return self._map(
            attribute, lambda: _every(self.keys, [getattr(w, attribute) for w in self.loads])
        )

    # weeks where not 0
    @property
    def hours_by_week(self) -> Map:
        return self._sparse("hours")

    @property
    def confirmed_by_week(self) -> Map:
        return self._sparse("confirmed_hours")

    @property
    def tentative_by_week(self) -> Map:
        return self._sparse("tentative_hours")

    @property
    def time_off_by_week(self) -> Map:
        return self._sparse("time_off_hours")

    @property
    def holiday_by_week(self) -> Map:
        return self._sparse("holiday_hours")

    @property
    def overbooked_by_week(self) -> Map:
        return self._map(
            "overbooked",
            lambda: {k: True for k, w in zip(self.keys, self.loads, strict=True) if w.overbooked},
        )

    # every week
    @property
    def capacity_by_week(self) -> Map:
        return self._dense("capacity")

    @property
    def scheduled_by_week(self) -> Map:
        return self._dense("scheduled_hours")

    @property
    def available_by_week(self) -> Map:
        return self._dense("available_hours")

    @property
    def percent_by_week(self) -> Map:
        return self._dense("utilization_percent")


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

    def _part(self, part: Mapping[dt.date, Decimal]) -> list[Decimal]:
        return [part.get(w, ZERO) for w in self.week_keys]

    @property
    def hours_by_week(self) -> Map:
        def build() -> Map:
            if not self.tentative:  # one side only (an assignment's): that side's map
                return self.confirmed_by_week
            if not self.confirmed:
                return self.tentative_by_week
            confirmed, tentative = self._part(self.confirmed), self._part(self.tentative)
            return _where(self.keys, [c + t for c, t in zip(confirmed, tentative, strict=True)])

        return self._map("hours", build)

    @property
    def confirmed_by_week(self) -> Map:
        return self._map("confirmed", lambda: _where(self.keys, self._part(self.confirmed)))

    @property
    def tentative_by_week(self) -> Map:
        return self._map("tentative", lambda: _where(self.keys, self._part(self.tentative)))


def split_hours(
    hours: Mapping[dt.date, tuple[Decimal, Decimal]],
) -> tuple[dict[dt.date, Decimal], dict[dt.date, Decimal]]:
    """{week: (confirmed, tentative)} as the two maps HoursMaps takes."""
    return (
        {w: c for w, (c, _) in hours.items()},
        {w: t for w, (_, t) in hours.items() if t},
    )
