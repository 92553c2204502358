"""Planner statistics that keep up with bulk inserts of events.

A bulk change (the expiry sweep, a fan-out) adds thousands of events in one statement. With the
default thresholds (analyze after 10 % of the table changed) a small table's statistics said 68 rows
after 10,001 were added, and the planner chose plans for 68. Analyzing after 1,000 rows + 1 % keeps
the estimates within a few percent; vacuuming inserted rows sooner keeps the visibility map fresh,
which index-only scans (the log's pages and counts) depend on. PostgreSQL only.
"""

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
    table = apps.get_model("events", "Event")._meta.db_table
    options = ", ".join(f"{name} = {value}" for name, value in STORAGE.items())
    schema_editor.execute(f'ALTER TABLE "{table}" SET ({options})')


def reset_storage(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("events", "Event")._meta.db_table
    schema_editor.execute(f'ALTER TABLE "{table}" RESET ({", ".join(STORAGE)})')


class Migration(migrations.Migration):
    dependencies = [("events", "0003_indexes_cover_log_order")]

    operations = [migrations.RunPython(set_storage, reset_storage, elidable=False)]
