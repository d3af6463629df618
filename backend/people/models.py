from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Self

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

if TYPE_CHECKING:
    from accounts.access import Scope


class Department(models.Model):
    name = models.CharField(max_length=200)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # The default for everyone in the subtree who has no calendar of their own.
    holiday_calendar = models.ForeignKey(
        "calendars.HolidayCalendar",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="departments",
    )

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Role(models.Model):
    name = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class SkillTag(models.Model):
    name = models.CharField(max_length=100)
    category = models.CharField(max_length=100, blank=True, default="")

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="skilltag_name_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class PersonRows(models.QuerySet):
    """Rows of people, or rows that belong to a person (`person_path` leads to the Person).

    The department filter is written here and nowhere else (tests/security/test_scope.py fails if it
    appears in another module): what a viewer may see (`visible_to`) and the department
    subtree a report or list asks for (`in_departments`)."""

    person_path = ""
    # Rows with more than one kind of owner (assignments of people or placeholders): a row
    # is in when the department of whichever owner it has is.
    owner_paths: tuple[str, ...] = ()

    def visible_to(self, scope: Scope) -> Self:
        return self.in_departments(scope.departments)

    def in_departments(self, departments: Collection[int] | None) -> Self:
        """None: no filter."""
        if departments is None:
            return self
        condition = Q()
        for path in self.owner_paths or (self.person_path,):
            condition |= Q(**{f"{path}department_id__in": departments})
        return self.filter(condition)


def person_in_departments(departments: Collection[int]) -> Q:
    """The department filter as a condition, for an OR with other conditions."""
    return Q(department_id__in=departments)


class Person(models.Model):
    name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254, null=True, blank=True)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    role = models.ForeignKey(
        Role, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    weekly_capacity = models.DecimalField(max_digits=5, decimal_places=2, default=40)
    hire_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)  # the last day employed
    holiday_calendar = models.ForeignKey(
        "calendars.HolidayCalendar",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonRows.as_manager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weekly_capacity__gte=0) & Q(weekly_capacity__lte=168),
                name="person_capacity_0_168",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(hire_date__isnull=True)
                | Q(end_date__gte=models.F("hire_date")),
                name="person_end_after_hire",
            ),
        ]
        indexes = [
            models.Index(fields=["is_active", "department"], name="person_active_dept_idx"),
            models.Index(Lower("name"), name="person_lower_name_idx"),
            # The people list's order: a page is read in index order, not by sorting every
            # active person (0.30 -> 0.04 ms in PostgreSQL for a page of 101 of 500).
            models.Index(fields=["name", "id"], name="person_name_id_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # The admin's form: a message by the field rather than the bare constraint name.
        if self.hire_date and self.end_date and self.end_date < self.hire_date:
            raise ValidationError({"end_date": "The end date must be on or after the hire date."})


class PersonSkill(models.Model):
    class Proficiency(models.TextChoices):
        BEGINNER = "beginner"
        INTERMEDIATE = "intermediate"
        ADVANCED = "advanced"
        EXPERT = "expert"

    class Kind(models.TextChoices):
        STRENGTH = "strength"
        IN_PROGRESS = "in_progress"
        GOAL = "goal"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey(SkillTag, on_delete=models.CASCADE, related_name="holders")
    proficiency = models.CharField(max_length=20, choices=Proficiency.choices)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.STRENGTH)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "skill", "kind"], name="personskill_person_skill_kind_unique"
            ),
            models.CheckConstraint(
                condition=Q(proficiency__in=["beginner", "intermediate", "advanced", "expert"]),
                name="personskill_proficiency_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["strength", "in_progress", "goal"]),
                name="personskill_kind_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["skill"], name="personskill_skill_idx"),
            models.Index(fields=["person", "skill"], name="personskill_person_skill_idx"),
        ]

    def __str__(self) -> str:
        level = f"{self.get_proficiency_display()}, {self.get_kind_display()}"
        return f"{self.person}: {self.skill} ({level})"
