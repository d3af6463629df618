from django.contrib import admin

from core.dataversion import DataVersionAdmin

from .models import Project


@admin.register(Project)
class ProjectAdmin(DataVersionAdmin, admin.ModelAdmin):
    list_display = ["name", "client", "status", "start_date", "end_date"]
    list_filter = ["status", "client", ("start_date", admin.DateFieldListFilter)]
    search_fields = ["name", "client"]
