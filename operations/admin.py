from django.contrib import admin

from operations.models import Operation


@admin.register(Operation)
class OperationAdmin(admin.ModelAdmin):
    list_display = ("id", "type", "status", "organization", "order", "created_at", "executed_at")
    list_filter = ("status", "type")
    search_fields = ("id", "type", "order__order_number", "error")
    list_select_related = ("organization", "order")
    raw_id_fields = ("order", "created_by", "executed_by", "undone_by")
    readonly_fields = (
        "logs",
        "undo_data",
        "output",
        "error",
        "executed_at",
        "undo_at",
        "created_at",
        "updated_at",
    )
