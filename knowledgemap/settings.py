"""Settings for the knowledge map. Everything that differs between machines comes from the environment;
`.env.example` documents each variable."""

import importlib.util
import ipaddress
import os
import re
import tempfile
from pathlib import Path

import dj_database_url
import dj_email_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.strip().lower() in _TRUE:
        return True
    if value.strip().lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off (see .env.example).")
    # Development only: a key that changes on every start is safer than one committed to the repository.
    from django.core.management.utils import get_random_secret_key

    SECRET_KEY = get_random_secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
# The site's own address, for every absolute URL it writes (canonical links, feeds, mails, calendar files):
# never taken from a request, whose Host or path a client chooses. Without it, https:// and the first of
# ALLOWED_HOSTS (http://127.0.0.1:8000 in development).
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")
if not SITE_URL:
    _host = next((host for host in ALLOWED_HOSTS if host not in ("*", "")), "127.0.0.1").lstrip(".")
    SITE_URL = "http://127.0.0.1:8000" if DEBUG else f"https://{_host}"
if not re.fullmatch(r"https?://[^/\s]+", SITE_URL):
    raise ImproperlyConfigured(f"SITE_URL must be a scheme and a host (https://example.org): {SITE_URL!r}")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# HTTPS: secure by default. With DEBUG off the site redirects to https, sends HSTS and marks its cookies
# secure, so `manage.py check --deploy` is clean with only SECRET_KEY and ALLOWED_HOSTS set. Serving plain
# http takes an explicit INSECURE_HTTP=1 (what `make serve` does on 127.0.0.1); DEBUG implies it.
INSECURE_HTTP = env_bool("INSECURE_HTTP", DEBUG)
SECURE_SSL_REDIRECT = not INSECURE_HTTP
# Load balancers probe over plain http inside their network: the health check answers there too.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = not INSECURE_HTTP
CSRF_COOKIE_SECURE = not INSECURE_HTTP
SECURE_HSTS_SECONDS = 0 if INSECURE_HTTP else env_int("SECURE_HSTS_SECONDS", 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
# Behind a proxy that terminates TLS (nginx, a load balancer, a PaaS router) the request reaches gunicorn
# as http; the proxy says it was https in X-Forwarded-Proto. Trust that header only when BEHIND_TLS_PROXY
# is set, and only if the proxy overwrites whatever the client sent in it.
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The proxies whose X-Forwarded-For names the client (addresses or networks, comma-separated): the forms' rate
# limits and the sign-in lockout count per client, not per proxy (core/clients.py). Behind a TLS proxy on this
# machine the default trusts the loopback addresses; with no proxy, nobody's header is believed.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES") or (
    ["127.0.0.1", "::1"] if env_bool("BEHIND_TLS_PROXY", False) else []
)
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {_proxy!r} is not an address or a network") from None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

INSTALLED_APPS = [
    "knowledgemap.apps.CuratorAdminConfig",  # Django's admin, with the work queue as its home
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django.forms",
    "csp",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "taggit",
    "import_export",
    "corsheaders",
    "simple_history",
    "axes",
    "django_tasks",
    "django_tasks_db",
    # The layers, lowest first (docs/architecture.md): each imports only those before it.
    "core",
    "inventory",
    "search",
    "alerts",
    "needs",
    "pages",
    "knowledgemap",
    "bench",
]

MIDDLEWARE = [
    # Outermost, so it logs the status the client really gets, error pages included.
    "knowledgemap.middleware.AccessLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Scripts on other sites may read the open-data API (CORS_* below); before CommonMiddleware, so that a
    # preflight is answered before anything else looks at it.
    "corsheaders.middleware.CorsMiddleware",
    "csp.middleware.CSPMiddleware",
    "knowledgemap.middleware.NulBytesMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Outside the session, CSRF and message middleware, so it sees the cookies they set: a page with one is
    # never shared.
    "knowledgemap.middleware.PublicCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language comes from the path: /nl/, /fr/ and /es/ name theirs, every other public path is English.
    "knowledgemap.middleware.PathLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Who made a change, for the history of products, partnerships and organisations.
    "simple_history.middleware.HistoryRequestMiddleware",
    # django-axes turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
    # Innermost, so it sees a view's exception first: an unreachable database gives a 503 page.
    "knowledgemap.middleware.DatabaseUnavailableMiddleware",
]

