"""Ranking people for a placeholder (docs/design.md, "Placeholder.candidates"): find-available's
score over the placeholder's weeks with hours, its required skills held at their minimum
proficiency. Pure arithmetic over plain values, no ORM."""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .calendar import NOT_EMPLOYED, WeekCapacity
from .capacity import ZERO, availability_percent, cents, round_half_away
from .reports import PersonFacts
from .skills import HeldSkill, skill_score
from .weeks import sunday

PROFICIENCY_RANK = {"beginner": 0, "intermediate": 1, "advanced": 2, "expert": 3}
# The weights are findAvailable's defaults.
AVAILABILITY_WEIGHT = SKILL_WEIGHT = Decimal("0.5")
# A placeholder is ranked over at most its first 260 weeks with hours (five years, the most
# one weeklyHours map may name): the work is people x weeks.
MAX_DEMAND_WEEKS = 260


@dataclass(frozen=True, slots=True)
class Requirement:
    """A required skill: its name and the lowest proficiency that counts."""

    name: str
    min_proficiency: str


@dataclass(frozen=True, slots=True)
class PlaceholderCandidate:
    person: PersonFacts
    score: Decimal
    availability_percent: Decimal  # rounded to 0.1
    available_hours: Decimal
    demand_hours: Decimal
    skill_score: int
    matched_skills: list[str]
    missing_skills: list[str]


def demand_weeks(hours: Mapping[dt.date, Decimal]) -> list[dt.date]:
    """The weeks a placeholder has hours in, ascending: at most the first MAX_DEMAND_WEEKS."""
    return sorted(week for week, h in hours.items() if h)[:MAX_DEMAND_WEEKS]


def employed_in_any(person: PersonFacts, weeks: Sequence[dt.date]) -> bool:
    """Employed on at least one day of one of `weeks` (its hire and end dates)."""
    return any(
        (person.hire_date is None or person.hire_date <= sunday(week))
        and (person.end_date is None or person.end_date >= week)
        for week in weeks
    )


def held_at_level(held: Sequence[HeldSkill], required: Sequence[Requirement]) -> list[HeldSkill]:
    """`held` without the required skills held below their minimum proficiency."""
    minimum = {r.name.casefold(): PROFICIENCY_RANK[r.min_proficiency] for r in required}
    return [s for s in held if PROFICIENCY_RANK[s.proficiency] >= minimum.get(s.name.casefold(), 0)]


def placeholder_candidates(
    people: Iterable[PersonFacts],
    demand: Mapping[dt.date, Decimal],
    hours: Mapping[int, Mapping[dt.date, Decimal]],
    capacities: Mapping[int, Mapping[dt.date, WeekCapacity]],
    skills: Mapping[int, Sequence[HeldSkill]],
    required: Sequence[Requirement],
    limit: int,
) -> list[PlaceholderCandidate]:
    """docs/design.md: over D, the weeks with placeholder hours (`demand`), for each person
    employed in one of them: availability % = 100 x sum of available / sum of capacity (0
    with no capacity), skill score against the required skills held at their level; score =
    round(0.5 x availability % + 0.5 x skill score, 0.1) (no skill part without required
    skills); by score desc, available hours desc, name, id; the first `limit`."""
    weeks = demand_weeks(demand)
    if not weeks:
        return []
    demand_hours = sum((demand[w] for w in weeks), ZERO)
    names = [r.name for r in required]
    skill_weight = SKILL_WEIGHT if names else ZERO
    result = []
    for person in people:
        if not employed_in_any(person, weeks):
            continue
        person_hours = hours.get(person.id, {})
        person_caps = capacities.get(person.id, {})
        capacity = free = ZERO
        for week in weeks:
            cap = cents(person_caps.get(week, NOT_EMPLOYED).capacity)
            capacity += cap
            free += max(ZERO, cap - person_hours.get(week, ZERO))
        pct = availability_percent(free, capacity)
        if names:
            ss = skill_score(held_at_level(skills.get(person.id, ()), required), names)
            part, matched, missing = ss.score, ss.matched_skills, ss.missing_skills
        else:
            part, matched, missing = 0, [], []
        result.append(
            PlaceholderCandidate(
                person=person,
                score=round_half_away(AVAILABILITY_WEIGHT * pct + skill_weight * part),
                availability_percent=round_half_away(pct),
                available_hours=free,
                demand_hours=demand_hours,
                skill_score=part,
                matched_skills=matched,
                missing_skills=missing,
            )
        )
    result.sort(key=lambda c: (-c.score, -c.available_hours, c.person.name, c.person.id))
    return result[:limit]
