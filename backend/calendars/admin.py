import datetime as dt

from django.contrib import admin
from django.db.models import Count, F, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from changes.admin_log import LoggedAdmin

from .models import WEEKDAYS, Holiday, HolidayCalendar, TimeOff, WorkSchedule


class HolidayInline(admin.TabularInline):
    """The holidays still worth editing on the calendar's page: from the start of last year.

    A calendar imported for decades holds hundreds of rows, and a page of that many forms
    would pass Django's limit of fields per request (DATA_UPLOAD_MAX_NUMBER_FIELDS) and could
    not be saved; older holidays are in the Holidays list."""

    model = Holiday
    extra = 0
    fields = ["date", "name"]
    ordering = ["date"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Holiday]:
        since = dt.date(timezone.localdate().year - 1, 1, 1)
        return super().get_queryset(request).filter(date__gte=since)


@admin.register(HolidayCalendar)
class HolidayCalendarAdmin(LoggedAdmin, admin.ModelAdmin):
    list_display = ["name", "country", "subdivision", "holiday_count"]
    search_fields = ["name"]
    fields = ["name", "country", "subdivision"]
    inlines = [HolidayInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[HolidayCalendar]:
        return super().get_queryset(request).annotate(holiday_count=Count("holidays"))

    @admin.display(description="Holidays", ordering="holiday_count")
    def holiday_count(self, calendar: HolidayCalendar) -> int:
        return calendar.holiday_count  # type: ignore[attr-defined]


@admin.register(Holiday)
class HolidayAdmin(LoggedAdmin, admin.ModelAdmin):
    list_display = ["date", "name", "calendar"]
    list_filter = ["calendar"]
    list_select_related = ["calendar"]
    search_fields = ["name"]
    date_hierarchy = "date"
    autocomplete_fields = ["calendar"]


@admin.register(TimeOff)
class TimeOffAdmin(LoggedAdmin, admin.ModelAdmin):
    list_display = ["person", "kind", "start_date", "end_date", "hours_per_day"]
    list_filter = ["kind"]
    list_select_related = ["person"]
    search_fields = ["person__name"]
    autocomplete_fields = ["person"]
    date_hierarchy = "start_date"


@admin.register(WorkSchedule)
class WorkScheduleAdmin(LoggedAdmin, admin.ModelAdmin):
    list_display = ["person", "effective_from", *WEEKDAYS, "weekly_hours"]
    list_select_related = ["person"]
    search_fields = ["person__name"]
    autocomplete_fields = ["person"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[WorkSchedule]:
        total = sum((F(day) for day in WEEKDAYS[1:]), F(WEEKDAYS[0]))
        return super().get_queryset(request).annotate(weekly_total=total)

    @admin.display(description="Weekly hours", ordering="weekly_total")
    def weekly_hours(self, schedule: WorkSchedule):
        return schedule.weekly_total  # type: ignore[attr-defined]


class WorkScheduleInline(admin.TabularInline):
    model = WorkSchedule
    extra = 0
    fields = ["effective_from", *WEEKDAYS]


class TimeOffInline(admin.TabularInline):
    model = TimeOff
    extra = 0
    fields = ["start_date", "end_date", "hours_per_day", "kind", "note"]
    ordering = ["-start_date"]
