"""Links that change one part of the browse page's query string and keep the rest, so every state of the
page is a URL that can be shared. Changing a filter always goes back to the first page."""

from django import template
from django.http import QueryDict
from django.utils.html import format_html_join

register = template.Library()


def _query(params: QueryDict) -> str:
    return f"?{params.urlencode()}" if params else "?"


def _without(values: list[str], value: str) -> list[str]:
    return [v for v in values if v.casefold() != str(value).casefold()]


@register.simple_tag(takes_context=True)
def toggle_query(context, param: str, value) -> str:
    """The query with `value` added to the repeatable `param`, or removed when it is there already."""
    params = context.request.GET.copy()
    values = params.getlist(param)
    kept = _without(values, value)
    params.setlist(param, kept if len(kept) < len(values) else [*values, str(value)])
    params.pop("page", None)
    return _query(params)


@register.simple_tag(takes_context=True)
def remove_query(context, param: str, value=None) -> str:
    """The query without `param` (or without one of its values)."""
    params = context.request.GET.copy()
    if value is None:
        params.pop(param, None)
    else:
        params.setlist(param, _without(params.getlist(param), value))
    params.pop("page", None)
    return _query(params)


@register.simple_tag(takes_context=True)
def hidden_query_inputs(context, leave_out: str = "") -> str:
    """Hidden inputs carrying the current query into a form, except the space-separated `leave_out`
    parameters (those the form itself asks for), the page, and parameters the page refused (`errors`)."""
    refused = {error["param"] for error in context.get("errors") or []}
    skipped = {*leave_out.split(), "page", *refused}
    params = context.request.GET
    return format_html_join(
        "\n",
        '<input type="hidden" name="{}" value="{}">',
        ((key, value) for key in params if key not in skipped for value in params.getlist(key)),
    )


@register.simple_tag(takes_context=True)
def results_query(context) -> str:
    """The filters of the page as a query string ("" when none) for other forms of the same results (the
    CSV export, the feed): without the page, and without parameters the page refused."""
    refused = {error["param"] for error in context.get("errors") or []}
    params = context.request.GET.copy()
    for param in [*refused, "page"]:
        params.pop(param, None)
    return f"?{params.urlencode()}" if params else ""
