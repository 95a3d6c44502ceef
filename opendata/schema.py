"""Touches to the generated OpenAPI schema: what each query parameter means, in words a reuser needs.

drf-spectacular describes a filter by its label ("Country"); the browse page's FilterSet is not the place
for API prose, so the descriptions live here, applied by a post-processing hook (SPECTACULAR_SETTINGS).
"""

from django.conf import settings

# What stays on the outside when a schema that may be null is wrapped in a oneOf.
OUTER_KEYS = {"readOnly", "writeOnly", "description", "title", "deprecated", "example"}

PAGES = {
    "page": "The page, from 1. A page past the last is a 404.",
    "page_size": "Results per page: 24 unless asked, at most 100.",
}

PARAMETERS = {
    "/api/products/": {
        "q": "Words that must all occur in the title, summary, lessons, tags or description.",
        "theme": "A theme's slug; a core theme includes its sub-themes.",
        "type": "A product type's slug.",
        "programme": "A programme's slug: products of its partnerships.",
        "partnership": "A partnership's slug.",
        "organisation": "An organisation's slug.",
        "org_kind": "The kind of an organisation involved.",
        "country": "An ISO 3166-1 alpha-2 country code (KE, ke).",
        "region": "The region of a country the product is about.",
        "language": "An ISO 639-1 language code (fr, FR).",
        "tag": "A tag's slug.",
        "stakeholder_category": "The category of a stakeholder involved.",
        "year_min": "Made or published in this year or later.",
        "year_max": "Made or published in this year or earlier.",
        "featured": "true: only products an organisation named among its most valuable.",
        "sort": "The order: newest (the default), oldest, title; relevance when searching.",
        **PAGES,
    },
    "/api/activities/": {
        "theme": "A theme's slug; a core theme includes its sub-themes.",
        "format": "A learning format's slug (webinar, peer-exchange …).",
        "status": "Where the activity stands.",
        **PAGES,
    },
    "/api/organisations/": {
        "q": "Part of the organisation's name.",
        "kind": "The kind of organisation.",
        "country": "The ISO 3166-1 alpha-2 code of the organisation's country.",
        **PAGES,
    },
}


def describe_parameters(result, generator, request, public):
    """Puts the descriptions above on the query parameters, keeping the list of choices drf-spectacular
    adds after them."""
    for path, methods in result.get("paths", {}).items():
        described = PARAMETERS.get(path, PAGES)
        for operation in methods.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] != "query" or parameter["name"] not in described:
                    continue
                choices = parameter.get("description", "").partition("\n\n")[2]
                text = described[parameter["name"]]
                parameter["description"] = f"{text}\n\n{choices}" if choices else text
    return result


def json_schema_nulls(result, generator, request, public):
    """OpenAPI 3.1 is JSON Schema: a value that may be null says so in its type. Parts written in 3.0's
    words (`nullable`, as DRF's pagination writes `next` and `previous`) are rewritten, since a strict
    validator ignores `nullable` and then refuses the real `null`."""

    def rewrite(node):
        if isinstance(node, dict):
            if node.pop("nullable", False):
                kind = node.get("type")
                if isinstance(kind, str):
                    node["type"] = [kind, "null"]
                elif isinstance(kind, list) and "null" not in kind:
                    node["type"] = [*kind, "null"]
                elif kind is None:
                    inner = {key: node.pop(key) for key in list(node) if key not in OUTER_KEYS}
                    node["oneOf"] = [inner, {"type": "null"}]
            for value in node.values():
                rewrite(value)
        elif isinstance(node, list):
            for value in node:
                rewrite(value)

    rewrite(result.get("components", {}))
    rewrite(result.get("paths", {}))
    return result


def declare_server(result, generator, request, public):
    """The API's address: the site's own (SITE_URL), as every absolute link it writes."""
    result["servers"] = [{"url": settings.SITE_URL, "description": "The knowledge map"}]
    return result
