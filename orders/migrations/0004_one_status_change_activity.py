from django.db import migrations


def status_change_activities_unify(apps, schema_editor):
    """Operations recorded `status_changed` and the ingest API `status_change` (the seed's name) for
    the same thing: one type from now on, for the rows already written too."""
    OrderActivity = apps.get_model("orders", "OrderActivity")
    OrderActivity.objects.filter(activity_type="status_changed").update(activity_type="status_change")


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0003_end_user_and_bridge_moved"),
    ]

    operations = [
        migrations.RunPython(status_change_activities_unify, migrations.RunPython.noop),
    ]