# django-axes counts failed sign-ins before Django's own backend checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Headers. No inline script or style anywhere (the admin needs none either), nothing from other hosts.
# The one exception is data, not code: a page may carry schema.org JSON-LD in a <script> allowed by the hash
# of its text, which the view adds to the header (`pages.structured_data.json_ld_script`). A hash, not a
# per-response nonce, so the page is the same for every visitor and a shared cache may keep it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Powerful browser features the site never uses, switched off for it and anything it might embed.
PERMISSIONS_POLICY = {
    feature: []
    for feature in [
        "accelerometer",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
    ]
}
# One line per request on the console (method, path, status, time). Off in development, where runserver
# already logs each request.
ACCESS_LOG = env_bool("ACCESS_LOG", not DEBUG)
CSRF_FAILURE_VIEW = "knowledgemap.views.csrf_failure"

# Form widgets render with the site's templates too (templates/includes/forms/), not Django's alone.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

ROOT_URLCONF = "knowledgemap.urls"
WSGI_APPLICATION = "knowledgemap.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "knowledgemap.context_processors.site",
            ],
        },
    },
]

# Database: a SQLite file by default so a checkout just runs; PostgreSQL through DATABASE_URL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn workers write to one file: WAL lets readers run beside a writer, IMMEDIATE takes the
    # write lock at BEGIN (so a transaction never fails half-way on upgrade), and the timeout makes a writer
    # wait its turn instead of answering "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("SQLITE_TIMEOUT", 20),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests get a file too, not the in-memory default: a live server's threads then write to the same
    # database through their own connections, as gunicorn workers do. One file per run, outside the checkout.
    DATABASES["default"]["TEST"] = {
        "NAME": os.path.join(tempfile.gettempdir(), f"knowledgemap-test-{os.getpid()}.sqlite3")
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FORMS_URLFIELD_ASSUME_HTTPS = True  # Django 6's default: a link typed without a scheme is https.

# A cache every gunicorn worker shares: Redis when REDIS_URL is set, else a table in the database.
REDIS_URL = os.environ.get("REDIS_URL") or os.environ.get("CACHE_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "knowledgemap_cache",
            # The counts of the public pages are kept per set of filters (core.freshness): room for many
            # (the default, 300, would cull them all the time).
            "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 20000)},
        }
    }

# Where the processes of one machine keep the arrays of the large values the shared cache holds (the relevance
# index: over a hundred MiB at a million products), one file per value and version, mapped by each process
# rather than copied into it (core.freshness). Empty: each process reads its own copy.
SHARED_ARRAYS_DIR = os.environ.get(
    "SHARED_ARRAYS_DIR", os.path.join(tempfile.gettempdir(), f"knowledgemap-arrays-{os.getuid()}")
)

# How long browsers and shared caches (a CDN, the caching proxy in deploy/nginx.conf) keep a public page for
# anonymous visitors, and how much longer a shared cache may serve it while it fetches the new one: a change
# a curator makes is seen everywhere within the sum of the two (README, "Scaling").
PUBLIC_CACHE_SECONDS = env_int("PUBLIC_CACHE_SECONDS", 30)
PUBLIC_CACHE_STALE_SECONDS = env_int("PUBLIC_CACHE_STALE_SECONDS", 30)

# Password guessing at /admin/: after AXES_FAILURE_LIMIT failed sign-ins for one user name from one address,
# that pair is locked out for AXES_COOLOFF_HOURS. Attempts are counted in the database, which every worker
# shares. `manage.py axes_reset` lifts a lockout early.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_HOURS", 1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
# The client's address as the forms' rate limits see it, proxies taken into account (TRUSTED_PROXIES).
AXES_CLIENT_IP_CALLABLE = "core.clients.axes_client_address"
# Axes stores the typed user name in a column of 255 characters; a longer one is cut, not a 500.
AXES_USERNAME_CALLABLE = "core.clients.axes_username"

# The licence of the open data: the catalogue's descriptions in the API, the exports, the feeds and the
# pages' structured data. Partos may choose another; the API's documentation and schema declare it.
OPEN_DATA_LICENCE_NAME = os.environ.get("OPEN_DATA_LICENCE_NAME", "CC BY 4.0")
OPEN_DATA_LICENCE_URL = os.environ.get(
    "OPEN_DATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/"
)

