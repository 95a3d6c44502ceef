"""The curators' admin site: its home is the work queue (knowledgemap.workqueue), and every app has a
heading in the admin's language."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from knowledgemap import workqueue

# Headings of the apps, in the admin's language; Django's own apps translate theirs.
APP_NAMES = {
    "inventory": _("Catalogue"),
    "needs": _("Needs and learning"),
    "taggit": _("Tags"),
    "axes": _("Sign-in attempts"),
}


class CuratorSite(admin.AdminSite):
    site_header = _("Knowledge map — curators")
    site_title = _("Knowledge map curators")
    index_title = _("Work queue")
    # The lists need the width of a laptop's screen: the filters are sidebar enough.
    enable_nav_sidebar = False

    def index(self, request, extra_context=None):
        context = {
            "work_queue": workqueue.waiting(request.user),
            "latest_changes": workqueue.latest_changes(request.user),
            **(extra_context or {}),
        }
        return super().index(request, context)

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        for app in apps:
            app["name"] = APP_NAMES.get(app["app_label"], app["name"])
        return apps
