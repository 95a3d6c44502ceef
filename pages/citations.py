"""How to cite a product: a formatted reference for the page, and the same record as BibTeX, RIS and CSL-JSON
for reference managers (Zotero, Mendeley, EndNote).

One record (`csl_item`, in the Citation Style Language's JSON) is the source of all four, so they never
disagree. The organisations are the authors, as institutions; the partnerships publish it. The address cited
is the product's page here, which stays put when the product's own link moves.
"""

import datetime
import json
import re

import bibtexparser
import rispy
from bibtexparser.model import Entry, Field
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.site import absolute
from inventory.models import KnowledgeProduct, Organisation, Partnership

# Words in a product type's name that make it a report for reference managers; anything else is a document.
REPORT_WORDS = ("report", "evaluation", "brief", "paper", "study", "rapport", "evaluatie")
RIS_TYPES = {"report": "RPRT", "document": "GEN"}
BIBTEX_SPECIAL = re.compile(r"([&%$#_{}~^\\])")
BIBTEX_ESCAPES = {"~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "\\": r"\textbackslash{}"}


def cited_product(slug: str) -> KnowledgeProduct:
    """A published product with what its citation needs: two queries."""
    return get_object_or_404(
        KnowledgeProduct.objects.published()
        .select_related("product_type")
        .prefetch_related("organisations", "partnerships", "languages")
        .only("slug", "title", "summary", "year", "status", "product_type__name"),
        slug=slug,
    )


def csl_item(product: KnowledgeProduct, accessed: datetime.date, languages=None) -> dict:
    """The product as a CSL-JSON item. Its relations must be prefetched; its languages may be given (the
    product page has them from the facet index)."""
    languages = product.languages.all() if languages is None else languages
    type_name = product.product_type.name.lower()
    item = {
        "id": product.slug,
        "type": "report" if any(word in type_name for word in REPORT_WORDS) else "document",
        "title": product.title,
        "author": [{"literal": organisation.name} for organisation in _organisations(product)],
        "publisher": "; ".join(partnership.name for partnership in _partnerships(product)),
        "genre": product.product_type.name,
        "URL": absolute(product.get_absolute_url()),
        "accessed": {"date-parts": [[accessed.year, accessed.month, accessed.day]]},
        "abstract": product.summary,
        "language": ", ".join(language.code for language in languages),
    }
    if product.year:
        item["issued"] = {"date-parts": [[product.year]]}
    return {key: value for key, value in item.items() if value not in ("", [])}


def _organisations(product) -> list[Organisation]:
    return sorted(product.organisations.all(), key=lambda organisation: organisation.name.casefold())


def _partnerships(product) -> list[Partnership]:
    return sorted(product.partnerships.all(), key=lambda partnership: partnership.name.casefold())


def citation_text(item: dict) -> str:
    """The reference as a reader copies it, in the page's language: "Authors (year). Title. Publisher. URL
    (accessed date)." Organisations are joined as "A, B & C"; without a year, "n.d."."""
    authors = [author["literal"] for author in item.get("author", [])]
    if len(authors) > 1:
        authors = [", ".join(authors[:-1]) + " & " + authors[-1]]
    year = item["issued"]["date-parts"][0][0] if "issued" in item else _("n.d.")
    accessed = datetime.date(*item["accessed"]["date-parts"][0])
    parts = [f"{authors[0]} ({year}). {item['title']}." if authors else f"{item['title']} ({year})."]
    if item.get("publisher"):
        parts.append(f"{item['publisher']}.")
    accessed_text = _("accessed %(date)s") % {"date": date_format(accessed, "j F Y")}
    parts.append(f"{item['URL']} ({accessed_text}).")
    return " ".join(parts)


def bibtex(item: dict) -> str:
    """The item as a BibTeX @report or @misc entry (written by bibtexparser); institutions braced whole so
    that no reference manager takes "Network" for someone's surname."""
    fields = {
        "author": " and ".join("{" + _bibtex_escape(a["literal"]) + "}" for a in item.get("author", [])),
        "title": _bibtex_escape(item["title"]),
        "year": str(item["issued"]["date-parts"][0][0]) if "issued" in item else "",
        "institution" if item["type"] == "report" else "publisher": _bibtex_escape(item.get("publisher", "")),
        "type": _bibtex_escape(item["genre"]),
        "url": item["URL"],
        "urldate": _iso(item["accessed"]),
        "language": item.get("language", ""),
    }
    entry_type = "techreport" if item["type"] == "report" else "misc"
    entry = Entry(entry_type, item["id"], [Field(key, value) for key, value in fields.items() if value])
    library = bibtexparser.Library()
    library.add(entry)
    return bibtexparser.write_string(library)


def _bibtex_escape(text: str) -> str:
    return BIBTEX_SPECIAL.sub(lambda match: BIBTEX_ESCAPES.get(match[1], "\\" + match[1]), text)


def ris(item: dict) -> str:
    """The item as a RIS record (written by rispy)."""
    record = {
        "type_of_reference": RIS_TYPES[item["type"]],
        "title": item["title"],
        "authors": [author["literal"] for author in item.get("author", [])],
        "year": str(item["issued"]["date-parts"][0][0]) if "issued" in item else "",
        "publisher": item.get("publisher", ""),
        "urls": [item["URL"]],
        "access_date": _iso(item["accessed"]),
        "abstract": item.get("abstract", ""),
        "language": item.get("language", ""),
    }
    return rispy.dumps([{key: value for key, value in record.items() if value}])


def _iso(date: dict) -> str:
    return datetime.date(*date["date-parts"][0]).isoformat()


# The downloads: format name → (how it is written, content type, file extension).
FORMATS = {
    "bibtex": (bibtex, "application/x-bibtex; charset=utf-8", "bib"),
    "ris": (ris, "application/x-research-info-systems; charset=utf-8", "ris"),
    "csl-json": (
        lambda item: json.dumps([item], ensure_ascii=False, indent=2),
        "application/vnd.citationstyles.csl+json; charset=utf-8",
        "json",
    ),
}


@require_safe
def product_citation(request, slug, format):
    """The product's citation as a file for a reference manager."""
    write, content_type, extension = FORMATS[format]
    item = csl_item(cited_product(slug), timezone.localdate())
    response = HttpResponse(write(item), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{slug}.{extension}"'
    return response
