from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower


class Project(models.Model):
    class Status(models.TextChoices):
        PLANNING = "planning"
        ACTIVE = "active"
        ON_HOLD = "on_hold"
        COMPLETED = "completed"
        CANCELLED = "cancelled"

    name = models.CharField(max_length=200)
    client = models.CharField(max_length=200, null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNING)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["planning", "active", "on_hold", "completed", "cancelled"]),
                name="project_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="project_dates_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["client", "name"], name="project_client_name_idx"),
            models.Index(Lower("client"), Lower("name"), name="project_lower_client_name_idx"),
            models.Index(Lower("name"), name="project_lower_name_idx"),
        ]

    def __str__(self) -> str:
        return self.name
