# The admin's configuration by its module, not its name: a configuration class imported here would be
# taken for the "knowledgemap" app's own.
from django.contrib.admin import apps as admin_apps


class CuratorAdminConfig(admin_apps.AdminConfig):
    """Django's admin with the curators' site (knowledgemap.admin.CuratorSite): the work queue as its home."""

    default = False  # Not the "knowledgemap" app's own configuration: INSTALLED_APPS names it.
    default_site = "knowledgemap.admin.CuratorSite"
