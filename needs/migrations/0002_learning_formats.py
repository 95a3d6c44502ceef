from django.db import migrations

# The learning formats Partos offers (the typical formats in the field). Curators may add or rename them.
FORMATS = [
    ("Webinar", "webinar", "An online session of an hour or two: a presentation and questions."),
    ("Peer exchange", "peer-exchange", "Organisations that faced the same question learn from each other."),
    ("Training or workshop", "training-or-workshop", "A day or more of guided practice with a trainer."),
    ("Coaching", "coaching", "An experienced person accompanies a team over weeks or months."),
    ("Community of practice", "community-of-practice", "A lasting group that meets to share what works."),
    ("Toolkit or guide", "toolkit-or-guide", "A written or online resource to work through at one's own pace."),
    (
        "Research or learning trajectory",
        "research-or-learning-trajectory",
        "A joint inquiry into a question nobody has answered yet.",
    ),
]


def add_formats(apps, schema_editor):
    LearningFormat = apps.get_model("needs", "LearningFormat")
    for position, (name, slug, description) in enumerate(FORMATS, start=1):
        LearningFormat.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )


def remove_formats(apps, schema_editor):
    apps.get_model("needs", "LearningFormat").objects.filter(slug__in=[f[1] for f in FORMATS]).delete()


class Migration(migrations.Migration):
    dependencies = [("needs", "0001_initial")]

    operations = [migrations.RunPython(add_formats, remove_formats)]