# The open-data API is read-only and public: any site's scripts may read it, with the ETag for their
# If-None-Match; never with credentials (cookies), and only to read. Nothing else of the site is shared.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_HEADERS = ["accept", "accept-language", "content-language", "if-none-match", "if-modified-since"]
CORS_EXPOSE_HEADERS = ["ETag", "Content-Language"]
CORS_PREFLIGHT_MAX_AGE = 86400

# Spreadsheets in the admin: an import runs in one transaction, so a sheet is saved whole or not at all.
IMPORT_EXPORT_USE_TRANSACTIONS = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# The public pages in English at their own paths, and in Dutch, French and Spanish under /nl/, /fr/ and
# /es/. Each language is named in itself, as the language switch shows it.
LANGUAGES = [("en", "English"), ("nl", "Nederlands"), ("fr", "Français"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploads go through Django's storage API: files under MEDIA_ROOT by default, an S3-compatible bucket
# (AWS, MinIO, Scaleway, …) when AWS_STORAGE_BUCKET_NAME is set. Neither is served from a public URL:
# the download view hands out published products' files only, as attachments.
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    if importlib.util.find_spec("storages") is None or importlib.util.find_spec("boto3") is None:
        raise ImproperlyConfigured(
            "AWS_STORAGE_BUCKET_NAME is set, but S3 support is not installed: "
            "pip install -r requirements/s3.txt"
        )
    # Credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the environment, read by django-storages.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "location": os.environ.get("AWS_LOCATION", "media"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

# Mail: EMAIL_URL (smtp://user:password@host:587/?tls=True, parsed by dj-email-url), or the EMAIL_HOST
# settings; without either, the console (in development: the terminal of `make run`, where the worker runs).
EMAIL_URL = os.environ.get("EMAIL_URL", "").strip()
if EMAIL_URL:
    try:
        _email = dj_email_url.parse(EMAIL_URL)
    except (KeyError, ValueError) as error:
        raise ImproperlyConfigured(f"EMAIL_URL must be a mail server URL (smtp://…): {error}") from None
    EMAIL_BACKEND = _email["EMAIL_BACKEND"]
    EMAIL_HOST = _email["EMAIL_HOST"]
    EMAIL_PORT = _email["EMAIL_PORT"]
    EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
    EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
    EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
    EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
    EMAIL_FILE_PATH = _email["EMAIL_FILE_PATH"]
else:
    EMAIL_BACKEND = os.environ.get(
        "EMAIL_BACKEND",
        "django.core.mail.backends.console.EmailBackend"
        if DEBUG or not os.environ.get("EMAIL_HOST")
        else "django.core.mail.backends.smtp.EmailBackend",
    )
    EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "knowledge-map@localhost")
CURATOR_EMAILS = env_list("CURATOR_EMAILS")
# "each": curators get a mail for every need and nomination that arrives; "daily": one digest of what
# waits instead, sent by `manage.py send_curator_digest` (run daily by cron or a timer).
CURATOR_MAIL = os.environ.get("CURATOR_MAIL", "each").strip().lower()
if CURATOR_MAIL not in {"each", "daily"}:
    raise ImproperlyConfigured(f"CURATOR_MAIL must be “each” or “daily”, not {CURATOR_MAIL!r}")
# The outbox (core/outbox.py): a mail that cannot be sent is tried again after 1, 4, 16, … minutes (at most
# six hours apart), and shown to curators as failed after this many attempts.
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 8)
# The link checker (inventory.links, `manage.py check_links`) never asks a private, loopback or link-local
# address, so a nominated link cannot make the server probe its own network. Tests on this machine turn it on.
LINK_CHECK_PRIVATE_ADDRESSES = env_bool("LINK_CHECK_PRIVATE_ADDRESSES", False)

