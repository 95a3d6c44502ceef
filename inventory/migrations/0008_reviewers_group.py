from django.db import migrations

from core.groups import CURATORS, REVIEW, REVIEWERS, grant, revoke

# Reviewers see the products and move nominations along (publish, return to draft); they edit nothing.
REVIEWER_PERMISSIONS = {"inventory.knowledgeproduct": REVIEW}
# Curators may do everything a reviewer does.
CURATOR_PERMISSIONS = {"inventory.knowledgeproduct": ["review"]}


def create_reviewers(apps, schema_editor):
    grant(apps, REVIEWERS, REVIEWER_PERMISSIONS)
    grant(apps, CURATORS, CURATOR_PERMISSIONS)


def remove_reviewers(apps, schema_editor):
    revoke(apps, CURATORS, CURATOR_PERMISSIONS)
    apps.get_model("auth", "Group").objects.filter(name=REVIEWERS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0007_history"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_reviewers, remove_reviewers)]
