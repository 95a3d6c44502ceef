from django.db import migrations

from core.groups import CURATORS, grant, revoke

# Curators see what the site sent and send failed mails again; nobody adds or deletes a mail.
CURATOR_PERMISSIONS = {"core.outboxmail": ["view", "change"]}


def grant_outbox(apps, schema_editor):
    grant(apps, CURATORS, CURATOR_PERMISSIONS)


def revoke_outbox(apps, schema_editor):
    revoke(apps, CURATORS, CURATOR_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_outbox"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(grant_outbox, revoke_outbox)]
