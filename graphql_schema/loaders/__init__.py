"""Per-request dataloaders, one module per domain, created lazily on first use."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from .assignments import (
    AssignmentsByPersonLoader,
    AssignmentsByPlaceholderLoader,
    AssignmentsByProjectLoader,
    HoursByAssignmentLoader,
    HoursByPersonWindowLoader,
    HoursByPlaceholderWindowLoader,
    OwnerKey,
    PersonWindow,
    PlaceholderAssignmentsByProjectLoader,
)
from .calendars import (
    CapacityByPersonWindowLoader,
    CapacityKey,
    HolidayCalendarByIdLoader,
    HolidaysByCalendarLoader,
    SchedulesByPersonLoader,
    Span,
    TimeOffByPersonLoader,
)
from .demand import (
    CandidatesByPlaceholderLoader,
    CandidatesKey,
    PlaceholderByIdLoader,
    RequiredSkillsByPlaceholderLoader,
)
from .people import PersonByIdLoader, RoleByIdLoader, SkillsByPersonLoader
from .projects import ProjectByIdLoader
from .reports import (
    AvailabilityByProjectLoader,
    AvailabilityKey,
    StaffingByProjectLoader,
    StaffingKey,
)

if TYPE_CHECKING:
    from graphql_schema.context import Context

__all__ = [
    "AvailabilityKey",
    "CandidatesKey",
    "CapacityKey",
    "Loaders",
    "OwnerKey",
    "PersonWindow",
    "Span",
    "StaffingKey",
]


class Loaders:
    def __init__(self, context: Context) -> None:
        self.context = context
        # graphql_schema.people.types._person_loads: (first, weeks, include tentative, person
        # ids) -> (the loads' futures, [the answers once built]), shared within the request.
        self.person_loads: dict[tuple[Any, ...], tuple[list[Any], list[list[Any]]]] = {}

    @cached_property
    def person_by_id(self) -> PersonByIdLoader:
        return PersonByIdLoader(self.context)

    @cached_property
    def role_by_id(self) -> RoleByIdLoader:
        return RoleByIdLoader(self.context)

    @cached_property
    def skills_by_person(self) -> SkillsByPersonLoader:
        return SkillsByPersonLoader(self.context)

    @cached_property
    def project_by_id(self) -> ProjectByIdLoader:
        return ProjectByIdLoader(self.context)

    @cached_property
    def assignments_by_person(self) -> AssignmentsByPersonLoader:
        return AssignmentsByPersonLoader(self.context)

    @cached_property
    def assignments_by_project(self) -> AssignmentsByProjectLoader:
        return AssignmentsByProjectLoader(self.context)

    @cached_property
    def hours_by_assignment(self) -> HoursByAssignmentLoader:
        return HoursByAssignmentLoader(self.context)

    @cached_property
    def hours_by_person_window(self) -> HoursByPersonWindowLoader:
        return HoursByPersonWindowLoader(self.context)

    @cached_property
    def placeholder_by_id(self) -> PlaceholderByIdLoader:
        return PlaceholderByIdLoader(self.context)

    @cached_property
    def required_skills_by_placeholder(self) -> RequiredSkillsByPlaceholderLoader:
        return RequiredSkillsByPlaceholderLoader(self.context)

    @cached_property
    def assignments_by_placeholder(self) -> AssignmentsByPlaceholderLoader:
        return AssignmentsByPlaceholderLoader(self.context)

    @cached_property
    def placeholder_assignments_by_project(self) -> PlaceholderAssignmentsByProjectLoader:
        return PlaceholderAssignmentsByProjectLoader(self.context)

    @cached_property
    def hours_by_placeholder_window(self) -> HoursByPlaceholderWindowLoader:
        return HoursByPlaceholderWindowLoader(self.context)

    @cached_property
    def candidates_by_placeholder(self) -> CandidatesByPlaceholderLoader:
        return CandidatesByPlaceholderLoader(self.context)

    @cached_property
    def availability_by_project(self) -> AvailabilityByProjectLoader:
        return AvailabilityByProjectLoader(self.context)

    @cached_property
    def staffing_by_project(self) -> StaffingByProjectLoader:
        return StaffingByProjectLoader(self.context)

    @cached_property
    def capacity_by_person_window(self) -> CapacityByPersonWindowLoader:
        return CapacityByPersonWindowLoader(self.context)

    @cached_property
    def holiday_calendar_by_id(self) -> HolidayCalendarByIdLoader:
        return HolidayCalendarByIdLoader(self.context)

    @cached_property
    def holidays_by_calendar(self) -> HolidaysByCalendarLoader:
        return HolidaysByCalendarLoader(self.context)

    @cached_property
    def schedules_by_person(self) -> SchedulesByPersonLoader:
        return SchedulesByPersonLoader(self.context)

    @cached_property
    def time_off_by_person(self) -> TimeOffByPersonLoader:
        return TimeOffByPersonLoader(self.context)
