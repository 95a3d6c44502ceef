from django.db import migrations

from core.groups import grant

ALL = ["add", "change", "delete", "view"]

# What a curator needs to run the whole inventory, and no more: no users, groups or site settings.
CURATOR_PERMISSIONS = {
    "inventory.programme": ALL,
    "inventory.theme": ALL,
    "inventory.producttype": ALL,
    "inventory.country": ["change", "view"],
    "inventory.language": ["view"],
    "inventory.organisation": ALL,
    "inventory.partnership": ALL,
    "inventory.membership": ALL,
    "inventory.stakeholder": ALL,
    "inventory.knowledgeproduct": ALL,
    "inventory.involvement": ALL,
    "inventory.taggedproduct": ALL,
    "taggit.tag": ALL,
}


def create_curators(apps, schema_editor):
    grant(apps, "Curators", CURATOR_PERMISSIONS)


def remove_curators(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Curators").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0002_countries_and_languages"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(create_curators, remove_curators)]
