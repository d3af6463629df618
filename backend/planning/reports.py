"""Pure report arithmetic over batched data (no ORM): heatmap rows, rankings, role series.

Inputs are plain values: people as `PersonFacts`, hours as `{person_id: {week: hours}}`,
capacities from the availability calendar as `{person_id: [WeekCapacity per week]}` or, for
one week, `{person_id: WeekCapacity}` (calendars.selectors builds them; a person left out
has no capacity).
"""

import datetime as dt
import heapq
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .calendar import NOT_EMPLOYED, LeaveWeeks, WeekCapacity
from .capacity import (
    ZERO,
    WeekLoad,
    availability_percent,
    available_hours,
    cents,
    round_half_away,
    utilization_percent,
    week_load,
)
from .skills import HeldSkill, SkillScore, skill_score

Hours = Mapping[dt.date, Decimal]


@dataclass(slots=True, unsafe_hash=True)
class PersonFacts:
    """A person as the reports read them: the attributes of `people.models.Person` that the
    GraphQL `Person` type resolves from, without the cost of model instances. Read, never
    changed (hashed by value); not frozen: a report makes one per person in scope, and a
    frozen dataclass's __init__ costs twice as much."""

    id: int
    name: str
    weekly_capacity: Decimal
    hire_date: dt.date | None
    department_id: int | None = None
    role_id: int | None = None
    email: str | None = None
    end_date: dt.date | None = None
    holiday_calendar_id: int | None = None
    is_active: bool = True


@dataclass(slots=True)  # not frozen: a frozen dataclass's __init__ costs 3x (10,000 rows)
class HeatmapRow:
    person: PersonFacts
    weekly_capacity: Decimal
    hours_by_week: dict[str, float]
    percent_by_week: dict[str, float | None]
    available_by_week: dict[str, float]
    capacity_by_week: dict[str, float]
    time_off_by_week: dict[str, float]
    holiday_by_week: dict[str, float]
    peak_percent: float | None
    average_percent: float | None
    # Passed through for the screens: the person's time off and the calendar they follow.
    absences: Sequence[Any] = ()
    holiday_calendar_id: int | None = None
    # The tentative hours included in hours_by_week, non-zero weeks.
    tentative_by_week: Mapping[str, float] = field(default_factory=dict)


def _cents(value: Decimal) -> int:
    return int(value * 100)


def tenths_of_percent(hours_cents: int, capacity_cents: int) -> int:
    """round(100 * hours / capacity, 1) in tenths, half away from zero, in exact integers."""
    return (2000 * hours_cents + capacity_cents) // (2 * capacity_cents)


class CalendarMaps:
    """A person's `{Monday: hours}` maps of capacity (every week), and of the hours time off
    and holidays removed (weeks where not 0). People alike share one list of weeks
    (calendars.selectors): their maps are the same objects too, built once. A person whose
    leave changes some of those weeks (`LeaveWeeks`) gets a copy of the shared capacity map
    with those weeks replaced, a time-off map of those weeks alone, and the shared holiday
    map itself (leave never changes a week's holiday hours)."""

    def __init__(self, keys: Sequence[str]) -> None:
        self.keys = keys
        self.built: dict[int, tuple[dict[str, float], dict[str, float], dict[str, float]]] = {}
        self._alive: list[Sequence[WeekCapacity]] = []

    def __call__(
        self, weeks: Sequence[WeekCapacity]
    ) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
        maps = self.built.get(id(weeks))
        if maps is not None:
            return maps
        if isinstance(weeks, LeaveWeeks):
            shared_capacity, _, holiday = self(weeks.base)
            capacity = shared_capacity.copy()
            time_off = {}
            keys = self.keys
            for i in weeks.changed:
                wc = weeks[i]
                capacity[keys[i]] = wc.capacity / 100
                if wc.time_off:
                    time_off[keys[i]] = wc.time_off / 100
            maps = (capacity, time_off, holiday)
        else:
            capacity, time_off, holiday = {}, {}, {}
            for key, wc in zip(self.keys, weeks, strict=True):
                capacity[key] = wc.capacity / 100
                if wc.time_off:
                    time_off[key] = wc.time_off / 100
                if wc.holiday:
                    holiday[key] = wc.holiday / 100
            maps = (capacity, time_off, holiday)
        # kept alive with the maps: an id is only unique among objects alive together
        self.built[id(weeks)] = maps
        self._alive.append(weeks)
        return maps


