from django.db import migrations

from core.groups import ALL, CURATORS, grant, revoke

CURATOR_PERMISSIONS = {"needs.learningactivity": ALL}


def grant_activities(apps, schema_editor):
    grant(apps, CURATORS, CURATOR_PERMISSIONS)


def revoke_activities(apps, schema_editor):
    revoke(apps, CURATORS, CURATOR_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("needs", "0004_learning_activity")]

    operations = [migrations.RunPython(grant_activities, revoke_activities)]
