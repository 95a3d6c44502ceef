import uuid

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from core import admin_counts
from search import facets, relevance
from search import index as facet_index
from tests.factories import (
    PartnershipFactory,
    ProductTypeFactory,
    ThemeFactory,
    curator,
    learning_format,
)
from tests.smtp import SMTPServer


@pytest.fixture(autouse=True)
def jobs_run_at_once(settings):
    """Jobs run as soon as they are queued (after the commit that queues them), in the test's process."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on a free port, and the site's mail sent to it."""
    server = SMTPServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


@pytest.fixture
def curator_client(client, db):
    client.force_login(curator())
    return client


@pytest.fixture
def need_form():
    """What a person types into the form; override any field."""
    partnership = PartnershipFactory(name="Voices for Water Justice")
    theme = ThemeFactory(name="Local governance", slug="local-governance")

    def data(**overrides):
        values = {
            "partnership": partnership.pk,
            "partnership_name": "",
            "organisation_name": "Nyota Rights Collective",
            "contact_name": "Amina Okello",
            "contact_email": "amina@example.org",
            "title": "Lobbying district councils for budgets",
            "description": "How did others get budget lines for women-led groups adopted?",
            "themes": [theme.pk],
            "learning_formats": [learning_format("peer-exchange").pk, learning_format("coaching").pk],
            "urgency": "high",
            "countries": ["UG", "KE"],
            "region": "",
            "consent_to_contact": "on",
            "website": "",
        }
        values.update(overrides)
        return {key: value for key, value in values.items() if value is not None}

    return data


@pytest.fixture
def nomination():
    """What a nominator types into the form; override any field."""
    product_type = ProductTypeFactory(name="Toolkit")
    theme = ThemeFactory(name="Local governance")
    partnership = PartnershipFactory(name="Voices for Water Justice")

    def data(**overrides):
        values = {
            "title": "Budget tracking with women's groups",
            "summary": "How women's groups followed the district budget.",
            "url": "https://example.org/budget-toolkit",
            "product_type": product_type.pk,
            "themes": [theme.pk],
            "partnership": partnership.pk,
            "partnership_name": "",
            "organisations": "Delta Rights\nSahel Women Network; An organisation not in the list",
            "countries": ["UG"],
            "languages": ["en", "fr"],
            "year": "2019",
            "why_valuable": "District officials now publish budgets; other groups can reuse the score cards.",
            "stakeholders": "District councils (users)\nUN Women country office (reviewer)",
            "nominator_name": "Grace Banda",
            "nominator_organisation": "Delta Rights",
            "nominator_email": "grace@example.org",
            "website": "",
        }
        values.update(overrides)
        return {key: value for key, value in values.items() if value is not None}

    return data


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Test accounts need no protection against cracking; PBKDF2's rounds cost a second per account."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def site_address(settings):
    """The site's address is the test client's (its default host), so links in pages, the API and mails read
    as they would on a site served from one address. Tests of SITE_URL itself set another."""
    settings.SITE_URL = "http://testserver"


@pytest.fixture(autouse=True)
def isolated_cache(settings, tmp_path_factory):
    """The cache on, as in production, and empty for each test: a cache in this process's memory of its own
    (tests of the database cache or Redis ask for theirs), and none of the values a process keeps of the
    data (the facet index, the searches) from a test before; the files of shared arrays in a folder of the
    test's own, not the machine's."""
    settings.SHARED_ARRAYS_DIR = str(tmp_path_factory.mktemp("shared-arrays"))
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"test-{uuid.uuid4().hex}",
        }
    }
    facet_index.forget()
    facets.forget_searches()
    admin_counts.forget()
    relevance.forget()
    yield
    cache.clear()


@pytest.fixture
def relevance_build_queued(monkeypatch):
    """The relevance index's build job queued but not run, as with a worker that has not come to it yet: the
    jobs queued, in a list."""
    jobs = []

    class NotRunYet:
        @staticmethod
        def enqueue():
            jobs.append("build")

    monkeypatch.setattr(relevance, "build_job", NotRunYet)
    return jobs


@pytest.fixture
def uncached(settings):
    """Every figure computed afresh, for the few tests that count what a computation costs."""
    settings.CACHE_PUBLIC_AGGREGATES = False


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in English. A request to a Dutch page leaves Dutch active in the thread that served
    it (the test's own, with the test client), for reverse() and mails in the tests after it too."""
    with translation.override(settings.LANGUAGE_CODE):
        yield
