import django.db.models.deletion
from django.db import migrations, models

INDEX = "orders_orderactivity_order_id_910eb30a"


class Migration(migrations.Migration):
    """The activity's order index goes: `activity_order_created` leads with the order and serves
    the same lookups. Only the index is dropped; Django's AlterField would also drop and re-add
    the foreign key, re-checking every activity under a lock."""

    dependencies = [
        ("orders", "0009_order_keyed_by_source"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {INDEX}",
                    reverse_sql=f"CREATE INDEX IF NOT EXISTS {INDEX} ON orders_orderactivity (order_id)",
                )
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="orderactivity",
                    name="order",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="activities",
                        to="orders.order",
                    ),
                )
            ],
        )
    ]
