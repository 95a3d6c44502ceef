from django.db import migrations

from core.groups import CURATORS, REVIEW, REVIEWERS, grant, revoke

# Reviewers read the needs and move them along the workflow; they edit no need and see no activity.
REVIEWER_PERMISSIONS = {"needs.knowledgeneed": REVIEW}
# Curators may do everything a reviewer does.
CURATOR_PERMISSIONS = {"needs.knowledgeneed": ["review"]}


def grant_review(apps, schema_editor):
    grant(apps, REVIEWERS, REVIEWER_PERMISSIONS)
    grant(apps, CURATORS, CURATOR_PERMISSIONS)


def revoke_review(apps, schema_editor):
    revoke(apps, REVIEWERS, REVIEWER_PERMISSIONS)
    revoke(apps, CURATORS, CURATOR_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("needs", "0006_history"),
        # The Reviewers group is made by the inventory; this adds the needs to what it may do.
        ("inventory", "0008_reviewers_group"),
    ]

    operations = [migrations.RunPython(grant_review, revoke_review)]
