"""What cards and pages say of a product as a record: where it comes from, and its picture."""

from urllib.parse import quote

from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from inventory.models import Region
from pages.records import product_image

register = template.Library()

# A card names up to this many countries; more are named by their regions.
COUNTRIES_ON_A_CARD = 3


@register.filter
def places(product) -> str:
    """ "Kenya, Uganda", or "Sub-Saharan Africa, Asia" for a product of many countries, or "" for none.
    Reads the prefetched countries (for_cards())."""
    countries = sorted(product.countries.all(), key=lambda country: country.display_name)
    if len(countries) <= COUNTRIES_ON_A_CARD:
        return ", ".join(country.display_name for country in countries)
    regions = sorted({str(Region(c.region).label) for c in countries if c.region})
    if not regions:
        return _("%(count)s countries") % {"count": len(countries)}
    return ", ".join(regions)


@register.filter
def image(product) -> str:
    return product_image(product)


@register.simple_tag
def product_card(product, reason="") -> str:
    """A product's card: its picture, type and year, title, summary, the passage with a search's words, why
    it is suggested (`reason`), where it comes from. Built here rather than included from a template: the
    browse page shows 24, and including a template for each took 8 ms of its 50 at 100,000 products."""
    kicker = conditional_escape(product.product_type.display_name)
    if product.year:
        kicker += format_html(" · {}", localize(product.year))
    parts = [
        format_html(
            '<article class="card product-card{}">\n'
            '  <img class="card-image" src="{}" alt="" width="60" height="80" loading="lazy"'
            ' decoding="async">\n'
            '  <p class="card-kicker">{}</p>\n'
            '  <h3 class="card-title"><a href="{}">{}</a></h3>\n'
            '  <p class="card-summary">{}</p>',
            " is-featured" if product.featured else "",
            product_image(product),
            kicker,
            product.get_absolute_url(),
            product.title,
            Truncator(product.summary).words(40, truncate=" …"),
        )
    ]
    if getattr(product, "snippet", ""):
        parts.append(
            format_html(
                '\n  <p class="card-snippet"><span class="visually-hidden">{} </span>{}</p>',
                _("Where your words are:"),
                product.snippet,
            )
        )
    if reason:
        parts.append(format_html('\n  <p class="card-reason">{} {}</p>', _("Why:"), reason))
    partnerships, where = product.partnerships.all(), places(product)
    if partnerships or where:
        names = ([partnership.name] for partnership in partnerships)
        parts.append(
            format_html(
                '\n  <p class="card-origin">{}{}</p>',
                format_html_join("", '<span class="card-partnership">{}</span>', names),
                format_html(' <span class="card-places">{}</span>', where) if where else "",
            )
        )
    if product.featured:
        parts.append(
            format_html(
                '\n  <p class="card-meta"><span class="badge badge-featured">{}</span></p>',
                _("Among the most valuable"),
            )
        )
    parts.append("\n</article>\n")
    return mark_safe("".join(parts))  # each part escaped above


@register.simple_tag
def partnership_card(partnership, product_list: str) -> str:
    """A partnership's card on the partnerships page: its name, lead, members (Southern ones marked) and
    products (`product_list`: the browse page's address). Built here rather than by the template: the page
    lists every partnership, and 400 cards took 170 ms of its 260 as a template."""
    link = '<a href="{}">{}</a>'
    title = format_html(link, partnership.get_absolute_url(), partnership.name)
    if partnership.acronym:
        title += format_html(' <span class="muted">({})</span>', partnership.acronym)
    lead = partnership.lead_organisation
    led = (
        format_html(
            '<p class="card-meta">{} ' + link + "</p>", _("Led by"), lead.get_absolute_url(), lead.name
        )
        if lead
        else ""
    )
    memberships = partnership.memberships.all()
    members = ""
    if memberships:
        southern = format_html(' <span class="southern-mark">({})</span>', _("Southern"))
        items = "".join(
            f"<li>{escape(m.organisation.name)}"
            f"{southern if m.role == 'southern-partner' or m.organisation.is_southern else ''}</li>"
            for m in memberships
        )
        members = format_html(
            '\n      <h4 class="visually-hidden">{}</h4>\n'
            '      <ul class="inline-list card-members">{}</ul>\n      ',
            _("Members"),
            mark_safe(items),  # each item escaped above
        )
    count = partnership.product_count
    if count:
        products = format_html(
            '<a href="{}?partnership={}">{}</a>',
            product_list,
            quote(partnership.slug, safe="/"),
            ngettext("%(counter)s product", "%(counter)s products", count) % {"counter": localize(count)},
        )
    else:
        products = escape(_("no products yet"))
    stats = ngettext("%(counter)s member", "%(counter)s members", len(memberships)) % {
        "counter": localize(len(memberships))
    }
    return format_html(
        '<article class="card">\n'
        '      <h3 class="card-title">{}</h3>\n'
        "      {}\n"
        "      {}\n"
        '      <p class="card-stats">\n'
        "        {} ·\n"
        "        {}\n"
        "      </p>\n"
        "      \n"
        "    </article>",
        title,
        led,
        members,
        stats,
        products,
    )
