"""Pure report arithmetic over batched data (no ORM): heatmap rows, rankings, role series.

Inputs are plain values: people as `PersonFacts`, hours as `{person_id: {week: hours}}`.
"""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .capacity import (
    HUNDRED,
    ZERO,
    availability_percent,
    available_hours,
    capacity,
    round_half_away,
    utilization_percent,
)
from .skills import HeldSkill, skill_score

Hours = Mapping[dt.date, Decimal]


@dataclass(frozen=True, slots=True)
class PersonFacts:
    id: int
    name: str
    weekly_capacity: Decimal
    hire_date: dt.date | None
    department_id: int | None = None
    role_id: int | None = None


@dataclass(frozen=True, slots=True)
class HeatmapRow:
    person_id: int
    weekly_capacity: Decimal
    hours_by_week: dict[str, float]
    percent_by_week: dict[str, float | None]
    available_by_week: dict[str, float]
    peak_percent: Decimal | None
    average_percent: Decimal | None


def heatmap_row(person: PersonFacts, hours: Hours, weeks: Sequence[dt.date]) -> HeatmapRow:
    hours_map: dict[str, float] = {}
    percent_map: dict[str, float | None] = {}
    available_map: dict[str, float] = {}
    peak: Decimal | None = None
    total_hours = total_capacity = ZERO
    for week in weeks:
        key = week.isoformat()
        h = hours.get(week, ZERO)
        cap = capacity(person.weekly_capacity, person.hire_date, week)
        pct = utilization_percent(h, cap)
        if h:
            hours_map[key] = float(h)
        percent_map[key] = None if pct is None else float(pct)
        available_map[key] = float(available_hours(cap, h))
        if pct is not None:
            peak = pct if peak is None else max(peak, pct)
            total_hours += h
            total_capacity += cap
    average = round_half_away(HUNDRED * total_hours / total_capacity) if total_capacity else None
    return HeatmapRow(
        person_id=person.id,
        weekly_capacity=person.weekly_capacity,
        hours_by_week=hours_map,
        percent_by_week=percent_map,
        available_by_week=available_map,
        peak_percent=peak,
        average_percent=average,
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


def _week_facts(person: PersonFacts, hours: Hours, week: dt.date) -> tuple[Decimal, Decimal]:
    cap = capacity(person.weekly_capacity, person.hire_date, week)
    return cap, hours.get(week, ZERO)


def find_available(
    people: Iterable[PersonFacts],
    hours: Mapping[int, Hours],
    skills: Mapping[int, Sequence[HeldSkill]],
    week: dt.date,
    requested: Sequence[str] | None,
    availability_weight: Decimal,
    skill_weight: Decimal,
    min_available_hours: Decimal | None,
    limit: int,
) -> list[Candidate]:
    """DESIGN.md: score = aw * availabilityPercent + sw * skillScore (sw = 0 without skills),
    rounded to 0.1; sorted by score desc, availableHours desc, name, id."""
    if not requested:
        skill_weight = ZERO
    result = []
    for person in people:
        cap, h = _week_facts(person, hours.get(person.id, {}), week)
        free = available_hours(cap, h)
        if min_available_hours is not None and free < min_available_hours:
            continue
        if requested:
            ss = skill_score(skills.get(person.id, ()), requested)
            score_part, matched, missing = ss.score, ss.matched_skills, ss.missing_skills
        else:
            score_part, matched, missing = 0, [], []
        score = round_half_away(
            availability_weight * availability_percent(free, cap) + skill_weight * score_part
        )
        result.append(
            Candidate(
                person, score, free, cap, utilization_percent(h, cap), score_part, matched, missing
            )
        )
    result.sort(key=lambda c: (-c.score, -c.available_hours, c.person.name, c.person.id))
    return result[:limit]


SKILL_SHARE = Decimal("0.7")
AVAILABILITY_SHARE = Decimal("0.3")


def skill_match(
    people: Iterable[PersonFacts],
    hours: Mapping[int, Hours],
    skills: Mapping[int, Sequence[HeldSkill]],
    requested: Sequence[str],
    week: dt.date | None,
    limit: int,
) -> list[Candidate]:
    """DESIGN.md: score = skillScore, or 0.7 * skillScore + 0.3 * availabilityPercent with a
    week; rounded to 0.1. People matching none of the skills are left out."""
    result = []
    for person in people:
        ss = skill_score(skills.get(person.id, ()), requested)
        if not ss.matched_skills:
            continue
        if week is None:
            cap = free = ZERO
            pct = None
            score = round_half_away(Decimal(ss.score))
        else:
            cap, h = _week_facts(person, hours.get(person.id, {}), week)
            free = available_hours(cap, h)
            pct = utilization_percent(h, cap)
            score = round_half_away(
                SKILL_SHARE * ss.score + AVAILABILITY_SHARE * availability_percent(free, cap)
            )
        result.append(
            Candidate(person, score, free, cap, pct, ss.score, ss.matched_skills, ss.missing_skills)
        )
    if week is None:
        result.sort(key=lambda c: (-c.score, c.person.name, c.person.id))
    else:
        result.sort(key=lambda c: (-c.score, -c.available_hours, c.person.name, c.person.id))
    return result[:limit]


def role_series(
    people: Iterable[PersonFacts],
    hours: Mapping[int, Hours],
    role_ids: Sequence[int],
    weeks: Sequence[dt.date],
) -> dict[int, tuple[list[Decimal], list[Decimal]]]:
    """Per role: (assigned, capacity) arrays aligned to `weeks`, zeros where nothing."""
    series = {r: ([ZERO] * len(weeks), [ZERO] * len(weeks)) for r in role_ids}
    for person in people:
        if person.role_id not in series:
            continue
        assigned, cap = series[person.role_id]
        person_hours = hours.get(person.id, {})
        for i, week in enumerate(weeks):
            assigned[i] += person_hours.get(week, ZERO)
            cap[i] += capacity(person.weekly_capacity, person.hire_date, week)
    return series


def first_eligible_week(hire_date: dt.date | None) -> dt.date | None:
    """The Monday of the week a person starts counting (None: always counted)."""
    if hire_date is None:
        return None
    return hire_date - dt.timedelta(days=hire_date.weekday())
