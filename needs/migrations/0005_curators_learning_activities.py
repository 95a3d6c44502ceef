from django.db import migrations

from knowledgemap.groups import grant

ALL = ["add", "change", "delete", "view"]


def grant_activities(apps, schema_editor):
    grant(apps, "Curators", {"needs.learningactivity": ALL})


def revoke_activities(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name="Curators"):
        group.permissions.remove(
            *group.permissions.filter(content_type__app_label="needs", content_type__model="learningactivity")
        )


class Migration(migrations.Migration):
    dependencies = [("needs", "0004_learning_activity")]

    operations = [migrations.RunPython(grant_activities, revoke_activities)]