# Jobs (sending mail) run in a worker process, `python manage.py db_worker`, which takes them from the
# database: django-tasks (Django's Tasks API) with the django-tasks-db backend. `make run` starts one beside
# the development server; a deployment runs as many as it needs, on any machine that reaches the database.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Public forms (knowledge needs, nominations): posts per address, counted in the shared cache above so the
# limit holds across gunicorn workers. "10/h", "50/d", "3/m"; empty turns the limit off. Redis counts
# atomically; the database cache may let a few extra through when one address posts many at the same instant.
# Each form counts apart, and only posts that pass the CSRF check. SUBMISSION_RATE_LIMIT counts accepted
# submissions; SUBMISSION_ERROR_RATE_LIMIT the posts refused for a mistake, more generously, so that a clumsy
# person can correct a form many times. When the cache cannot be reached the limits let posts through (they
# fail open): the forms stay usable, and the honeypot and CSRF still hold.
SUBMISSION_RATE_LIMIT = os.environ.get("SUBMISSION_RATE_LIMIT", "10/h").strip()
SUBMISSION_ERROR_RATE_LIMIT = os.environ.get("SUBMISSION_ERROR_RATE_LIMIT", "60/h").strip()
for _name, _rate in [
    ("SUBMISSION_RATE_LIMIT", SUBMISSION_RATE_LIMIT),
    ("SUBMISSION_ERROR_RATE_LIMIT", SUBMISSION_ERROR_RATE_LIMIT),
]:
    if _rate and not re.fullmatch(r"\d+/\d*[smhd]", _rate):
        raise ImproperlyConfigured(f"{_name} must look like 10/h, not {_rate!r}")
RATELIMIT_FAIL_OPEN = True

# Files nominated through the public form: at most this many megabytes. Larger requests are refused unread.
NOMINATION_MAX_UPLOAD_MB = env_int("NOMINATION_MAX_UPLOAD_MB", 20)
# A file sent with a form that had another mistake is kept this long for the corrected form to use
# (core.kept_uploads; `manage.py prune_kept_uploads` deletes it after).
KEPT_UPLOAD_HOURS = env_int("KEPT_UPLOAD_HOURS", 24)

# The open-data API (/api/): read-only, anonymous, JSON only. No authentication classes, so no session or
# CSRF machinery runs for it; the only thing it serves is what the public pages show.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
# The public contact of the portal, shown in the footer.
CONTACT_EMAIL = os.environ.get("CONTACT_EMAIL", "knowledge-map@example.org")

SPECTACULAR_SETTINGS = {
    "TITLE": "Partos knowledge map API",
    "DESCRIPTION": (
        "The published knowledge products of the Strategic Partnerships, the partnerships, organisations, "
        "themes and product types they refer to, and the learning activities built on the knowledge needs. "
        "Read-only; no key needed."
    ),
    "VERSION": "1",
    # OpenAPI 3.1: its schemas are JSON Schema, so a field that may be null is written as such (3.0's
    # `nullable` beside a reference is ignored by strict validators, which then refuse real answers).
    "OAS_VERSION": "3.1.0",
    "CONTACT": {"name": "Partos knowledge map", "email": CONTACT_EMAIL},
    "LICENSE": {"name": OPEN_DATA_LICENCE_NAME, "url": OPEN_DATA_LICENCE_URL},
    "TAGS": [
        {
            "name": "products",
            "description": "The published knowledge products, filtered as when browsing.",
        },
        {"name": "partnerships", "description": "The Strategic Partnerships and their members."},
        {"name": "organisations", "description": "The organisations that made products or take part."},
        {"name": "themes", "description": "The themes, core themes with their sub-themes."},
        {"name": "product-types", "description": "The kinds of knowledge product."},
        {"name": "activities", "description": "The learning activities offered to members."},
        {"name": "collections", "description": "Reading lists curators put together, in order."},
    ],
    "SERVE_INCLUDE_SCHEMA": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "opendata.schema.describe_parameters",
        "opendata.schema.json_schema_nulls",
        "opendata.schema.declare_server",
    ],
}

# Contact details of needs addressed or closed and of nominations processed, and the mails sent, are erased
# after this many days without change (manage.py erase_expired_contacts, run daily).
CONTACT_RETENTION_DAYS = env_int("CONTACT_RETENTION_DAYS", 730)

# Everything to the console, where gunicorn, systemd or the container runtime collects it. django.request
# logs 4xx as warnings and 5xx as errors with their traceback; knowledgemap.access logs every request.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}