def heatmap_rows(
    people: Iterable[PersonFacts],
    hours: Mapping[int, Hours],
    weeks: Sequence[dt.date],
    capacities: Mapping[int, Sequence[WeekCapacity]],
    absences: Mapping[int, Sequence[Any]] | None = None,
    calendar_of: Mapping[int, int | None] | None = None,
    tentative: Mapping[int, Hours] | None = None,
) -> list[HeatmapRow]:
    """Every person's heatmap maps (and, passed through for the screens, their absences and
    the holiday calendar they follow, and the tentative part of their hours). The same
    definitions as `capacity.week_load`, computed in integer cents: a 500 x 26 heatmap is
    13,000 cells, and Decimal arithmetic per cell was most of the report's time. `weeks`
    ascend (week_keys); `capacities` align with them. `hours` include the `tentative` part;
    heatmap_rows_in_cents takes both in cents, as the report reads them."""
    held = tentative or {}
    cents = {
        pid: {
            week: [_cents(h) - _cents(held.get(pid, {}).get(week, ZERO)), 0]
            for week, h in person_hours.items()
        }
        for pid, person_hours in hours.items()
    }
    for pid, person_held in held.items():
        for week, h in person_held.items():
            cents.setdefault(pid, {}).setdefault(week, [0, 0])[1] = _cents(h)
    return heatmap_rows_in_cents(people, cents, weeks, capacities, absences, calendar_of)


def heatmap_rows_in_cents(
    people: Iterable[PersonFacts],
    hours: Mapping[int, Mapping[dt.date, Sequence[int]]],
    weeks: Sequence[dt.date],
    capacities: Mapping[int, Sequence[WeekCapacity]],
    absences: Mapping[int, Sequence[Any]] | None = None,
    calendar_of: Mapping[int, int | None] | None = None,
) -> list[HeatmapRow]:
    """heatmap_rows with each person's hours as {week: (confirmed cents, tentative cents)}
    (assignments.selectors.split_cents_by_person_week): no Decimal per cell."""
    keys = [week.isoformat() for week in weeks]
    nobody = [NOT_EMPLOYED] * len(weeks)
    # What people who share their list of weeks (calendars.selectors) share: their
    # calendar maps, and the load maps of those without hours in the window (most of an
    # organisation's, in any one window), built once per list of weeks.
    shared = _SharedWeeks(keys)
    index = {week: i for i, week in enumerate(weeks)}
    rows = []
    for person in people:
        pid = person.id
        alike = shared(capacities.get(pid, nobody))
        capacity_map, time_off_map, holiday_map = alike.calendar
        person_hours = hours.get(pid)
        loads = _load_maps(person_hours, index, keys, alike) if person_hours else alike.idle
        hours_map, percent_map, available_map, tentative_map, peak, average = loads
        # positional, in the field order: keywords cost three times as much (10,000 rows)
        rows.append(
            HeatmapRow(
                person,
                person.weekly_capacity,
                hours_map,
                percent_map,
                available_map,
                capacity_map,
                time_off_map,
                holiday_map,
                peak,
                average,
                () if absences is None else absences.get(pid, ()),
                None if calendar_of is None else calendar_of.get(pid),
                tentative_map,
            )
        )
    return rows


# hours, percent, available and tentative maps, peak and average percent
LoadMaps = tuple[
    dict[str, float],
    dict[str, float | None],
    dict[str, float],
    dict[str, float],
    float | None,
    float | None,
]


@dataclass(slots=True)
class _Alike:
    """What the people of one list of weeks share (_SharedWeeks)."""

    calendar: tuple[dict[str, float], dict[str, float], dict[str, float]]  # CalendarMaps'
    idle: LoadMaps  # the load maps without any hours
    capacities: list[int]  # each week's capacity, in cents
    weeks_with_capacity: int
    total_capacity: int  # in cents


