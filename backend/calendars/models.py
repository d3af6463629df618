"""The availability calendar: work schedules, holiday calendars and time off.

docs/design.md, "Availability calendar", defines how they make capacity; planning.calendar
computes it from plain rows, calendars.selectors reads those rows set-based.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower

from people.models import Person, PersonRows

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class PersonOwnedRows(PersonRows):
    person_path = "person__"


class HolidayCalendar(models.Model):
    """A shared catalogue entry: people follow one directly, or through their department."""

    name = models.CharField(max_length=200)
    country = models.CharField(max_length=2, null=True, blank=True)  # ISO 3166-1 alpha-2
    subdivision = models.CharField(max_length=10, null=True, blank=True)  # ISO 3166-2 suffix
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="holidaycalendar_name_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Holiday(models.Model):
    # indexed by holiday_calendar_date_unique, which leads with calendar_id
    calendar = models.ForeignKey(
        HolidayCalendar, on_delete=models.CASCADE, related_name="holidays", db_index=False
    )
    date = models.DateField()
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["date", "id"]
        constraints = [
            # Also the index of the window read (calendar_id IN (...) AND date BETWEEN ...).
            models.UniqueConstraint(
                fields=["calendar", "date"], name="holiday_calendar_date_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


HOURS_PER_DAY = Q()
for _day in WEEKDAYS:
    HOURS_PER_DAY &= Q(**{f"{_day}__gte": 0}) & Q(**{f"{_day}__lte": 24})


class WorkSchedule(models.Model):
    """Hours per weekday from `effective_from` until the next schedule of the same person."""

    # indexed by workschedule_person_from_unique, which leads with person_id
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="schedules", db_index=False
    )
    effective_from = models.DateField()
    monday = models.DecimalField(max_digits=4, decimal_places=2, default=0)
    tuesday = models.DecimalField(max_digits=4, decimal_places=2, default=0)
    wednesday = models.DecimalField(max_digits=4, decimal_places=2, default=0)
    thursday = models.DecimalField(max_digits=4, decimal_places=2, default=0)
    friday = models.DecimalField(max_digits=4, decimal_places=2, default=0)
    saturday = models.DecimalField(max_digits=4, decimal_places=2, default=0)
    sunday = models.DecimalField(max_digits=4, decimal_places=2, default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonOwnedRows.as_manager()

    class Meta:
        ordering = ["person_id", "effective_from"]
        constraints = [
            # Also the index of the read: person_id IN (...) AND effective_from <= last day.
            models.UniqueConstraint(
                fields=["person", "effective_from"], name="workschedule_person_from_unique"
            ),
            models.CheckConstraint(condition=HOURS_PER_DAY, name="workschedule_hours_0_24"),
        ]

    def __str__(self) -> str:
        return f"{self.person} from {self.effective_from:%Y-%m-%d}"

    @property
    def hours(self) -> tuple:
        return tuple(getattr(self, day) for day in WEEKDAYS)

    def clean(self) -> None:
        # The admin's forms: a message by the field rather than the bare constraint name.
        errors = {
            day: "Hours must be between 0 and 24."
            for day in WEEKDAYS
            if getattr(self, day) is not None and not 0 <= getattr(self, day) <= 24
        }
        if errors:
            raise ValidationError(errors)


class TimeOff(models.Model):
    class Kind(models.TextChoices):
        VACATION = "vacation"
        SICK = "sick"
        PARENTAL = "parental"
        OTHER = "other"

    # indexed by timeoff_person_window_idx, which leads with person_id
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="time_off", db_index=False
    )
    start_date = models.DateField()
    end_date = models.DateField()
    # None: whole days (the scheduled hours of each day); else hours on each day.
    hours_per_day = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.VACATION)
    note = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonOwnedRows.as_manager()

    class Meta:
        ordering = ["start_date", "end_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="timeoff_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(hours_per_day__isnull=True)
                | (Q(hours_per_day__gte=0) & Q(hours_per_day__lte=24)),
                name="timeoff_hours_0_24",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["vacation", "sick", "parental", "other"]),
                name="timeoff_kind_valid",
            ),
        ]
        indexes = [
            # The window read: person_id IN (...) AND start_date <= last AND end_date >= first.
            models.Index(
                fields=["person", "end_date", "start_date"], name="timeoff_person_window_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_kind_display()} {self.start_date}..{self.end_date}"

    def clean(self) -> None:
        # The admin's forms: a message by the field rather than the bare constraint name.
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = "The end date must be on or after the start date."
        if self.hours_per_day is not None and not 0 <= self.hours_per_day <= 24:
            errors["hours_per_day"] = "Hours per day must be between 0 and 24."
        if errors:
            raise ValidationError(errors)
