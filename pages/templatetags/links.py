"""`{% slug_url 'pages:theme-detail' theme.slug %}`: `{% url %}` for a record's page, without reversing the
address for each link (core.links): the gaps page and the map link hundreds of records."""

from django import template

from core import links

register = template.Library()


@register.simple_tag
def slug_url(viewname: str, slug: str) -> str:
    return links.slug_url(viewname, slug)
