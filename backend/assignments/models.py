from django.db import models
from django.db.models import Q

from people.models import Person, PersonRows
from projects.models import Project


class PersonOwnedRows(PersonRows):
    person_path = "person__"


class Assignment(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="assignments")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="assignments")
    role_on_project = models.CharField(max_length=100, null=True, blank=True)
    is_active = models.BooleanField(default=True)
    # Optimistic concurrency: every write bumps it; a write naming a stale version is refused.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonOwnedRows.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["person", "is_active"], name="assignment_person_active_idx"),
            models.Index(fields=["project", "is_active"], name="assignment_project_active_idx"),
        ]

    def __str__(self) -> str:
        role = f" ({self.role_on_project})" if self.role_on_project else ""
        return f"{self.person} on {self.project}{role}"


class AssignmentWeek(models.Model):
    """Planned hours of one assignment in one week (named by its Monday).

    `person` repeats `assignment.person` so that per-person aggregation needs no join.
    """

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="weeks")
    # No index of its own: assignmentweek_person_week_idx leads with person_id (a second one
    # cost every write, and the planner picked it over the composite, filtering the weeks).
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", db_index=False)
    week = models.DateField()
    hours = models.DecimalField(max_digits=5, decimal_places=2)

    objects = PersonOwnedRows.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assignment", "week"], name="assignmentweek_unique"),
            models.CheckConstraint(
                condition=Q(hours__gte=0) & Q(hours__lte=168), name="assignmentweek_hours_0_168"
            ),
            # iso_week_day: Monday = 1, on every backend.
            models.CheckConstraint(condition=Q(week__iso_week_day=1), name="assignmentweek_monday"),
        ]
        indexes = [
            models.Index(fields=["person", "week"], name="assignmentweek_person_week_idx"),
            models.Index(fields=["week"], name="assignmentweek_week_idx"),
        ]

    def __str__(self) -> str:
        return f"Week of {self.week:%d %b %Y}: {self.hours} h"
