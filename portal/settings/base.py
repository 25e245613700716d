"""Settings of the wholesale merchant portal, read once from the environment: the base of every environment.

`DJANGO_ENV` is `development` (default) or `production`. In development every secret has a
working default (generated once into `var/`), so a fresh clone runs with no configuration. In
production every secret is required, and a missing one stops start-up naming the variable.
What the portal talks to outside itself is in integrations.py; production.py adds HTTPS and secure
cookies; `portal.settings` (the package) puts them together.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import environ
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("DJANGO_ENV must be 'development' or 'production'.")
PRODUCTION = DJANGO_ENV == "production"


def _secret(name: str, generate) -> str:
    """A secret from the environment; in development, generated once into var/ and reused."""
    value = env.str(name, default="")
    if value:
        return value
    if PRODUCTION:
        raise ImproperlyConfigured(f"Set the {name} environment variable (required in production).")
    VAR_DIR.mkdir(exist_ok=True)
    path = VAR_DIR / name.lower()
    if not path.exists():
        path.write_text(generate())
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret("SECRET_KEY", lambda: secrets.token_urlsafe(50))
# During a key rotation it lists several keys, comma-separated, newest first: the first encrypts, all
# decrypt (django-encrypted-model-fields takes a list; see docs/key-rotation.md).
FIELD_ENCRYPTION_KEY = [
    key.strip() for key in _secret("FIELD_ENCRYPTION_KEY", lambda: Fernet.generate_key().decode()).split(",")
]
try:
    for _key in FIELD_ENCRYPTION_KEY:
        Fernet(_key)
except ValueError as exc:
    raise ImproperlyConfigured(
        "FIELD_ENCRYPTION_KEY is not a valid key: 32 url-safe base64-encoded bytes "
        "(make one with `python -c 'from cryptography.fernet import Fernet; "
        "print(Fernet.generate_key().decode())'`)."
    ) from exc
# Keyed hashes (HMAC) of encrypted values, for lookups; derived from its own secret.
HMAC_KEY = _secret("HMAC_KEY", lambda: secrets.token_urlsafe(32))
# Backups are encrypted with their own key (comma-separated during a rotation, newest first).
BACKUP_ENCRYPTION_KEY = _secret("BACKUP_ENCRYPTION_KEY", lambda: Fernet.generate_key().decode())

DEBUG = env.bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set the ALLOWED_HOSTS environment variable (required in production).")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "portal.apps.PortalConfig",
    "portal.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "csp",
    "django_celery_beat",
    "encrypted_model_fields",
    "django_countries",
    "audit",
    "merchants",
    "orders",
    "payments",
    "branding",
    "shipping",
    "privacy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "privacy.middleware.PrivacyMiddleware",
    "portal.middleware.NoStoreForAuthenticatedMiddleware",
    # Last, so that it sees the authenticated user and every earlier middleware's response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "portal" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL says otherwise (PostgreSQL in production).
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web server, worker and beat share one file: WAL and immediate transactions avoid "locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "merchants.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out user or address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/portal/"

# Cache: Redis when REDIS_URL is set, else a per-process memory cache.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions live in the database so that logout kills them everywhere and purges can reach them.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Flash messages live in the session, never in a cookie: they can name a member's email, and a signed
# cookie is readable by anyone who holds it.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 8)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True

# Internationalisation: French, Arabic (right to left) and English.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("ar", _("Arabic"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Riyadh"
USE_TZ = True

# Celery: Redis in production; the filesystem transport under var/ needs no server at all.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
CELERY_RESULT_BACKEND = env.str(
    "CELERY_RESULT_BACKEND", default=REDIS_URL or f"file://{VAR_DIR / 'celery' / 'results'}"
)
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {
    # Longer than any countdown or ETA we use, so Redis never redelivers a task still waiting.
    "visibility_timeout": 60 * 60 * 12,
}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue = VAR_DIR / "celery" / "queue"
    CELERY_BROKER_TRANSPORT_OPTIONS.update(
        {
            "data_folder_in": str(_queue),
            "data_folder_out": str(_queue),
            "processed_folder": str(VAR_DIR / "celery" / "processed"),
            "control_folder": str(VAR_DIR / "celery" / "control"),
            "store_processed": False,
        }
    )
    for _folder in ("queue", "processed", "results", "control"):
        (VAR_DIR / "celery" / _folder).mkdir(parents=True, exist_ok=True)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 60 * 60 * 24
# Nobody reads our tasks' results (the database is the record), so none are stored: a result backend out of
# reach can then never fail a task or the request that enqueued it. A task whose answer is read says so.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE
#: queues by task name (shipping.tasks.* -> SHIPPING_QUEUE when set), read when a task is published
CELERY_TASK_ROUTES = ("portal.routing.route_task",)

# The store's identity, printed on invoices (and kept off white-label documents).
STORE_NAME = env.str("STORE_NAME", default="Maison du Maroc Trading Est.")
STORE_VAT_NUMBER = env.str("STORE_VAT_NUMBER", default="310123456700003")
STORE_REGISTRATION_NUMBER = env.str("STORE_REGISTRATION_NUMBER", default="1010654321")
STORE_ADDRESS = env.str("STORE_ADDRESS", default="King Abdulaziz Road 120, Riyadh 12611, Saudi Arabia")
STORE_DOMAIN = env.str("STORE_DOMAIN", default="maisondumaroc.example")
# The store's name in Arabic script, as Arabic-speaking customers and partners write it.
STORE_NAME_AR = env.str("STORE_NAME_AR", default="مؤسسة ميزون دو ماروك التجارية")

# White-label shipping (the carriers are in integrations.py). Other names and logo fingerprints (SHA-256 of
# the files, and perceptual hashes of the drawings: `python manage.py store_logo_fingerprints logo.png`) of
# the store that white-label documents must never show, beside the identity above and staff emails.
SHIPPING_MAX_ATTEMPTS = env.int("SHIPPING_MAX_ATTEMPTS", default=6)  # carrier calls before a shipment fails
SHIPPING_RETRY_BASE_SECONDS = env.float("SHIPPING_RETRY_BASE_SECONDS", default=30.0)
SHIPPING_RETRY_MAX_SECONDS = env.float("SHIPPING_RETRY_MAX_SECONDS", default=1800.0)
SHIPPING_STALLED_MINUTES = env.int("SHIPPING_STALLED_MINUTES", default=10)  # then the sweep enqueues it again
SHIPPING_QUEUE = env.str("SHIPPING_QUEUE", default="")  # empty: Celery's default queue
# Consignee notices go out in the merchant's name, from an address that names neither the store nor its domain.
SHIPPING_NOTICE_FROM_EMAIL = env.str("SHIPPING_NOTICE_FROM_EMAIL", default="no-reply@parcel-notices.example")
STORE_ALIASES = env.list("STORE_ALIASES", default=[])
STORE_LOGO_SHA256 = env.list("STORE_LOGO_SHA256", default=[])
STORE_LOGO_PERCEPTUAL_HASHES = env.list("STORE_LOGO_PERCEPTUAL_HASHES", default=[])

# Orders: a rate older than this blocks ordering in its currency (pegged and base rates never age).
EXCHANGE_RATE_MAX_AGE_HOURS = env.int("EXCHANGE_RATE_MAX_AGE_HOURS", default=48)

# Staff two-factor authentication (django-otp).
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Wholesale portal")
# django-otp's own throttle is per device: failed codes from any address would delay the owner's right code
# from every other one. Code failures are limited by django-axes instead, per (account, address) and per
# address, like passwords (below), so no client can lock another out.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
STAFF_2FA_PENDING_SECONDS = 600  # how long a password check waits for its second factor

# Login throttling (django-axes): a handful of failures locks out one (account, address) pair, or one
# address trying many accounts; never an account alone, so nobody can lock the owner out from elsewhere.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_USERNAME_FORM_FIELD = "username"
# Staff sign in with `username`, merchants through allauth with `email` (or `login`): one lower-cased key.
AXES_USERNAME_CALLABLE = "portal.http.axes_username"
# A staff account that failed this many times (from any addresses) within the cool-off is under attack:
# its password step no longer tells a right password from a wrong one, only password and code together
# sign in (the owner, from a new address, still signs in with both).
STAFF_UNDER_ATTACK_FAILURES = env.int("STAFF_UNDER_ATTACK_FAILURES", default=10)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "portal/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env.int("PROXY_COUNT", default=0)  # trusted reverse proxies in front of the app
AXES_CLIENT_IP_CALLABLE = "portal.http.address_behind_proxies"
# Never store what was typed in the sign-in forms beyond the account name (staff codes, allauth's field).
AXES_SENSITIVE_PARAMETERS = ["password", "code", "login", "csrfmiddlewaretoken"]
# django-axes names the client in its log lines: keyed hashes only, never an email or an address.
AXES_CLIENT_STR_CALLABLE = "audit.security.axes_client_str"

# Merchant accounts (django-allauth): email as login, verified before anything else.
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# allauth's limits: its "key" for login_failed is (email, client address) (merchants.adapter), and the
# password reset counts per address only, so that nobody can block another merchant's sign-in or reset.
# The client address is portal.http.client_ip (AccountAdapter.get_client_ip), as for every limiter.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/5m/ip,5/5m/key",
    "reset_password": "20/m/ip",
    "signup": "20/m/ip",
}

# Our own limits (portal.ratelimit), per client address and per signed-in account: "count/period".
RATE_LIMITS_ENABLED = env.bool("RATE_LIMITS_ENABLED", default=True)
RATE_LIMITS = {
    "webhooks": {"ip": env.str("RATE_LIMIT_WEBHOOKS", default="120/m")},
    "exports": {"ip": "10/m", "user": env.str("RATE_LIMIT_EXPORTS", default="5/m")},
    "uploads": {"ip": "30/m", "user": env.str("RATE_LIMIT_UPLOADS", default="20/m")},
    "invitations": {"ip": "20/h", "user": env.str("RATE_LIMIT_INVITATIONS", default="10/h")},
    "json": {"ip": "120/m", "user": env.str("RATE_LIMIT_JSON", default="60/m")},
}
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"  # "https" in production.py
ACCOUNT_ADAPTER = "merchants.adapter.AccountAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_ADAPTER = "privacy.mfa.MFAAdapter"  # members' second-factor secrets encrypted at rest
# Members' codes, like staff codes (django-otp), are accepted one 30-second step either side (clock drift).
MFA_TOTP_TOLERANCE = 1
MFA_TOTP_ISSUER = OTP_TOTP_ISSUER

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Privacy and security operations (privacy app).
PRIVACY_EXPORT_LINK_HOURS = env.int("PRIVACY_EXPORT_LINK_HOURS", default=72)
PRIVACY_CONSIGNEE_RETENTION_DAYS = env.int("PRIVACY_CONSIGNEE_RETENTION_DAYS", default=90)
SECURITY_BURST_THRESHOLD = env.int("SECURITY_BURST_THRESHOLD", default=10)  # failures from one address...
SECURITY_BURST_WINDOW_MINUTES = env.int("SECURITY_BURST_WINDOW_MINUTES", default=10)  # ...within this window
BACKUP_DIR = Path(env.str("BACKUP_DIR", default=str(VAR_DIR / "backups")))
BACKUP_KEEP = env.int("BACKUP_KEEP", default=14)  # the nightly job keeps this many backups

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    # A 404, 403 or 400 is one line at WARNING, never a traceback at ERROR; no logged path keeps a token.
    "filters": {
        "expected_refusals": {"()": "portal.log_filters.ExpectedRefusals"},
        "scrubbed_paths": {"()": "portal.log_filters.ScrubbedPaths"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["expected_refusals", "scrubbed_paths"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.request": {"filters": ["expected_refusals", "scrubbed_paths"]},
        "django.db.backends": {"level": "INFO"},
        "celery": {"level": LOG_LEVEL},
        "weasyprint": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
