from django.contrib import admin

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["key_prefix", "user", "name", "scope", "restricted", "revoked", "created_at"]
    list_filter = ["scope", "revoked"]
    readonly_fields = ["key_hash", "key_prefix", "created_at"]
    filter_horizontal = ["departments"]
