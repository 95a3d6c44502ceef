"""The licences a product may carry: a curated list, each with its deed's address and what it lets people do.

One table, read by the model's choices, the product page, the API, the CSV export and the JSON-LD.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Licence(models.TextChoices):
    # The licences' own names, the same in every language.
    CC_BY = "cc-by-4.0", "CC BY 4.0"
    CC_BY_SA = "cc-by-sa-4.0", "CC BY-SA 4.0"
    CC_BY_NC = "cc-by-nc-4.0", "CC BY-NC 4.0"
    CC_BY_NC_SA = "cc-by-nc-sa-4.0", "CC BY-NC-SA 4.0"
    CC_BY_ND = "cc-by-nd-4.0", "CC BY-ND 4.0"
    CC_BY_NC_ND = "cc-by-nc-nd-4.0", "CC BY-NC-ND 4.0"
    CC0 = "cc0-1.0", "CC0 1.0"
    ALL_RIGHTS_RESERVED = "all-rights-reserved", _("All rights reserved")
    UNKNOWN = "unknown", _("Unknown")


@dataclass(frozen=True)
class Terms:
    url: str  # the licence's deed; empty when there is none
    reuse: Promise  # what a reader may do with the product, in a sentence


CC = "https://creativecommons.org/licenses/"
TERMS = {
    Licence.CC_BY: Terms(
        f"{CC}by/4.0/", _("You may share, translate and adapt it, also commercially, with credit.")
    ),
    Licence.CC_BY_SA: Terms(
        f"{CC}by-sa/4.0/",
        _("You may share, translate and adapt it, with credit, under this same licence."),
    ),
    Licence.CC_BY_NC: Terms(
        f"{CC}by-nc/4.0/", _("You may share, translate and adapt it, with credit, but not commercially.")
    ),
    Licence.CC_BY_NC_SA: Terms(
        f"{CC}by-nc-sa/4.0/",
        _("You may share, translate and adapt it, with credit, not commercially, under this same licence."),
    ),
    Licence.CC_BY_ND: Terms(
        f"{CC}by-nd/4.0/",
        _("You may share it unchanged, with credit; translations and adaptations need leave."),
    ),
    Licence.CC_BY_NC_ND: Terms(
        f"{CC}by-nc-nd/4.0/",
        _("You may share it unchanged, with credit, not commercially; adapting it needs leave."),
    ),
    Licence.CC0: Terms(
        "https://creativecommons.org/publicdomain/zero/1.0/",
        _("In the public domain: you may use it in any way, without asking."),
    ),
    Licence.ALL_RIGHTS_RESERVED: Terms("", _("Ask its makers before you translate, adapt or republish it.")),
    Licence.UNKNOWN: Terms("", _("Its terms are not known: ask its makers before you reuse it.")),
}


def licence_url(code: str) -> str:
    return TERMS[Licence(code)].url


def licence_reuse(code: str) -> Promise:
    return TERMS[Licence(code)].reuse
