import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import NamedTuple

from assignments import selectors
from assignments.models import Assignment, AssignmentWeek
from assignments.queries import ordered_assignments

from .base import SyncBatchLoader


class OwnerKey(NamedTuple):
    owner_id: int
    include_inactive: bool


class AssignmentsByPersonLoader(SyncBatchLoader[OwnerKey, list[Assignment]]):
    owner_field = "person_id"

    def load_batch(self, keys: Sequence[OwnerKey]) -> dict[OwnerKey, list[Assignment]]:
        owners = {k.owner_id for k in keys}
        qs = ordered_assignments(Assignment.objects.visible_to(self.context.scope)).filter(
            **{f"{self.owner_field}__in": owners}
        )
        if all(k.include_inactive is False for k in keys):
            qs = qs.filter(is_active=True)
        result: dict[OwnerKey, list[Assignment]] = defaultdict(list)
        for row in qs:
            owner = getattr(row, self.owner_field)
            result[OwnerKey(owner, True)].append(row)
            if row.is_active:
                result[OwnerKey(owner, False)].append(row)
        return result

    def default(self) -> list[Assignment]:
        return []


class AssignmentsByProjectLoader(AssignmentsByPersonLoader):
    owner_field = "project_id"


class HoursByAssignmentLoader(SyncBatchLoader[int, dict[dt.date, Decimal]]):
    """Every planned week of an assignment, in week order."""

    def load_batch(self, keys: Sequence[int]) -> dict[int, dict[dt.date, Decimal]]:
        result: dict[int, dict[dt.date, Decimal]] = defaultdict(dict)
        rows = (
            AssignmentWeek.objects.filter(assignment_id__in=keys)
            .order_by("assignment_id", "week")
            .values_list("assignment_id", "week", "hours")
        )
        for assignment_id, week, hours in rows:
            result[assignment_id][week] = hours
        return result

    def default(self) -> dict[dt.date, Decimal]:
        return {}


class PersonWindow(NamedTuple):
    person_id: int
    first: dt.date
    weeks: int

    @property
    def last(self) -> dt.date:
        return self.first + dt.timedelta(weeks=self.weeks - 1)


class HoursByPersonWindowLoader(SyncBatchLoader[PersonWindow, dict[dt.date, Decimal]]):
    """hours(P, W): active assignments' hours summed per week; weeks without hours are left out.

    All windows asked in one tick share one GROUP BY query over their combined range.
    """

    def load_batch(
        self, keys: Sequence[PersonWindow]
    ) -> dict[PersonWindow, dict[dt.date, Decimal]]:
        by_person = selectors.hours_by_person_week(
            min(k.first for k in keys),
            max(k.last for k in keys),
            person_ids={k.person_id for k in keys},
        )
        result = {}
        for key in keys:
            weeks = by_person.get(key.person_id, {})
            result[key] = {w: h for w, h in weeks.items() if key.first <= w <= key.last}
        return result

    def default(self) -> dict[dt.date, Decimal]:
        return {}
