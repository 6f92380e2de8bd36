"""Reading settings from environment variables, strictly.

A missing or malformed variable stops start-up with ImproperlyConfigured naming
the variable, instead of a default that silently does the wrong thing.
"""

import os
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_MISSING = object()
REQUIRED = _MISSING  # pass as default to make a variable mandatory


def _raw(name: str, default=_MISSING) -> str:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        if default is _MISSING:
            raise ImproperlyConfigured(
                f"The environment variable {name} is not set (see .env.example)."
            )
        return default
    return value.strip()


def string(name: str, default=_MISSING) -> str:
    return _raw(name, default)


def boolean(name: str, default: bool | object = _MISSING) -> bool:
    value = _raw(name, default)
    if isinstance(value, bool):
        return value
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"The environment variable {name} must be true or false, got {value!r}."
    )


def integer(name: str, default: int | object = _MISSING) -> int:
    value = _raw(name, default)
    if isinstance(value, int):
        return value
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"The environment variable {name} must be a whole number, got {value!r}."
        ) from None


def string_list(name: str, default: list[str] | object = _MISSING) -> list[str]:
    value = _raw(name, default)
    if isinstance(value, list):
        return value
    return [item.strip() for item in value.split(",") if item.strip()]


def fernet_keys(name: str, default: list[str] | object = _MISSING) -> list[str]:
    """Comma-separated Fernet keys (32 random bytes, url-safe base64). Only
    their position is named in an error, never their value."""
    from cryptography.fernet import Fernet

    keys = string_list(name, default)
    if not keys and default is _MISSING:
        raise ImproperlyConfigured(
            f"The environment variable {name} is not set (see .env.example)."
        )
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except ValueError:
            raise ImproperlyConfigured(
                f"The environment variable {name} must list Fernet keys separated by commas; "
                f"key {position} is not one. Generate a key with: python -c "
                '"from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
            ) from None
    return keys


def postgres_url(name: str, default=_MISSING) -> dict:
    """A Django DATABASES entry from a postgres:// URL."""
    value = _raw(name, default)
    parts = urlsplit(value)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(
            f"The environment variable {name} must be a PostgreSQL URL "
            f"(postgres://user:password@host:port/name); Thrasos runs on PostgreSQL only."
        )
    try:
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        raise ImproperlyConfigured(
            f"The environment variable {name} has an invalid port."
        ) from None
    if not parts.path.strip("/"):
        raise ImproperlyConfigured(f"The environment variable {name} names no database.")
    config = environ.Env.db_url_config(value)
    config["ENGINE"] = "django.db.backends.postgresql"
    return config


def redis_url(name: str, default=_MISSING) -> str:
    value = _raw(name, default)
    parts = urlsplit(value)
    if parts.scheme not in {"redis", "rediss"} or not parts.hostname:
        raise ImproperlyConfigured(
            f"The environment variable {name} must be a Redis URL (redis://host:port/db)."
        )
    try:
        parts.port  # noqa: B018
    except ValueError:
        raise ImproperlyConfigured(
            f"The environment variable {name} has an invalid port."
        ) from None
    return value


def mailer(name: str, default=_MISSING) -> dict:
    """A Django MAILERS entry from an e-mail URL (smtp://, smtp+tls://,
    smtp+ssl://, consolemail://, filemail:///path, memorymail://, dummymail://)."""
    value = _raw(name, default)
    scheme = urlsplit(value).scheme
    if scheme not in environ.Env.EMAIL_SCHEMES:
        known = ", ".join(sorted(environ.Env.EMAIL_SCHEMES))
        raise ImproperlyConfigured(
            f"The environment variable {name} has an unknown scheme {scheme!r} (one of: {known})."
        )
    config = environ.Env.email_url_config(value)
    backend = config["EMAIL_BACKEND"]
    options = {}
    if backend.endswith("smtp.EmailBackend"):
        options = {
            "host": config.get("EMAIL_HOST") or "localhost",
            "port": config.get("EMAIL_PORT") or 25,
            "username": config.get("EMAIL_HOST_USER") or "",
            "password": config.get("EMAIL_HOST_PASSWORD") or "",
            "use_tls": bool(config.get("EMAIL_USE_TLS")),
            "use_ssl": bool(config.get("EMAIL_USE_SSL")),
            "timeout": 10,
        }
    elif backend.endswith("filebased.EmailBackend"):
        options = {"file_path": config.get("EMAIL_FILE_PATH")}
    return {"BACKEND": backend, "OPTIONS": options}
