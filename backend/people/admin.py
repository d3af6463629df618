from django.contrib import admin

from calendars.admin import TimeOffInline, WorkScheduleInline
from changes.admin_log import LoggedAdmin

from .models import Department, Person, PersonSkill, Role, SkillTag


class PersonSkillInline(admin.TabularInline):
    model = PersonSkill
    extra = 0
    autocomplete_fields = ["skill"]


@admin.register(Person)
class PersonAdmin(LoggedAdmin, admin.ModelAdmin):
    list_display = [
        "name",
        "email",
        "department",
        "role",
        "weekly_capacity",
        "hire_date",
        "end_date",
        "is_active",
    ]
    list_filter = ["is_active", "department", "role", ("hire_date", admin.DateFieldListFilter)]
    list_select_related = ["department", "role"]
    search_fields = ["name", "email"]
    autocomplete_fields = ["holiday_calendar"]
    inlines = [PersonSkillInline, WorkScheduleInline, TimeOffInline]


@admin.register(Department)
class DepartmentAdmin(LoggedAdmin, admin.ModelAdmin):
    list_display = ["name", "parent", "holiday_calendar"]
    list_select_related = ["parent", "holiday_calendar"]
    autocomplete_fields = ["holiday_calendar"]


@admin.register(Role)
class RoleAdmin(LoggedAdmin, admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(SkillTag)
class SkillTagAdmin(LoggedAdmin, admin.ModelAdmin):
    list_display = ["name", "category"]
    search_fields = ["name"]
