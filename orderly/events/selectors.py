"""Reads of the event log beyond its list (which is a plain scoped, paginated queryset)."""

from django.db import connection

from orderly.events.models import Event


def event_types_for_organization(*, organization) -> list[str]:
    """The distinct event types in an organization's log, sorted.

    `SELECT DISTINCT` would read every index entry of the organization's events (a million of them
    at scale) to find a few dozen types; on PostgreSQL a recursive query hops from one type to the
    next along the (organization, event_type, …) index instead: one index probe per type.
    """
    if connection.vendor != "postgresql":
        return sorted(
            Event.objects.for_organization(organization).order_by().values_list("event_type", flat=True).distinct()
        )
    table = Event._meta.db_table
    sql = f"""
        WITH RECURSIVE types(event_type) AS (
            (SELECT event_type FROM {table} WHERE organization_id = %(org)s ORDER BY event_type LIMIT 1)
            UNION ALL
            SELECT (
                SELECT e.event_type FROM {table} e
                WHERE e.organization_id = %(org)s AND e.event_type > types.event_type
                ORDER BY e.event_type LIMIT 1
            )
            FROM types WHERE types.event_type IS NOT NULL
        )
        SELECT event_type FROM types WHERE event_type IS NOT NULL
    """  # noqa: S608 - the table name is the model's own
    with connection.cursor() as cursor:
        cursor.execute(sql, {"org": organization.pk})
        return [row[0] for row in cursor.fetchall()]
