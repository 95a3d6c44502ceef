from django.db import migrations

from inventory.codes import country_rows, language_rows


def load_codes(apps, schema_editor):
    Country = apps.get_model("inventory", "Country")
    Language = apps.get_model("inventory", "Language")
    Country.objects.bulk_create(
        [Country(code=code, name=name, region=region) for code, name, region in country_rows()],
        ignore_conflicts=True,
    )
    Language.objects.bulk_create(
        [Language(code=code, name=name) for code, name in language_rows()], ignore_conflicts=True
    )


class Migration(migrations.Migration):
    dependencies = [("inventory", "0001_initial")]

    operations = [migrations.RunPython(load_codes, migrations.RunPython.noop)]
