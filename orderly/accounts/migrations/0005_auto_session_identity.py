from django.db import migrations, models


def mark_auto_provisioned(apps, schema_editor):
    """End users only auto-sessions ever reached stay reachable by auto-sessions; every other one
    (created by a server-side session, the ingest API or the admin) needs a userHash from now on."""
    EndUser = apps.get_model("accounts", "EndUser")
    EmbedSession = apps.get_model("accounts", "EmbedSession")
    sessions = EmbedSession.objects.filter(end_user__isnull=False)  # NOT IN (…, NULL) matches nothing
    auto = sessions.filter(origin="auto").values("end_user_id")
    server = sessions.filter(origin="server").values("end_user_id")
    EndUser.objects.filter(pk__in=auto).exclude(pk__in=server).update(provisioned_by="auto")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_verbose_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="enduser",
            name="provisioned_by",
            field=models.CharField(
                choices=[("server", "Server"), ("auto", "Auto")], default="server", max_length=10
            ),
        ),
        migrations.RunPython(mark_auto_provisioned, migrations.RunPython.noop),
    ]
