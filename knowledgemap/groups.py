"""Helpers for data migrations that keep the staff groups' permissions exact."""

from django.contrib.auth.management import create_permissions


def ensure_permissions(apps) -> None:
    """Permissions are normally made after all migrations; a migration that hands them out needs them now."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def grant(apps, group_name: str, permissions: dict[str, list[str]]) -> None:
    """Give `group_name` the permissions named as {"app.model": ["add", "change", …]}."""
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=group_name)
    for label, actions in permissions.items():
        app_label, model = label.split(".")
        codenames = [f"{action}_{model}" for action in actions]
        found = Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        if found.count() != len(codenames):
            raise RuntimeError(f"Missing permissions for {label}: {codenames}")
        group.permissions.add(*found)
