from django.contrib import admin
from django.db.models import F

from changes.admin_log import LoggedAdmin

from .models import Assignment, AssignmentWeek


class AssignmentWeekInline(admin.TabularInline):
    model = AssignmentWeek
    extra = 0
    fields = ["week", "hours"]


@admin.register(Assignment)
class AssignmentAdmin(LoggedAdmin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "person",
        "placeholder",
        "project",
        "role_on_project",
        "is_active",
        "status",
        "version",
        "updated_at",
    ]
    list_filter = ["is_active", "project__status", "person__department", "project"]
    list_select_related = ["person", "placeholder", "project"]
    search_fields = [
        "person__name",
        "placeholder__name",
        "project__name",
        "project__client",
        "role_on_project",
    ]
    raw_id_fields = ["person", "placeholder", "project"]
    readonly_fields = ["version"]
    inlines = [AssignmentWeekInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # The weeks repeat the assignment's owner and status (a change here moves them too).
        AssignmentWeek.all_rows.filter(assignment=obj).update(
            person_id=obj.person_id, placeholder_id=obj.placeholder_id, tentative=obj.tentative
        )

    def save_formset(self, request, form, formset, change):
        # Weeks edited here belong to the assignment's owner, and any edit is a new version
        # (so a client holding the old one gets a CONFLICT, as after an API write).
        weeks = formset.save(commit=False)
        for week in weeks:
            week.person_id = form.instance.person_id
            week.placeholder_id = form.instance.placeholder_id
            week.tentative = form.instance.tentative
            week.save()
        for week in formset.deleted_objects:
            week.delete()
        if formset.has_changed():
            Assignment.all_rows.filter(pk=form.instance.pk).update(version=F("version") + 1)
