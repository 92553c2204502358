from django.contrib import admin

from orderly.events.models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("event_type", "organization", "end_user_id", "resource_type", "resource_id", "created_at")
    list_filter = ("event_type", "organization")
    search_fields = ("event_type", "resource_id", "end_user_id")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Event._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
