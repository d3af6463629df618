from django.contrib import admin

from changes.admin_log import LoggedAdmin

from .models import Project


@admin.register(Project)
class ProjectAdmin(LoggedAdmin, admin.ModelAdmin):
    list_display = ["name", "client", "status", "start_date", "end_date"]
    list_filter = ["status", "client", ("start_date", admin.DateFieldListFilter)]
    search_fields = ["name", "client"]
