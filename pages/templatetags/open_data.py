"""Tags for the metadata in a page's <head>: full addresses for OpenGraph, and JSON-LD made safe to put
inside a <script> element."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import mark_safe

from core.site import absolute

register = template.Library()

# What could end the <script> element or start a comment inside it, written as JSON escapes instead
# (as Django's json_script does; that filter always says type="application/json").
SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def json_ld(data) -> str:
    return mark_safe(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(SCRIPT_ESCAPES))


@register.simple_tag(takes_context=True)
def absolute_url(context, path: str) -> str:
    """The full address of `path` on this site (SITE_URL), whatever address the visitor used."""
    return absolute(path)
