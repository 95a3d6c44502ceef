"""Tags for the metadata in a page's <head>: full addresses for OpenGraph, and JSON-LD made safe to put
inside a <script> element."""

from django import template

from core.site import absolute
from pages import structured_data

register = template.Library()


@register.filter
def json_ld(data) -> str:
    """The text of a JSON-LD <script>: the very text whose hash the view put in the policy
    (`structured_data.allow_json_ld`), or, given a dict, that dict made safe."""
    script = data if isinstance(data, structured_data.JsonLd) else structured_data.json_ld(data)
    return script.text


@register.simple_tag(takes_context=True)
def absolute_url(context, path: str) -> str:
    """The full address of `path` on this site (SITE_URL), whatever address the visitor used."""
    return absolute(path)
