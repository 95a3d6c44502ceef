from django.db import migrations

# The Dutch names of the learning formats 0002 added. A format a curator already translated keeps its text.
DUTCH = {
    "webinar": ("Webinar", "Een online sessie van een uur of twee: een presentatie en vragen."),
    "peer-exchange": ("Uitwisseling tussen collega's", "Organisaties met dezelfde vraag leren van elkaar."),
    "training-or-workshop": ("Training of workshop", "Een dag of langer begeleid oefenen met een trainer."),
    "coaching": ("Coaching", "Een ervaren persoon begeleidt een team weken of maanden lang."),
    "community-of-practice": ("Praktijkgemeenschap", "Een blijvende groep die samenkomt om te delen wat werkt."),
    "toolkit-or-guide": ("Toolkit of gids", "Een geschreven of online hulpmiddel om in eigen tempo door te werken."),
    "research-or-learning-trajectory": (
        "Onderzoeks- of leertraject",
        "Een gezamenlijk onderzoek naar een vraag die nog niemand heeft beantwoord.",
    ),
}


def add_dutch_names(apps, schema_editor):
    LearningFormat = apps.get_model("needs", "LearningFormat")
    for learning_format in LearningFormat.objects.filter(slug__in=DUTCH):
        if learning_format.translations.get("nl"):
            continue
        name, description = DUTCH[learning_format.slug]
        learning_format.translations = {
            **learning_format.translations,
            "nl": {"name": name, "description": description},
        }
        learning_format.save(update_fields=["translations"])


class Migration(migrations.Migration):
    dependencies = [("needs", "0012_translated_names")]

    operations = [migrations.RunPython(add_dutch_names, migrations.RunPython.noop)]
