from django.db import migrations, models


def sources_from_bridges(apps, schema_editor):
    """An order a bridge brought is keyed by that bridge from now on (CONTRACT §10)."""
    Order = apps.get_model("orders", "Order")
    # One UPDATE per bridge, not per order; str() spells the id as the service does on every engine.
    # No ordering: the model's (-created_at) would join the DISTINCT and list a bridge once per order.
    bridge_ids = (
        Order.objects.filter(bridge__isnull=False).order_by().values_list("bridge_id", flat=True).distinct()
    )
    for bridge_id in list(bridge_ids):
        Order.objects.filter(bridge_id=bridge_id).update(source=str(bridge_id))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_cache_table"),
        ("bridges", "0003_verbose_names"),
        ("orders", "0008_activity_statistics_follow_bulk_inserts"),
    ]

    operations = [
        migrations.AddField(
            model_name="order",
            name="source",
            field=models.CharField(blank=True, default="", editable=False, max_length=36),
        ),
        migrations.RunPython(sources_from_bridges, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="order", name="order_unique_external_id"),
        migrations.AddConstraint(
            model_name="order",
            constraint=models.UniqueConstraint(
                fields=("organization", "external_id", "source"), name="order_unique_source_external_id"
            ),
        ),
    ]
