from django.contrib import admin

from changes.admin_log import LoggedAdmin

from .models import Placeholder, PlaceholderSkill


class PlaceholderSkillInline(admin.TabularInline):
    model = PlaceholderSkill
    extra = 0
    autocomplete_fields = ["skill"]


@admin.register(Placeholder)
class PlaceholderAdmin(LoggedAdmin, admin.ModelAdmin):
    list_display = ["name", "role", "department", "updated_at"]
    list_filter = ["role", "department"]
    list_select_related = ["role", "department"]
    search_fields = ["name"]
    inlines = [PlaceholderSkillInline]