class _SharedWeeks:
    """By list of weeks (people alike share theirs, calendars.selectors): the calendar maps
    (CalendarMaps) and the load maps of people without hours in the window. Those are
    shared as far as they can be: no hours, so a week's percent is 0.0 where it has
    capacity (null where not) and its available hours are its capacity (the capacity map
    itself, read, never changed); one percent map per set of weeks without capacity."""

    def __init__(self, keys: Sequence[str]) -> None:
        self.keys = keys
        self.calendar_maps = CalendarMaps(keys)
        self.by_weeks: dict[int, _Alike] = {}
        self.percent: dict[tuple[int, ...], dict[str, float | None]] = {}
        self._alive: list[Sequence[WeekCapacity]] = []  # as CalendarMaps: ids stay unique
        self.nothing: dict[str, float] = {}

    def __call__(self, weeks: Sequence[WeekCapacity]) -> _Alike:
        found = self.by_weeks.get(id(weeks))
        if found is not None:
            return found
        calendar = self.calendar_maps(weeks)
        capacities = [wc.capacity for wc in weeks]
        without = tuple(i for i, cap in enumerate(capacities) if not cap)
        percent = self.percent.get(without)
        if percent is None:
            percent = self.percent[without] = {key: 0.0 for key in self.keys}
            for i in without:
                percent[self.keys[i]] = None
        some = len(without) < len(self.keys)
        idle = (
            self.nothing,
            percent,
            calendar[0],
            self.nothing,
            0.0 if some else None,
            0.0 if some else None,
        )
        found = self.by_weeks[id(weeks)] = _Alike(
            calendar, idle, capacities, len(capacities) - len(without), sum(capacities)
        )
        self._alive.append(weeks)
        return found


def _load_maps(
    person_hours: Mapping[dt.date, Sequence[int]],
    index: Mapping[dt.date, int],
    keys: Sequence[str],
    alike: _Alike,
) -> LoadMaps:
    """A heatmap row's hours, percent, available and tentative maps, and its peak and
    average percent, from its hours in cents (weeks of the window, by `index`) and its
    weeks' capacity. A week without hours is as in `alike.idle`, the maps of the same weeks
    without any hours: those are copied and only the weeks with hours (about a third of a
    10,000-person heatmap's) are computed."""
    _, idle_percent, idle_available, _, _, _ = alike.idle
    percent_map = idle_percent.copy()
    available_map = idle_available.copy()
    capacities = alike.capacities
    hours_map: dict[str, float] = {}
    tentative_map: dict[str, float] = {}
    peak: int | None = None
    total_hours = 0
    counted = 0  # weeks with hours and capacity
    cells = [(i, cell) for week, cell in person_hours.items() if (i := index.get(week)) is not None]
    cells.sort()  # by week: each week once, so cells are never compared
    for i, (confirmed, held) in cells:
        h = confirmed + held
        key = keys[i]
        if h:
            hours_map[key] = h / 100
        if held:
            tentative_map[key] = held / 100
        cap = capacities[i]
        if cap:  # else null and 0.0, as in `idle`
            tenths = (2000 * h + cap) // (2 * cap)
            percent_map[key] = tenths / 10
            available_map[key] = (cap - h) / 100 if cap > h else 0.0
            if peak is None or tenths > peak:
                peak = tenths
            total_hours += h
            counted += 1
    if counted < alike.weeks_with_capacity:  # a week with capacity and no hours: 0.0
        peak = 0 if peak is None else max(peak, 0)
    total_capacity = alike.total_capacity
    return (
        hours_map,
        percent_map,
        available_map,
        tentative_map,
        None if peak is None else peak / 10,
        tenths_of_percent(total_hours, total_capacity) / 10 if total_capacity else None,
    )


@dataclass(frozen=True, slots=True)
class Candidate:
    person: PersonFacts
    score: Decimal
    available_hours: Decimal
    capacity: Decimal
    utilization_percent: Decimal | None
    skill_score: int
    matched_skills: list[str]
    missing_skills: list[str]
    hours: Decimal = ZERO  # hours(P, W) in the week asked about


WeekCapacities = Mapping[int, WeekCapacity]


