from django.contrib import admin

from orders.models import Order, OrderActivity, OrderIngest, Shipment, TrackingCheckpoint


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OrderActivityInline(ReadOnlyInline):
    model = OrderActivity
    fields = ["created_at", "activity_type", "title", "description", "actor_type", "metadata"]
    readonly_fields = fields
    ordering = ["-created_at"]


class ShipmentInline(ReadOnlyInline):
    model = Shipment
    fields = ["tracking_number", "carrier", "service", "status", "estimated_delivery", "actual_delivery"]
    readonly_fields = fields


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = [
        "order_number",
        "external_id",
        "organization",
        "end_user",
        "status",
        "payment_status",
        "created_at",
    ]
    list_filter = ["status", "fulfillment_status", "payment_status", "currency", "created_at"]
    search_fields = ["order_number", "external_id", "po_number", "customer_email", "customer_name"]
    list_select_related = ["organization", "end_user"]
    raw_id_fields = ["organization", "end_user", "bridge"]
    readonly_fields = ["version_tag", "created_at", "updated_at"]
    inlines = [ShipmentInline, OrderActivityInline]
    date_hierarchy = "created_at"


class CheckpointInline(admin.TabularInline):
    model = TrackingCheckpoint
    extra = 0
    fields = ["checkpoint_time", "status", "status_detail", "location", "carrier_status_code"]
    ordering = ["checkpoint_time"]


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin):
    list_display = ["tracking_number", "carrier", "service", "status", "organization", "order", "created_at"]
    list_filter = ["carrier", "status", "created_at"]
    search_fields = ["tracking_number", "external_id", "order__order_number", "order__external_id"]
    list_select_related = ["organization", "order"]
    raw_id_fields = ["organization", "order", "end_user", "bridge"]
    readonly_fields = ["latest_checkpoint_at", "created_at", "updated_at"]
    inlines = [CheckpointInline]


@admin.register(OrderIngest)
class OrderIngestAdmin(admin.ModelAdmin):
    list_display = ["order", "kind", "created_at", "processed_at"]
    list_filter = ["kind", ("processed_at", admin.EmptyFieldListFilter)]
    raw_id_fields = ["organization", "order"]
    readonly_fields = ["changes", "created_at", "processed_at"]
