"""The API's documentation page: the OpenAPI schema, rendered on the server as plain HTML.

A page of our own rather than Swagger UI or Redoc: those are JavaScript applications (this site's pages
work without script), and they need the content security policy relaxed (inline styles, data: images).
Everything here comes from the schema, so the page cannot drift from what the API does.
"""

import functools
from dataclasses import dataclass, field

from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_safe
from drf_spectacular.generators import SchemaGenerator

from opendata.api import ROUTES

REF_PREFIX = "#/components/schemas/"


@dataclass
class Parameter:
    name: str
    type: str
    description: str
    repeatable: bool = False
    choices: list[str] = field(default_factory=list)


@dataclass
class Response:
    status: str
    description: str
    schema: str  # the name of a component, or a type
    link: str = ""  # the anchor of the component it names


@dataclass
class Operation:
    path: str
    summary: str
    description: str
    parameters: list[Parameter]
    responses: list[Response]

    @property
    def anchor(self) -> str:
        return "op-" + self.path.strip("/").replace("/", "-").replace("{", "").replace("}", "")

    @property
    def example(self) -> str | None:
        """The path itself, to follow, when it has no placeholder in it."""
        return None if "{" in self.path else self.path


@dataclass
class Field:
    name: str
    type: str
    description: str
    nullable: bool
    link: str = ""  # the anchor of the component it refers to


@dataclass
class Component:
    name: str
    description: str
    fields: list[Field]


def without_null(schema: dict) -> tuple[dict, bool]:
    """The schema without its "or null" (OpenAPI 3.1 writes it in the type or as a oneOf), and whether it
    had one."""
    types = schema.get("type")
    if isinstance(types, list) and "null" in types:
        rest = [kind for kind in types if kind != "null"]
        return {**schema, "type": rest[0] if len(rest) == 1 else rest}, True
    options = schema.get("oneOf", [])
    if {"type": "null"} in options:
        rest = [option for option in options if option != {"type": "null"}]
        others = {key: value for key, value in schema.items() if key != "oneOf"}
        return ({**others, **rest[0]} if len(rest) == 1 else {**others, "oneOf": rest}), True
    return schema, bool(schema.get("nullable", False))


def type_of(schema: dict) -> tuple[str, str]:
    """A short type for a person ("list of Theme", "string (uri)") and the component it names, if any."""
    schema, _nullable = without_null(schema)
    if "$ref" in schema:
        name = schema["$ref"].removeprefix(REF_PREFIX)
        return name, name
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return type_of(schema["allOf"][0])
    if schema.get("type") == "array":
        inner, link = type_of(schema.get("items", {}))
        return f"list of {inner}", link
    if "enum" in schema:
        return "one of " + ", ".join(str(v) for v in schema["enum"] if v not in ("", None)), ""
    if schema.get("type") == "object" and "additionalProperties" in schema:
        inner, link = type_of(schema["additionalProperties"])
        return f"object of {inner}", link
    kind = schema.get("type", "any")
    return (f"{kind} ({schema['format']})" if "format" in schema else kind), ""


def _parameter(raw: dict) -> Parameter:
    schema = raw.get("schema", {})
    repeatable = schema.get("type") == "array"
    item = schema.get("items", {}) if repeatable else schema
    choices = [str(v) for v in item.get("enum", [])]
    kind = "string" if choices else type_of(item)[0]
    # drf-spectacular lists the choices in the description too; the page shows them once, as codes.
    description = raw.get("description", "").split("\n\n* `")[0]
    return Parameter(raw["name"], kind, description, repeatable, choices)


def _operation(path: str, raw: dict) -> Operation:
    responses = []
    for status, answer in raw.get("responses", {}).items():
        content = answer.get("content", {}).get("application/json", {})
        kind, link = type_of(content.get("schema", {})) if content else ("", "")
        responses.append(Response(status, answer.get("description", ""), kind, link))
    return Operation(
        path=path,
        summary=raw.get("summary", ""),
        description=raw.get("description", ""),
        parameters=[_parameter(p) for p in raw.get("parameters", [])],
        responses=responses,
    )


def _component(name: str, raw: dict) -> Component:
    fields = []
    for field_name, schema in raw.get("properties", {}).items():
        kind, link = type_of(schema)
        nullable = without_null(schema)[1]
        fields.append(Field(field_name, kind, schema.get("description", ""), nullable, link))
    return Component(name, raw.get("description", ""), fields)


def _route_order(path: str) -> tuple[int, str]:
    """Products first, then the rest in the order the API's root lists them."""
    prefixes = list(ROUTES)
    prefix = path.removeprefix("/api/").split("/")[0]
    return (prefixes.index(prefix) if prefix in prefixes else len(prefixes), path)


@functools.lru_cache(maxsize=8)
def documentation_for(language: str | None) -> dict:
    """The page's content, made once per language: the schema only changes with the code."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = sorted(schema["paths"].items(), key=lambda item: _route_order(item[0]))
    operations = [_operation(path, methods["get"]) for path, methods in paths if "get" in methods]
    components = [
        _component(name, raw)
        for name, raw in schema["components"]["schemas"].items()
        if raw.get("type") == "object" and "properties" in raw
    ]
    return {"info": schema["info"], "operations": operations, "components": components}


@require_safe
def documentation(request):
    return render(request, "opendata/api_docs.html", documentation_for(get_language()))
