import json

from django.conf import settings
from django.db import migrations

# The French and Spanish names and descriptions of the reference data (themes, product types, programmes),
# for databases that loaded fixtures/reference.json before it had them. A language a curator already
# translated keeps its text; records a curator added (slugs the fixture does not know) are left alone.
LANGUAGES = ("fr", "es")
MODELS = {
    "inventory.theme": "Theme",
    "inventory.producttype": "ProductType",
    "inventory.programme": "Programme",
}


def add_names(apps, schema_editor):
    path = settings.BASE_DIR / "fixtures" / "reference.json"
    if not path.exists():
        return
    by_model = {}
    for obj in json.loads(path.read_text(encoding="utf-8")):
        if obj["model"] in MODELS:
            by_model.setdefault(MODELS[obj["model"]], {})[obj["fields"]["slug"]] = obj["fields"].get(
                "translations", {}
            )
    for model_name, texts in by_model.items():
        for record in apps.get_model("inventory", model_name).objects.filter(slug__in=texts):
            translations = dict(record.translations or {})
            added = {
                code: texts[record.slug][code]
                for code in LANGUAGES
                if code in texts[record.slug] and not translations.get(code)
            }
            if added:
                record.translations = {**translations, **added}
                record.save(update_fields=["translations"])


class Migration(migrations.Migration):
    dependencies = [("inventory", "0015_merge_translated_names")]

    operations = [migrations.RunPython(add_names, migrations.RunPython.noop)]
