"""What every public form shares: the honeypot, the rate limit, the size guard, the thank-you link and the
private follow link."""

import functools
import logging
import secrets

from django import forms
from django.conf import settings
from django.core import signing
from django.forms.widgets import ChoiceWidget
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import get_usage

from core import freshness
from core.clients import client_address

logger = logging.getLogger(__name__)

RATE_LIMIT_GROUP = "public-forms"
THANKS_MAX_AGE = 7 * 24 * 60 * 60  # A thank-you link works for a week, then says nothing any more.


class PublicForm(forms.Form):
    """A form anyone may post: a honeypot field that people never see and simple bots fill in."""

    required_css_class = "required"
    error_css_class = "field-error"

    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A field left empty is named in its message, which stands alone in the summary at the top.
        generic = forms.Field.default_error_messages["required"]
        for field in self.fields.values():
            if field.error_messages.get("required") == generic:
                field.error_messages["required"] = _("Fill in “%(label)s”.") % {"label": field.label}
            if isinstance(field.widget, ChoiceWidget):
                field.widget.__class__ = _kept_rendering(type(field.widget))

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise forms.ValidationError(
                _("This field must stay empty: it is there to stop automated submissions."),
                code="honeypot",
            )
        return ""

    @property
    def caught_by_honeypot(self) -> bool:
        return self.has_error("website", code="honeypot")


# The choices of the public forms drawn lately (the countries, the themes, the partnerships …).
_drawn_choices = freshness.KeptPerVersion(most=32)


class KeptRendering:
    """A choice widget whose HTML is kept per data version for the same choices, name, value, attributes and
    language: Django draws each of a form's 250 countries and 400 partnerships through a template of its
    own, two thirds of the needs form's time, for the same HTML every visitor gets. The version is that of
    the catalogue for its countries, themes and partnerships, so that a need submitted leaves them be.
    Choices from code (a few urgencies) or from a model the data version does not follow are drawn each
    time."""

    def render(self, name, value, attrs=None, renderer=None):
        drawn = functools.partial(super().render, name, value, attrs, renderer)
        model = getattr(getattr(self.choices, "queryset", None), "model", None)
        label = model._meta.label_lower if model is not None else None
        if (
            not label
            or not freshness.watches(label)
            or not getattr(settings, "CACHE_PUBLIC_AGGREGATES", True)
        ):
            return drawn()
        values = tuple(map(str, value)) if isinstance(value, list | tuple) else str(value)
        choices = (type(self.choices), str(self.choices.queryset.query))
        key = (type(self), choices, name, values, _frozen(self.attrs), _frozen(attrs), get_language())
        return _drawn_choices.get([label], key, lambda _version: drawn())


def _frozen(attrs: dict | None) -> tuple:
    return tuple(sorted((name, str(value)) for name, value in (attrs or {}).items()))


@functools.cache
def _kept_rendering(widget_class: type) -> type:
    return type(widget_class.__name__, (KeptRendering, widget_class), {"__module__": widget_class.__module__})


def submission_rate_limited(request: HttpRequest, form: str) -> tuple[bool, int]:
    """Whether the client (core.clients) has used up the accepted submissions or the refused posts allowed
    for `form`, and the seconds until that resets. Counts nothing: see count_submission."""
    for rate, group in _buckets(form):
        usage = _usage(request, rate, group, increment=False)
        if usage is not None and usage["count"] >= usage["limit"]:
            return True, max(usage["time_left"], 0)
    return False, 0


def count_submission(request: HttpRequest, form: str, *, accepted: bool) -> None:
    """Count a post to `form` that passed the CSRF check: an accepted submission, or one refused for a
    mistake (which the person will correct; counted apart, more generously)."""
    rate, group = _buckets(form)[0 if accepted else 1]
    _usage(request, rate, group, increment=True)


def _buckets(form: str) -> list[tuple[str, str]]:
    return [
        (settings.SUBMISSION_RATE_LIMIT, f"{RATE_LIMIT_GROUP}:{form}:accepted"),
        (settings.SUBMISSION_ERROR_RATE_LIMIT, f"{RATE_LIMIT_GROUP}:{form}:refused"),
    ]


def _usage(request: HttpRequest, rate: str, group: str, *, increment: bool) -> dict | None:
    """django-ratelimit's count for this client, or None when there is no limit or the cache cannot be
    reached (the limit then lets the post through: RATELIMIT_FAIL_OPEN in settings)."""
    if not rate:
        return None
    try:
        return get_usage(
            request, group=group, key=_client_key, rate=rate, method=get_usage.ALL, increment=increment
        )
    except Exception:  # A cache that is away (Redis down) must not turn a form into a 500.
        logger.warning("The rate limit's cache cannot be reached; the post is let through", exc_info=True)
        return None


def _client_key(group: str, request: HttpRequest) -> str:
    return client_address(request)


def too_many_requests(request, retry_after: int = 60, *, submission: bool = False) -> HttpResponse:
    """The 429 page, for views that limit how often someone may ask or submit."""
    context = {"retry_after": retry_after, "submission": submission}
    response = render(request, "429.html", context, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def too_many_submissions(request: HttpRequest, retry_after: int) -> HttpResponse:
    return too_many_requests(request, max(retry_after, 1), submission=True)


def body_too_large(request: HttpRequest, max_bytes: int) -> bool:
    """Whether the request announces more than `max_bytes`: answered before a byte of it is read.
    WSGI servers never hand a view more than CONTENT_LENGTH bytes, so the announcement is a safe bound."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > max_bytes


def site_url(request: HttpRequest) -> str:
    """The site's own address (SITE_URL), for the links in mails; never the one the visitor used."""
    return settings.SITE_URL


def thanks_token(pk: int, *, salt: str) -> str:
    """A link to a thank-you page that only the submitter gets: signed, so nobody can guess another's."""
    return signing.dumps(pk, salt=salt)


def thanks_pk(token: str, *, salt: str) -> int | None:
    try:
        pk = signing.loads(token, salt=salt, max_age=THANKS_MAX_AGE)
    except signing.BadSignature:
        return None
    return pk if isinstance(pk, int) else None


def new_follow_token() -> str:
    """The private part of a follow link (/follow/<token>/): unguessable, and nothing like a reference."""
    return secrets.token_urlsafe(32)


def one_line(text: str, limit: int = 120) -> str:
    """Text safe for a mail header: one line, not too long."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else f"{flat[: limit - 1]}…"
