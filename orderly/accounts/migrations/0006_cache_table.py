from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    """The database cache's table (orderly/cache.py), when a database cache is configured.

    Without Redis the cache lives in the database; creating its table here means `migrate` is the
    one setup step on every path (bin/run, a deployment, the test database). A no-op with Redis,
    and when the table exists.
    """
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_auto_session_identity"),
    ]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
