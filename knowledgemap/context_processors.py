from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    path: str
    label: str | Promise
    call_to_action: bool = False


# The header of every page. Paths are the public contract of DESIGN.md; the longest matching one is current.
NAV_ITEMS = [
    NavItem("/products/", _("Browse")),
    NavItem("/map/", _("Map")),
    NavItem("/partnerships/", _("Partnerships")),
    NavItem("/organisations/", _("Organisations")),
    NavItem("/gaps/", _("Gaps")),
    NavItem("/activities/", _("Activities")),
    NavItem("/needs/new/", _("Share a need"), call_to_action=True),
    NavItem("/products/nominate/", _("Nominate a product"), call_to_action=True),
]


def site(request):
    matches = [item for item in NAV_ITEMS if request.path.startswith(item.path)]
    current = max(matches, key=lambda item: len(item.path)) if matches else None
    return {
        "contact_email": settings.CONTACT_EMAIL,
        "nav_items": [(item, item == current) for item in NAV_ITEMS],
    }
