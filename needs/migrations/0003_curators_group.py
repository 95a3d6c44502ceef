from django.db import migrations

from core.groups import grant

ALL = ["add", "change", "delete", "view"]


def grant_needs(apps, schema_editor):
    grant(apps, "Curators", {"needs.knowledgeneed": ALL, "needs.learningformat": ALL})


def revoke_needs(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name="Curators"):
        group.permissions.remove(*group.permissions.filter(content_type__app_label="needs"))


class Migration(migrations.Migration):
    dependencies = [
        ("needs", "0002_learning_formats"),
        ("inventory", "0003_curators_group"),
    ]

    operations = [migrations.RunPython(grant_needs, revoke_needs)]
