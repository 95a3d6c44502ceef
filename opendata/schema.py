"""Touches to the generated OpenAPI schema: what each query parameter means, in words a reuser needs.

drf-spectacular describes a filter by its label ("Country"); the browse page's FilterSet is not the place
for API prose, so the descriptions live here, applied by a post-processing hook (SPECTACULAR_SETTINGS).
"""

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
