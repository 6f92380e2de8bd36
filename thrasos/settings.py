"""Thrasos settings: one module, every deployment difference from environment
variables (documented in .env.example). See thrasos/env.py for how they are read."""

from pathlib import Path

import pghistory
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from thrasos import env

BASE_DIR = Path(__file__).resolve().parent.parent

# --- core ----------------------------------------------------------------------
SECRET_KEY = env.string("DJANGO_SECRET_KEY")
DEBUG = env.boolean("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env.string_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else env.REQUIRED
)
CSRF_TRUSTED_ORIGINS = env.string_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
# Public address of the site, for links sent outside a request (e-mails
# written by commands and tasks).
THRASOS_BASE_URL = env.string("THRASOS_BASE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_countries",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "pgtrigger",
    "pghistory",
    "thrasos.core",
    "thrasos.accounts",
    "thrasos.audit",
    "thrasos.apitokens",
    "thrasos.privacy",
    "thrasos.notifications",
    "thrasos.reports",
    "beneficiaries",
    "sessions.apps.PreparationSessionsConfig",
    "placements",
    "housing",
    "mentoring",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "thrasos.core.middleware.FrenchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before anything that reads the session's user or the tenant.
    "thrasos.apitokens.middleware.ApiTokenMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "thrasos.accounts.middleware.SessionLifetimeMiddleware",
    "thrasos.accounts.middleware.TenantMiddleware",
    "thrasos.accounts.middleware.MfaRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "thrasos.core.middleware.NoStoreForAuthenticatedMiddleware",
]

ROOT_URLCONF = "thrasos.urls"
WSGI_APPLICATION = "thrasos.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "thrasos.accounts.context_processors.tenancy",
            ],
        },
    },
]

# --- database: PostgreSQL only --------------------------------------------------
# "default" is the runtime role (no superuser, no BYPASSRLS, owns no table);
# "owner" owns the schema and runs migrations (manage.py migrate --database owner).
DATABASES = {
    "default": env.postgres_url("DATABASE_URL"),
    "owner": env.postgres_url("DATABASE_OWNER_URL", env.string("DATABASE_URL")),
}
# Kept apart from DATABASES: the test set-up connects "default" as the owner
# while it creates the test database, and grants must still name this role.
DATABASE_RUNTIME_ROLE = DATABASES["default"]["USER"]
for _db in DATABASES.values():
    _db["CONN_MAX_AGE"] = env.integer("DATABASE_CONN_MAX_AGE", 60)
    _db["CONN_HEALTH_CHECKS"] = True
    _db["OPTIONS"] = {"connect_timeout": 5}
    # Choice lists (ModelChoiceField) and .iterator() read in one round trip
    # instead of DECLARE/FETCH/CLOSE; no read here is large enough to need a
    # server-side cursor, and they would break behind a transaction pooler.
    _db["DISABLE_SERVER_SIDE_CURSORS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Change history (django-pghistory): the context (user, request id) is stored
# in each event row, so that event tables carry their tenant and fall under
# row-level security like any tenant table (../shared/TENANCY.md, pitfall 7).
PGHISTORY_CONTEXT_FIELD = pghistory.ContextJSONField()

# --- Redis: cache, Celery broker and results -----------------------------------
REDIS_URL = env.redis_url("REDIS_URL")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "thrasos",
    }
}
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Europe/Paris"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "thrasos.core.tasks.record_heartbeat", "schedule": 60.0},
    # SPEC §5.8: records inactive for 2 years anonymised, access logs kept 12 months.
    "privacy-retention": {
        "task": "thrasos.privacy.tasks.retention_sweep",
        "schedule": crontab(hour=3, minute=0),
    },
    "privacy-access-log": {
        "task": "thrasos.privacy.tasks.access_log_sweep",
        "schedule": crontab(hour=3, minute=30),
    },
    # Reminders and notifications (Europe/Paris times; README "Reminders").
    "reminders-sweep": {
        "task": "thrasos.notifications.tasks.reminders_sweep",
        "schedule": crontab(hour=6, minute=0),
    },
    "digests-sweep": {
        "task": "thrasos.notifications.tasks.digests_sweep",
        "schedule": crontab(hour=7, minute=0),
    },
    "deliveries-dispatch": {
        "task": "thrasos.notifications.tasks.deliveries_dispatch",
        "schedule": 60.0,
    },
}

# --- authentication (django-allauth: e-mail login, no public sign-up, MFA) ------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "thrasos.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
# 5 failed logins per account in 5 minutes (and a per-IP ceiling); the Django
# admin logs in through allauth, so the same limits apply there.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "20/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
}
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
MFA_ADAPTER = "thrasos.accounts.adapter.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Thrasos"
# Activity ("last seen") is recorded by SessionLifetimeMiddleware every 30 s
# rather than by allauth's middleware on every request.
USERSESSIONS_TRACK_ACTIVITY = True
# Staff roles must enrol in TOTP before reaching anything else. Only a
# development machine may turn this off; production refuses to start without it.
THRASOS_MFA_REQUIRED = env.boolean("THRASOS_MFA_REQUIRED", True)
if not THRASOS_MFA_REQUIRED and not DEBUG:
    raise ImproperlyConfigured(
        "THRASOS_MFA_REQUIRED=false is only allowed with DJANGO_DEBUG=true: "
        "staff accounts must use two-factor authentication in production."
    )

