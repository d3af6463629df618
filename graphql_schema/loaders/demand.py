import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import NamedTuple

from assignments.selectors import placeholder_hours_all_weeks, split_hours_in_weeks
from calendars.selectors import load_calendars
from demand.models import Placeholder, PlaceholderSkill
from demand.selectors import requirements
from people.selectors import active_people, held_skills, people_in_scope
from planning.calendar import WeekCapacity
from planning.demand import PlaceholderCandidate, demand_weeks, placeholder_candidates
from planning.reports import PersonFacts

from .base import SyncBatchLoader


class PlaceholderByIdLoader(SyncBatchLoader[int, Placeholder | None]):
    """Placeholders the viewer may see; others resolve to None, exactly like missing ids."""

    def load_batch(self, keys: Sequence[int]) -> dict[int, Placeholder]:
        return Placeholder.objects.visible_to(self.context.scope).filter(pk__in=keys).in_bulk()


class RequiredSkillsByPlaceholderLoader(SyncBatchLoader[int, list[PlaceholderSkill]]):
    """A placeholder's required skills with their skill, by skill name."""

    def load_batch(self, keys: Sequence[int]) -> dict[int, list[PlaceholderSkill]]:
        result: dict[int, list[PlaceholderSkill]] = defaultdict(list)
        rows = (
            PlaceholderSkill.objects.filter(placeholder_id__in=keys)
            .select_related("skill")
            .order_by("placeholder_id", "skill__name", "id")
        )
        for row in rows:
            result[row.placeholder_id].append(row)
        return result

    def default(self) -> list[PlaceholderSkill]:
        return []


class CandidatesKey(NamedTuple):
    placeholder_id: int
    limit: int
    departments: frozenset[int] | None  # the department / includeChildren arguments
    include_tentative: bool


def counted(split: dict[dt.date, tuple[Decimal, Decimal]], tentative: bool) -> dict:
    """{week: hours} from {week: (confirmed, tentative)}, tentative hours counted or not."""
    return {w: c + t if tentative else c for w, (c, t) in split.items()}


class CandidatesByPlaceholderLoader(SyncBatchLoader[CandidatesKey, list[PlaceholderCandidate]]):
    """Placeholder.candidates for every placeholder asked in one tick: the placeholders'
    hours, their required skills, the people in scope (once per distinct department
    argument), their skills, their hours in the weeks asked, and their calendar (at most
    three queries): at most eight, however many placeholders and people."""

    needs_tree = True

    def load_batch(
        self, keys: Sequence[CandidatesKey]
    ) -> dict[CandidatesKey, list[PlaceholderCandidate]]:
        scope = self.context.scope
        ids = {k.placeholder_id for k in keys}
        split = placeholder_hours_all_weeks(ids)
        demand = {k: counted(split.get(k.placeholder_id, {}), k.include_tentative) for k in keys}
        weeks = sorted({w for k in keys for w in demand_weeks(demand[k])})
        if not weeks:
            return {}
        required = requirements(ids)
        scopes = {k.departments for k in keys}
        people: dict[frozenset[int] | None, list[PersonFacts]] = {
            deps: active_people(scope, deps) for deps in scopes
        }
        everyone = list({p.id: p for group in people.values() for p in group}.values())
        one = next(iter(scopes)) if len(scopes) == 1 else None
        person_ids = [p.id for p in everyone]
        held = held_skills(person_ids) if any(required.get(i) for i in ids) else {}
        hours = split_hours_in_weeks(weeks, scope, one)
        calendars = load_calendars(
            everyone, weeks[0], weeks[-1], self.tree, people_in_scope(scope, one)
        )
        capacities: dict[int, dict[dt.date, WeekCapacity]] = {
            pid: dict(zip(weeks, caps, strict=True))
            for pid, caps in calendars.by_person(weeks).items()
        }
        by_tentative = {
            t: {pid: counted(per, t) for pid, per in hours.items()}
            for t in {k.include_tentative for k in keys}
        }
        return {
            k: placeholder_candidates(
                people[k.departments],
                demand[k],
                by_tentative[k.include_tentative],
                capacities,
                held,
                required.get(k.placeholder_id, []),
                k.limit,
            )
            for k in keys
        }

    def default(self) -> list[PlaceholderCandidate]:
        return []
