"""Assignments of people and of placeholders (one table, so weeks, versions and bulk hours
are shared) and their planned weeks.

Each row belongs to exactly one owner: `person` or `placeholder` (a database check). The
managers say which rows a query reads, so that a placeholder's hours can never count in a
person's figures:

- `objects`: people's rows only (every person figure, the `assignments` connection);
- `placeholder_rows`: placeholders' rows only;
- `all_rows`: both (the default manager: the admin, cascades, reads by assignment id).

`visible_to(scope)` / `in_departments(ids)` filter by the owner's department (people.models
holds the rule); on `all_rows` a row is visible when its person's or placeholder's is.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from demand.models import Placeholder
from people.models import Person, PersonRows
from projects.models import Project


class PersonOwnedRows(PersonRows):
    person_path = "person__"


class PlaceholderOwnedRows(PersonRows):
    person_path = "placeholder__"


class AnyOwnerRows(PersonRows):
    """Rows of people and placeholders: visible when the owner's department is."""

    owner_paths = ("person__", "placeholder__")


class PeopleRowsManager(models.Manager.from_queryset(PersonOwnedRows)):  # type: ignore[misc]
    def get_queryset(self) -> PersonOwnedRows:
        return super().get_queryset().filter(person__isnull=False)


class PlaceholderRowsManager(models.Manager.from_queryset(PlaceholderOwnedRows)):  # type: ignore[misc]
    def get_queryset(self) -> PlaceholderOwnedRows:
        return super().get_queryset().filter(placeholder__isnull=False)


AnyOwnerManager = models.Manager.from_queryset(AnyOwnerRows)


def one_owner(prefix: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(person__isnull=False, placeholder__isnull=True)
        | Q(person__isnull=True, placeholder__isnull=False),
        name=f"{prefix}_one_owner",
    )


class Assignment(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed"
        TENTATIVE = "tentative"

    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="assignments"
    )
    placeholder = models.ForeignKey(
        Placeholder, null=True, blank=True, on_delete=models.CASCADE, related_name="assignments"
    )
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="assignments")
    role_on_project = models.CharField(max_length=100, null=True, blank=True)
    is_active = models.BooleanField(default=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CONFIRMED)
    # Optimistic concurrency: every write bumps it; a write naming a stale version is refused.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    all_rows = AnyOwnerManager()
    objects = PeopleRowsManager()
    placeholder_rows = PlaceholderRowsManager()

    class Meta:
        default_manager_name = "all_rows"
        constraints = [
            one_owner("assignment"),
            models.CheckConstraint(
                condition=Q(status__in=["confirmed", "tentative"]), name="assignment_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["person", "is_active"], name="assignment_person_active_idx"),
            models.Index(fields=["project", "is_active"], name="assignment_project_active_idx"),
            models.Index(
                fields=["placeholder", "is_active"],
                name="assignment_placeholder_idx",
                condition=Q(placeholder__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        role = f" ({self.role_on_project})" if self.role_on_project else ""
        owner = self.person if self.person_id is not None else self.placeholder
        return f"{owner} on {self.project}{role}"

    def clean(self) -> None:
        # The admin's form: a message rather than the bare constraint name.
        if (self.person_id is None) == (self.placeholder_id is None):
            raise ValidationError(
                "An assignment belongs to a person or a placeholder: one of them."
            )

    @property
    def tentative(self) -> bool:
        return self.status == Assignment.Status.TENTATIVE


class AssignmentWeek(models.Model):
    """Planned hours of one assignment in one week (named by its Monday).

    `person` / `placeholder` repeat the assignment's owner, and `tentative` its status, so
    that per-person (per-placeholder) aggregation, with or without tentative hours, needs
    no join. The services keep them in step with the assignment in the same transaction.
    """

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="weeks")
    # No index of its own: assignmentweek_person_week_idx leads with person_id (a second one
    # cost every write, and the planner picked it over the composite, filtering the weeks).
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    placeholder = models.ForeignKey(
        Placeholder,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # assignmentweek_placeholder_week_idx leads with it
    )
    week = models.DateField()
    hours = models.DecimalField(max_digits=5, decimal_places=2)
    tentative = models.BooleanField(default=False)  # the assignment's status is TENTATIVE

    all_rows = AnyOwnerManager()
    objects = PeopleRowsManager()
    placeholder_rows = PlaceholderRowsManager()

    class Meta:
        default_manager_name = "all_rows"
        constraints = [
            models.UniqueConstraint(fields=["assignment", "week"], name="assignmentweek_unique"),
            models.CheckConstraint(
                condition=Q(hours__gte=0) & Q(hours__lte=168), name="assignmentweek_hours_0_168"
            ),
            # iso_week_day: Monday = 1, on every backend.
            models.CheckConstraint(condition=Q(week__iso_week_day=1), name="assignmentweek_monday"),
            one_owner("assignmentweek"),
        ]
        indexes = [
            models.Index(fields=["person", "week"], name="assignmentweek_person_week_idx"),
            models.Index(fields=["week"], name="assignmentweek_week_idx"),
            models.Index(
                fields=["placeholder", "week"],
                name="assignmentweek_placeholder_idx",
                condition=Q(placeholder__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"Week of {self.week:%d %b %Y}: {self.hours} h"
