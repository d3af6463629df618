import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import NamedTuple

from assignments import selectors
from assignments.models import Assignment, AssignmentWeek
from assignments.queries import ordered_assignments
from planning.capacity import ZERO

from .base import TIMESTAMPS, SyncBatchLoader


class OwnerKey(NamedTuple):
    owner_id: int
    include_inactive: bool


class AssignmentsByPersonLoader(SyncBatchLoader[OwnerKey, list[Assignment]]):
    """People's assignments (`objects`), or placeholders' (`manager` placeholder_rows)."""

    owner_field = "person_id"
    manager = "objects"

    def load_batch(self, keys: Sequence[OwnerKey]) -> dict[OwnerKey, list[Assignment]]:
        owners = {k.owner_id for k in keys}
        rows = getattr(Assignment, self.manager)
        qs = (
            ordered_assignments(rows.visible_to(self.context.scope))
            .filter(**{f"{self.owner_field}__in": owners})
            .defer(*TIMESTAMPS)
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


class AssignmentsByPlaceholderLoader(AssignmentsByPersonLoader):
    """A placeholder's assignments (the viewer may see the placeholder: its loader checked)."""

    owner_field = "placeholder_id"
    manager = "placeholder_rows"


class PlaceholderAssignmentsByProjectLoader(AssignmentsByPersonLoader):
    """A project's placeholder assignments, of placeholders in the viewer's departments."""

    owner_field = "project_id"
    manager = "placeholder_rows"


class HoursByAssignmentLoader(SyncBatchLoader[int, dict[dt.date, Decimal]]):
    """Every planned week of an assignment (of a person or a placeholder), in week order."""

    def load_batch(self, keys: Sequence[int]) -> dict[int, dict[dt.date, Decimal]]:
        result: dict[int, dict[dt.date, Decimal]] = defaultdict(dict)
        rows = (
            AssignmentWeek.all_rows.filter(assignment_id__in=keys)
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
    include_tentative: bool = True

    @property
    def last(self) -> dt.date:
        return self.first + dt.timedelta(weeks=self.weeks - 1)


Split = dict[dt.date, tuple[Decimal, Decimal]]


class HoursByPersonWindowLoader(SyncBatchLoader[PersonWindow, Split]):
    """hours(P, W): active assignments' hours summed per week, as (confirmed, tentative);
    weeks without hours are left out.

    All windows asked in one tick share one GROUP BY query over their combined range; a key
    with `include_tentative` false gets its weeks without the tentative part (tentative 0).
    When no key includes them, the query leaves tentative rows out (a WHERE).
    """

    def read(
        self, first: dt.date, last: dt.date, owners: set[int], include_tentative: bool
    ) -> selectors.SplitMap:
        return selectors.split_hours_by_person_week(
            first, last, owners, include_tentative=include_tentative
        )

    def load_batch(self, keys: Sequence[PersonWindow]) -> dict[PersonWindow, Split]:
        by_owner = self.read(
            min(k.first for k in keys),
            max(k.last for k in keys),
            {k.person_id for k in keys},
            any(k.include_tentative for k in keys),
        )
        result = {}
        for key in keys:
            weeks = by_owner.get(key.person_id, {})
            if key.include_tentative:
                result[key] = {w: h for w, h in weeks.items() if key.first <= w <= key.last}
            else:
                result[key] = {
                    w: (c, ZERO) for w, (c, _) in weeks.items() if key.first <= w <= key.last and c
                }
        return result

    def default(self) -> Split:
        return {}


class HoursByPlaceholderWindowLoader(HoursByPersonWindowLoader):
    """A placeholder's hours per week over its active assignments, (confirmed, tentative);
    keys are PersonWindow(placeholder id, first, weeks)."""

    def read(
        self, first: dt.date, last: dt.date, owners: set[int], include_tentative: bool
    ) -> selectors.SplitMap:
        return selectors.placeholder_hours_by_week(first, last, owners, include_tentative)
