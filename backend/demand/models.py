"""Placeholders: unstaffed demand. A placeholder has a name, a role, required skills and an
optional department, no capacity of its own, and holds assignments like a person
(assignments.Assignment.placeholder)."""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from people.models import Department, PersonRows, PersonSkill, Role, SkillTag

PROFICIENCIES = [p.value for p in PersonSkill.Proficiency]


class Placeholder(models.Model):
    name = models.CharField(max_length=200)
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="placeholders")
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="placeholders"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # `.visible_to(scope)` / `.in_departments(ids)`: the people's department filter (a
    # placeholder without a department is seen only by an unrestricted viewer).
    objects = PersonRows.as_manager()

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["department"], name="placeholder_dept_idx"),
            models.Index(fields=["role"], name="placeholder_role_idx"),
            models.Index(Lower("name"), name="placeholder_lower_name_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class PlaceholderSkill(models.Model):
    """A skill the placeholder requires, at least at `min_proficiency` (the people's scale)."""

    Proficiency = PersonSkill.Proficiency

    placeholder = models.ForeignKey(
        Placeholder, on_delete=models.CASCADE, related_name="required_skills"
    )
    skill = models.ForeignKey(SkillTag, on_delete=models.CASCADE, related_name="required_by")
    min_proficiency = models.CharField(max_length=20, choices=PersonSkill.Proficiency.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["placeholder", "skill"], name="placeholderskill_unique"
            ),
            models.CheckConstraint(
                condition=Q(min_proficiency__in=PROFICIENCIES),
                name="placeholderskill_proficiency_valid",
            ),
        ]
        indexes = [models.Index(fields=["skill"], name="placeholderskill_skill_idx")]

    def __str__(self) -> str:
        return f"{self.placeholder}: {self.skill} ({self.get_min_proficiency_display()}+)"
