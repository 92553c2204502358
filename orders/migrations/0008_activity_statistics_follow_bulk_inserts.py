"""Order activities are bulk-inserted beside their events (the expiry sweep): the same statistics
thresholds as the events table (events migration 0004), for the same reason. PostgreSQL only."""

from django.db import migrations

STORAGE = {
    "autovacuum_analyze_threshold": 1000,
    "autovacuum_analyze_scale_factor": 0.01,
    "autovacuum_vacuum_insert_threshold": 1000,
    "autovacuum_vacuum_insert_scale_factor": 0.05,
}


def set_storage(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("orders", "OrderActivity")._meta.db_table
    options = ", ".join(f"{name} = {value}" for name, value in STORAGE.items())
    schema_editor.execute(f'ALTER TABLE "{table}" SET ({options})')


def reset_storage(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("orders", "OrderActivity")._meta.db_table
    schema_editor.execute(f'ALTER TABLE "{table}" RESET ({", ".join(STORAGE)})')


class Migration(migrations.Migration):
    dependencies = [("orders", "0007_order_search_trigram")]

    operations = [migrations.RunPython(set_storage, reset_storage, elidable=False)]
