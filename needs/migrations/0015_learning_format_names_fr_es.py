from django.db import migrations

# The French and Spanish names of the learning formats 0002 added. A language a curator already translated
# keeps its text.
NAMES = {
    "webinar": {
        "fr": (
            "Webinaire",
            "Une session en ligne d'une heure ou deux\u00a0: une présentation et des questions.",
        ),
        "es": ("Seminario web", "Una sesión en línea de una o dos horas: una presentación y preguntas."),
    },
    "peer-exchange": {
        "fr": (
            "Échange entre pairs",
            "Des organisations qui ont affronté la même question apprennent les unes des autres.",
        ),
        "es": (
            "Intercambio entre pares",
            "Organizaciones que enfrentaron la misma pregunta aprenden unas de otras.",
        ),
    },
    "training-or-workshop": {
        "fr": ("Formation ou atelier", "Une journée ou plus de pratique guidée avec un formateur."),
        "es": ("Formación o taller", "Uno o más días de práctica guiada con una persona formadora."),
    },
    "coaching": {
        "fr": (
            "Accompagnement",
            "Une personne expérimentée accompagne une équipe pendant des semaines ou des mois.",
        ),
        "es": ("Acompañamiento", "Una persona con experiencia acompaña a un equipo durante semanas o meses."),
    },
    "community-of-practice": {
        "fr": ("Communauté de pratique", "Un groupe durable qui se réunit pour partager ce qui fonctionne."),
        "es": ("Comunidad de práctica", "Un grupo estable que se reúne para compartir lo que funciona."),
    },
    "toolkit-or-guide": {
        "fr": ("Boîte à outils ou guide", "Une ressource écrite ou en ligne à parcourir à son rythme."),
        "es": ("Caja de herramientas o guía", "Un recurso escrito o en línea para recorrer a tu ritmo."),
    },
    "research-or-learning-trajectory": {
        "fr": (
            "Parcours de recherche ou d'apprentissage",
            "Une enquête commune sur une question à laquelle personne n'a encore répondu.",
        ),
        "es": (
            "Trayecto de investigación o aprendizaje",
            "Una indagación conjunta sobre una pregunta que nadie ha respondido todavía.",
        ),
    },
}


def add_names(apps, schema_editor):
    LearningFormat = apps.get_model("needs", "LearningFormat")
    for learning_format in LearningFormat.objects.filter(slug__in=NAMES):
        translations = dict(learning_format.translations or {})
        for code, (name, description) in NAMES[learning_format.slug].items():
            if not translations.get(code):
                translations[code] = {"name": name, "description": description}
        if translations != learning_format.translations:
            learning_format.translations = translations
            learning_format.save(update_fields=["translations"])


class Migration(migrations.Migration):
    dependencies = [("needs", "0014_need_attachment")]

    operations = [migrations.RunPython(add_names, migrations.RunPython.noop)]
