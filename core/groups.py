"""The staff groups and the helpers that data migrations use to keep their permissions exact.

Two roles, each a group made by a data migration:
- Curators run the inventory (and the needs and learning activities): everything in them, no users or groups.
- Reviewers see what is waiting for review and change its status, nothing else. A model that reviewers work
  on declares a "review_<model>" permission (Meta.permissions) and its admin checks it (ReviewableAdmin in
  knowledgemap/admin.py). Giving reviewers a new model is one line in a data migration:

      grant(apps, REVIEWERS, {"needs.knowledgeneed": REVIEW})
"""

from django.contrib.auth.management import create_permissions

CURATORS = "Curators"
REVIEWERS = "Reviewers"
ALL = ["add", "change", "delete", "view"]
# What a reviewer may do with a model it reviews: see it, and move it along its workflow.
REVIEW = ["view", "review"]


def ensure_permissions(apps) -> None:
    """Permissions are normally made after all migrations; a migration that hands them out needs them now."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def _permissions(apps, permissions: dict[str, list[str]]):
    Permission = apps.get_model("auth", "Permission")
    found = []
    for label, actions in permissions.items():
        app_label, model = label.split(".")
        codenames = [f"{action}_{model}" for action in actions]
        rows = list(Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
        if len(rows) != len(codenames):
            raise RuntimeError(f"Missing permissions for {label}: {codenames}")
        found.extend(rows)
    return found


def grant(apps, group_name: str, permissions: dict[str, list[str]]) -> None:
    """Give `group_name` the permissions named as {"app.model": ["add", "change", …]}."""
    ensure_permissions(apps)
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name=group_name)
    group.permissions.add(*_permissions(apps, permissions))


def revoke(apps, group_name: str, permissions: dict[str, list[str]]) -> None:
    """Take back what `grant` gave, for a migration's way back."""
    group = apps.get_model("auth", "Group").objects.filter(name=group_name).first()
    if group is not None:
        group.permissions.remove(*_permissions(apps, permissions))
