import uuid

from django.db import migrations, models


def public_ids_generate(apps, schema_editor):
    """One distinct UUID per existing membership (a column default would give them all the same)."""
    Membership = apps.get_model("accounts", "Membership")
    for membership in Membership.objects.filter(public_id__isnull=True).only("pk"):
        Membership.objects.filter(pk=membership.pk).update(public_id=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_identity_moved_from_embed"),
    ]

    operations = [
        migrations.AddField(
            model_name="membership",
            name="public_id",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(public_ids_generate, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="membership",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