class _SkillScores:
    """skill_score against one request, once per distinct list of held skills (most people
    hold none or the same few of the requested ones)."""

    def __init__(self, requested: Sequence[str]) -> None:
        self.requested = requested
        self.known: dict[tuple[HeldSkill, ...], SkillScore] = {}

    def __call__(self, held: Sequence[HeldSkill]) -> SkillScore:
        key = tuple(held)
        found = self.known.get(key)
        if found is None:
            found = self.known[key] = skill_score(held, self.requested)
        return found


def find_available(
    people: Iterable[PersonFacts],
    hours: Mapping[int, Hours],
    skills: Mapping[int, Sequence[HeldSkill]],
    week: dt.date,
    capacities: WeekCapacities,
    requested: Sequence[str] | None,
    availability_weight: Decimal,
    skill_weight: Decimal,
    min_available_hours: Decimal | None,
    limit: int,
) -> list[Candidate]:
    """docs/design.md: score = aw * availabilityPercent + sw * skillScore (sw = 0 without skills),
    rounded to 0.1; sorted by score desc, availableHours desc, name, id."""
    if not requested:
        skill_weight = ZERO
    scores = _SkillScores(requested or ())
    # Thousands of people share a few (capacity, hours, skill score) triples: the Decimal
    # arithmetic runs once per triple (the same values, whichever person asks), and a
    # Candidate is made only for the first `limit` of the order.
    figures: dict[
        tuple[Decimal, Decimal, int], tuple[Decimal, Decimal, Decimal, Decimal | None]
    ] = {}
    in_cents: dict[int, Decimal] = {}
    no_hours: Hours = {}
    ranked = []
    for person in people:
        capacity = capacities.get(person.id, NOT_EMPLOYED).capacity
        cap = in_cents.get(capacity)
        if cap is None:
            cap = in_cents[capacity] = cents(capacity)
        h = hours.get(person.id, no_hours).get(week, ZERO)
        free = available_hours(cap, h)
        if min_available_hours is not None and free < min_available_hours:
            continue
        if requested:
            ss = scores(skills.get(person.id, ()))
            score_part, matched, missing = ss.score, ss.matched_skills, ss.missing_skills
        else:
            score_part, matched, missing = 0, [], []
        known = figures.get((cap, h, score_part))
        if known is None:
            score = round_half_away(
                availability_weight * availability_percent(free, cap) + skill_weight * score_part
            )
            known = figures[cap, h, score_part] = (
                score,
                -score,
                -free,
                utilization_percent(h, cap),
            )
        score, less_score, less_free, utilization = known
        # the order: score desc, available hours desc, name, id (unique: no tie reaches
        # the rest of the tuple)
        ranked.append(
            (
                less_score,
                less_free,
                person.name,
                person.id,
                person,
                utilization,
                score_part,
                matched,
                missing,
                h,
                cap,
                score,
                free,
            )
        )
    # the first `limit` of the whole order (heapq: sorted(...)[:limit] without sorting all)
    return [
        Candidate(person, score, free, cap, utilization, score_part, matched, missing, hours=h)
        for (
            _,
            _,
            _,
            _,
            person,
            utilization,
            score_part,
            matched,
            missing,
            h,
            cap,
            score,
            free,
        ) in heapq.nsmallest(limit, ranked)
    ]


SKILL_SHARE = Decimal("0.7")
AVAILABILITY_SHARE = Decimal("0.3")


