"""Development profile: embedded SQLite under the data folder, console mail."""

from .base import *  # noqa: F403
from .base import DATA_DIR

DEBUG = True
SECRET_KEY = "dev-only-not-secret-orderflow"  # noqa: S105
ALLOWED_HOSTS = ["*"]
DATA_DIR.mkdir(parents=True, exist_ok=True)

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "orderflow.sqlite3",
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }
}
HUEY = {
    "huey_class": "huey.SqliteHuey",
    "name": "orderflow",
    "filename": str(DATA_DIR / "huey.sqlite3"),
    "immediate": False,
}

# Static files come from the finders here (runserver / live server); whitenoise serves
# the collected files in production only.
MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith("whitenoise")]  # noqa: F405
