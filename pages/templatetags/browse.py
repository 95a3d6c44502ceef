"""Links that change one part of the browse page's query string and keep the rest, so every state of the
page is a URL that can be shared. Changing a filter always goes back to the first page."""

from urllib.parse import urlencode

from django import template
from django.http import QueryDict
from django.utils.formats import localize
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()


def _query(params: QueryDict) -> str:
    return f"?{params.urlencode()}" if params else "?"


def _without(values: list[str], value: str) -> list[str]:
    return [v for v in values if v.casefold() != str(value).casefold()]


@register.simple_tag(takes_context=True)
def toggle_query(context, param: str, value) -> str:
    """The query with `value` added to the repeatable `param`, or removed when it is there already."""
    value, pairs, found = str(value), [], False
    for key, values in _params_without_page(context):
        if key == param:
            kept = _without(values, value)
            values, found = (kept if len(kept) < len(values) else [*values, value]), True
        pairs.append((key, values))
    if not found:
        pairs.append((param, [value]))
    query = urlencode(pairs, doseq=True)
    return f"?{query}" if query else "?"


def _params_without_page(context) -> list[tuple[str, list[str]]]:
    """The page's parameters, read once per rendering: the browse page links hundreds of facet values."""
    if "browse_params" not in context.render_context:
        params = [(key, values) for key, values in context.request.GET.lists() if key != "page"]
        context.render_context["browse_params"] = params
    return context.render_context["browse_params"]


@register.simple_tag(takes_context=True)
def facet_link(context, param: str, value) -> str:
    """A facet value as a link that chooses it (or, chosen, removes it), with its name and count. Built
    here rather than included from a template: the browse page lists a few hundred of them."""
    return format_html(
        '<a class="facet-link" href="{}"{}>\n  <span class="facet-label">{}{}{}</span>\n'
        '  <span class="facet-count">{}</span>\n</a>',
        toggle_query(context, param, value.value),
        mark_safe(' aria-current="true"') if value.selected else "",
        value.label,
        format_html(' <span class="facet-note">{}</span>', value.note) if value.note else "",
        format_html('<span class="visually-hidden"> ({})</span>', gettext("chosen; choose again to remove"))
        if value.selected
        else "",
        localize(value.count),
    )


def facet_option(param: str, value) -> str:
    """A facet value as a checkbox of the filter form, with its name and count: ticked, it is applied with
    the others by the form's button, so choosing several costs one page load. Terse markup (styled as
    `.facet-values label`): the browse page lists a few hundred of them and must stay light."""
    checked = " checked" if value.selected else ""
    note = f' <span class="facet-note">{escape(value.note)}</span>' if value.note else ""
    return mark_safe(
        f'<label><input type="checkbox" name="{escape(param)}" value="{escape(value.value)}"{checked}> '
        f"<span>{escape(value.label)}{note}</span> <small>{localize(value.count)}</small></label>"
    )


@register.simple_tag
def facet_items(param: str, values) -> str:
    """The list items of a facet's values, each with its children's list (a core theme's sub-themes), built
    in one go: the browse page lists a few hundred, and a template's loop over them took a fifth of a
    search page's rendering."""
    items = []
    for value in values:
        children = ""
        if value.children:
            inner = "".join(f"<li>{facet_option(param, child)}</li>" for child in value.children)
            children = f'<ul class="facet-children">{inner}</ul>'
        items.append(f"<li>{facet_option(param, value)}{children}</li>")
    return mark_safe("".join(items))


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
