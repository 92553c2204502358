"""A fan-out inserts thousands of deliveries at once, and workers then claim and update each: the
same analyze thresholds as the events table (events migration 0004), so the planner's row counts
for the dispatch query follow a burst within a minute instead of after a tenth of the table
changed. PostgreSQL only."""

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
    table = apps.get_model("webhooks", "WebhookDelivery")._meta.db_table
    options = ", ".join(f"{name} = {value}" for name, value in STORAGE.items())
    schema_editor.execute(f'ALTER TABLE "{table}" SET ({options})')


def reset_storage(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("webhooks", "WebhookDelivery")._meta.db_table
    schema_editor.execute(f'ALTER TABLE "{table}" RESET ({", ".join(STORAGE)})')


class Migration(migrations.Migration):
    dependencies = [("webhooks", "0004_verbose_names")]

    operations = [migrations.RunPython(set_storage, reset_storage, elidable=False)]