def skill_match(
    people: Iterable[PersonFacts],
    hours: Mapping[int, Hours],
    skills: Mapping[int, Sequence[HeldSkill]],
    requested: Sequence[str],
    week: dt.date | None,
    capacities: WeekCapacities,
    limit: int,
) -> list[Candidate]:
    """docs/design.md: score = skillScore, or 0.7 * skillScore + 0.3 * availabilityPercent with a
    week; rounded to 0.1. People matching none of the skills are left out."""
    scores = _SkillScores(requested)
    # as in find_available: the Decimal arithmetic once per (capacity, hours, skill score),
    # a Candidate only for the first `limit`
    figures: dict[tuple[Decimal, Decimal, int], tuple[Decimal, Decimal, Decimal, Decimal | None]]
    figures = {}
    in_cents: dict[int, Decimal] = {}
    no_hours: Hours = {}
    ranked = []
    for person in people:
        ss = scores(skills.get(person.id, ()))
        if not ss.matched_skills:
            continue
        if week is None:
            cap = free = h = ZERO
            known = figures.get((cap, h, ss.score))
            if known is None:
                score = round_half_away(Decimal(ss.score))
                known = figures[cap, h, ss.score] = (score, -score, -free, None)
        else:
            capacity = capacities.get(person.id, NOT_EMPLOYED).capacity
            known_cap = in_cents.get(capacity)
            if known_cap is None:
                known_cap = in_cents[capacity] = cents(capacity)
            cap = known_cap
            h = hours.get(person.id, no_hours).get(week, ZERO)
            free = available_hours(cap, h)
            known = figures.get((cap, h, ss.score))
            if known is None:
                score = round_half_away(
                    SKILL_SHARE * ss.score + AVAILABILITY_SHARE * availability_percent(free, cap)
                )
                known = figures[cap, h, ss.score] = (
                    score,
                    -score,
                    -free,
                    utilization_percent(h, cap),
                )
        score, less_score, less_free, pct = known
        # score desc, available hours desc (all 0 without a week), name, id
        ranked.append(
            (less_score, less_free, person.name, person.id, person, ss, score, free, cap, pct)
        )
    return [
        Candidate(person, score, free, cap, pct, ss.score, ss.matched_skills, ss.missing_skills)
        for (*_, person, ss, score, free, cap, pct) in heapq.nsmallest(limit, ranked)
    ]


def role_series(
    people: Iterable[PersonFacts],
    hours: Mapping[int, Hours],
    role_ids: Sequence[int],
    weeks: Sequence[dt.date],
    capacities: Mapping[int, Sequence[WeekCapacity]],
) -> dict[int, tuple[list[Decimal], list[Decimal]]]:
    """Per role: (assigned, capacity) arrays aligned to `weeks`, zeros where nothing.
    Capacity is summed in integer cents, once per list of weeks that people of a role share
    (calendars.selectors: people alike share one), times the number sharing it: at 10,000
    people a Decimal addition per person and week was most of the report's time."""
    assigned_by_role = {r: [ZERO] * len(weeks) for r in role_ids}
    capacity_cents = {r: [0] * len(weeks) for r in role_ids}
    shared: dict[tuple[int, int], list[Any]] = {}  # (role, id(weeks)) -> [weeks, people]
    for person in people:
        role = person.role_id
        if role not in assigned_by_role:
            continue
        person_hours = hours.get(person.id)
        if person_hours:
            assigned = assigned_by_role[role]
            for i, week in enumerate(weeks):
                h = person_hours.get(week)
                if h is not None:
                    assigned[i] += h
        person_weeks = capacities.get(person.id)
        if person_weeks:
            group = shared.get((role, id(person_weeks)))
            if group is None:
                shared[role, id(person_weeks)] = [person_weeks, 1]
            else:
                group[1] += 1
    for (role, _), (person_weeks, count) in shared.items():
        total = capacity_cents[role]
        for i, wc in enumerate(person_weeks):
            total[i] += count * wc.capacity
    return {r: (assigned_by_role[r], [cents(c) for c in capacity_cents[r]]) for r in role_ids}


def project_availability(
    people: Iterable[Any],
    members: Container[int],
    departments: Container[int | None] | None,
    hours: Mapping[int, Hours],
    project_hours: Mapping[int, Decimal],
    week: dt.date,
    capacities: WeekCapacities,
) -> list[tuple[Any, Decimal, WeekLoad]]:
    """A project's availability in `week`: for each of `people` (by name then id) who is one
    of its `members` (people assigned to it), or with `departments` given, in one of those
    departments: (person, hours on the project, the person's week load)."""
    rows = []
    for person in people:
        if departments is not None:
            if person.department_id not in departments:
                continue
        elif person.id not in members:
            continue
        load = week_load(
            week,
            hours.get(person.id, {}).get(week, ZERO),
            capacities.get(person.id, NOT_EMPLOYED),
        )
        rows.append((person, project_hours.get(person.id, ZERO), load))
    return rows
