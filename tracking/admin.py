from django.contrib import admin

from tracking.models import TrackingPage


@admin.register(TrackingPage)
class TrackingPageAdmin(admin.ModelAdmin):
    list_display = (
        "tracking_number",
        "organization",
        "is_active",
        "view_count",
        "last_viewed_at",
        "created_at",
    )
    list_filter = ("is_active", "organization")
    list_select_related = ("shipment", "organization")
    search_fields = ("shipment__tracking_number",)
    readonly_fields = (
        "token",
        "organization",
        "end_user",
        "shipment",
        "view_count",
        "last_viewed_at",
        "revoked_at",
    )

    @admin.display(description="Shipment", ordering="shipment__tracking_number")
    def tracking_number(self, page):
        return f"{page.shipment.carrier.upper()} {page.shipment.tracking_number}"
