"""CONTRACT §6 rev. 2: secrets carry how their Standard Webhooks key is derived, and a rotation
keeps every previous secret (not only the last one) for its grace period.

Existing endpoints, and the previous secret of one rotated before, are marked `raw`: their receivers
verify with the secret's UTF-8 bytes today and keep doing so until the next rotation.
"""

from django.db import migrations, models


def previous_secret_to_list(apps, schema_editor):
    Webhook = apps.get_model("webhooks", "Webhook")
    rotated = Webhook.objects.exclude(previous_secret_encrypted="").exclude(previous_secret_expires_at=None)
    for webhook in rotated.iterator():
        webhook.previous_secrets = [
            {
                "secret_encrypted": webhook.previous_secret_encrypted,
                "scheme": "raw",
                "expires_at": webhook.previous_secret_expires_at.isoformat(),
            }
        ]
        webhook.save(update_fields=["previous_secrets"])


def previous_secret_from_list(apps, schema_editor):
    import datetime as dt

    Webhook = apps.get_model("webhooks", "Webhook")
    for webhook in Webhook.objects.exclude(previous_secrets=[]).iterator():
        last = webhook.previous_secrets[-1]
        webhook.previous_secret_encrypted = last["secret_encrypted"]
        webhook.previous_secret_expires_at = dt.datetime.fromisoformat(last["expires_at"])
        webhook.save(update_fields=["previous_secret_encrypted", "previous_secret_expires_at"])


class Migration(migrations.Migration):

    dependencies = [
        ("webhooks", "0005_delivery_statistics_follow_bursts"),
    ]

    operations = [
        # Every row that exists now predates rev. 2 ...
        migrations.AddField(
            model_name="webhook",
            name="secret_scheme",
            field=models.CharField(
                choices=[
                    ("raw", "Standard Webhooks key: the secret's UTF-8 bytes"),
                    ("standard", "Standard Webhooks key: the decoded whsec_ base64, else UTF-8"),
                ],
                default="raw",
                editable=False,
                max_length=10,
            ),
        ),
        # ... every row created from now on follows it.
        migrations.AlterField(
            model_name="webhook",
            name="secret_scheme",
            field=models.CharField(
                choices=[
                    ("raw", "Standard Webhooks key: the secret's UTF-8 bytes"),
                    ("standard", "Standard Webhooks key: the decoded whsec_ base64, else UTF-8"),
                ],
                default="standard",
                editable=False,
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="webhook",
            name="previous_secrets",
            field=models.JSONField(blank=True, default=list, editable=False),
        ),
        migrations.RunPython(previous_secret_to_list, previous_secret_from_list),
        migrations.RemoveField(model_name="webhook", name="previous_secret_encrypted"),
        migrations.RemoveField(model_name="webhook", name="previous_secret_expires_at"),
    ]
