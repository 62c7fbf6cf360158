"""Test profile: PostgreSQL by default (DATABASE_URL), SQLite with ORDERFLOW_TEST_DB=sqlite."""

import os

import dj_database_url

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-not-secret-orderflow"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}

if os.environ.get("ORDERFLOW_TEST_DB") == "sqlite":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": ":memory:",
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
            "TEST": {"NAME": ":memory:"},
        }
    }
else:
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/orderflow"),
            conn_max_age=0,
        )
    }

# huey in immediate mode runs enqueued work in-process, through the same backend.
HUEY = {"huey_class": "huey.MemoryHuey", "name": "orderflow-test", "immediate": True}
MEDIA_ROOT = BASE_DIR / "data" / "test-media"  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_ENABLED = True

# Static files come from the finders here (runserver / live server); whitenoise serves
# the collected files in production only.
MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith("whitenoise")]  # noqa: F405
