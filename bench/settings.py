"""Benchmark profile: the production profile, on plain HTTP at 127.0.0.1, SQLite or PostgreSQL.

BENCH_DB=sqlite uses BENCH_SQLITE_PATH (with the development profile's SQLite options);
BENCH_DB=postgres uses DATABASE_URL. Mail and background tasks are switched off.
"""

import os
import warnings

os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-secret-" + "x" * 40)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DATABASE_URL", "sqlite:///unused")

from orderflow.settings.prod import *  # noqa: F403

SESSION_COOKIE_SECURE = False  # plain HTTP on 127.0.0.1
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
HUEY = {"huey_class": "huey.MemoryHuey", "name": "orderflow-bench", "immediate": False}
LOGGING = {"version": 1, "disable_existing_loggers": False,
           "handlers": {"console": {"class": "logging.StreamHandler"}},
           "root": {"handlers": ["console"], "level": "WARNING"}}

if os.environ.get("BENCH_DB", "sqlite") == "sqlite":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("BENCH_SQLITE_PATH", "/tmp/orderflow-bench.sqlite3"),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }

# No collectstatic for a benchmark: whitenoise need not warn about the missing folder.
warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