# Keys encrypting the TOTP secrets and recovery-code seeds in the database
# (thrasos/accounts/mfa_secrets.py): the first encrypts, every one decrypts,
# so that a key can be rotated (README, "Rotating the two-factor key").
# Required in production; a development machine gets one from scripts/services.sh.
THRASOS_MFA_KEYS = env.fernet_keys("THRASOS_MFA_KEYS", [] if DEBUG else env.REQUIRED)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

SESSION_ABSOLUTE_SECONDS = env.integer("SESSION_ABSOLUTE_SECONDS", 12 * 3600)
SESSION_IDLE_SECONDS = env.integer("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- e-mail -----------------------------------------------------------------------
MAILERS = {"default": env.mailer("EMAIL_URL", "consolemail://" if DEBUG else env.REQUIRED)}
DEFAULT_FROM_EMAIL = env.string("DEFAULT_FROM_EMAIL", "Thrasos <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- internationalisation: French first -------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- static files: vendored, served by the app (WhiteNoise) -----------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.string("DJANGO_STATIC_ROOT", str(BASE_DIR / ".local" / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed names (cacheable forever) in production; pre-compressed
        # copies too unless DJANGO_STATIC_COMPRESS=false (the test suite, where
        # compressing a thousand files costs a minute).
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env.boolean("DJANGO_STATIC_COMPRESS", True)
        else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env.string("DJANGO_MEDIA_ROOT", str(BASE_DIR / ".local" / "media")))

# --- security ----------------------------------------------------------------------
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Production values by default; development (DJANGO_DEBUG=true) relaxes what
# needs HTTPS. A proxy terminating TLS sets X-Forwarded-Proto.
_https = env.boolean("DJANGO_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = _https
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
SECURE_HSTS_SECONDS = env.integer("DJANGO_HSTS_SECONDS", 31536000 if _https else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _https
SECURE_HSTS_PRELOAD = _https
if env.boolean("DJANGO_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # allauth's rate limits (logins, failed logins, password resets) count per
    # client address. Behind the proxy every connection comes from the proxy:
    # without this, all users would share one bucket, and 20 wrong passwords a
    # minute from anyone would refuse every login of the platform. The client is
    # the address the trusted proxies appended last to X-Forwarded-For (one
    # proxy: the last entry; what a client writes in the header is never used).
    ALLAUTH_TRUSTED_PROXY_COUNT = env.integer("DJANGO_TRUSTED_PROXY_COUNT", 1)

# --- API ----------------------------------------------------------------------------
REST_FRAMEWORK = {
    # The token class first: SessionAuthentication would take a token
    # request's user for a session's and ask it for a CSRF token.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "thrasos.apitokens.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # A read-only token writes nothing; every API view declares its gate
    # (thrasos.core.gates), and a view without one is refused.
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "thrasos.apitokens.permissions.TokenScope",
        "thrasos.core.gates.HasCapability",
    ],
    # A service's ValidationError is a 400 (thrasos.core.api).
    "EXCEPTION_HANDLER": "thrasos.core.api.exception_handler",
    # drf-spectacular's, with the error answers and times of day described.
    "DEFAULT_SCHEMA_CLASS": "thrasos.core.api_schema.AutoSchema",
    # A JSON API (the document upload takes multipart): a form encoding has no
    # null and no empty list, so the schema offered bodies that could not be sent.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.CursorPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Thrasos API",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Offline: no call to the online validator (its badge is an image from
    # another origin, which the CSP would block anyway).
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "LanguageEnum": "thrasos.referentials.languages.LANGUAGES",
        "CountryEnum": "django_countries.countries",
        "PathwayStateEnum": "beneficiaries.pathway.State",
        "CefrLevelEnum": "beneficiaries.models.Cefr",
        "WithdrawalReasonEnum": "beneficiaries.pathway.WithdrawalReason",
        "ActivityKindEnum": "sessions.models.ActivityKind",
        "DepartementEnum": "thrasos.referentials.geo.DEPARTEMENT_CHOICES",
        "RegionEnum": "thrasos.referentials.geo.REGION_CHOICES",
        "EmploymentOutcomeEnum": "beneficiaries.pathway.EmploymentOutcome",
        "HousingOutcomeEnum": "beneficiaries.pathway.HousingOutcome",
        "ContractKindEnum": "placements.models.ContractKind",
        "ContractStatusEnum": "placements.models.ContractStatus",
        "DiplomaResultEnum": "placements.models.DiplomaResult",
        "ProjectStatusEnum": "placements.models.ProjectStatus",
        "MentoringNoteKindEnum": "mentoring.models.NoteKind",
        "MentorshipStatusEnum": "mentoring.models.MentorshipStatus",
        "MentorshipEndReasonEnum": "mentoring.models.MentorshipEndReason",
    },
}

# --- logging ------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.string("DJANGO_LOG_LEVEL", "INFO")},
    # WeasyPrint reports each step of every PDF at INFO ("Step 2 - Fetching
    # and parsing CSS…"): only its warnings are worth a line.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
