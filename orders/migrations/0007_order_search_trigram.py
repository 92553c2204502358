"""Trigram indexes for the orders search (`search=`: `icontains` on order number and external id).

`icontains` compiles to `UPPER(col::text) LIKE UPPER('%…%')` on PostgreSQL, which no B-tree can
serve: without these the search scans every order. The indexes are on that very expression, so the
planner matches them to the ORM's query as it is. PostgreSQL only (pg_trgm, GIN): on SQLite, a
development database, the search scans. Built CONCURRENTLY, so a deployment with many orders keeps
taking writes while they build; they are not in the model's state, as SQLite could not recreate them.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

ORDER_SEARCH_INDEXES = {
    "order_number_trgm": "order_number",
    "order_external_id_trgm": "external_id",
}


class TrigramExtensionOnPostgres(TrigramExtension):
    """Django's operation skips other databases going forwards but not backwards (it asks SQLite
    for `pg_extension`): skip both ways."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("orders", "Order")._meta.db_table
    for name, column in ORDER_SEARCH_INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{name}" ON "{table}" '
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in ORDER_SEARCH_INDEXES:
        schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{name}"')


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("orders", "0006_indexes_cover_list_order")]

    operations = [
        TrigramExtensionOnPostgres(),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
