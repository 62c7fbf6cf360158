"""Settings shared by every profile."""

import os
from pathlib import Path

from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = Path(os.environ.get("ORDERFLOW_DATA_DIR", BASE_DIR / "data"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_htmx",
    "ninja",
    "huey.contrib.djhuey",
    "orderflow.core",
    "orderflow.accounts",
    "orderflow.audit",
    "orderflow.masterdata",
    "orderflow.orders",
    "orderflow.intake",
    "orderflow.notifications",
    "orderflow.documents",
    "orderflow.workcal",
    "orderflow.review",
    "orderflow.approval",
    "orderflow.release",
    "orderflow.execution",
    "orderflow.settlement",
    "orderflow.archive",
    "orderflow.web",
    "orderflow.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "orderflow.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "orderflow.api.middleware.ApiErrorBodyMiddleware",
]

ROOT_URLCONF = "orderflow.urls"
WSGI_APPLICATION = "orderflow.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "orderflow" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "orderflow.web.context.workbench",
            ],
        },
    },
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:workbench"
LOGOUT_REDIRECT_URL = "login"

# Session timeout: 8 working hours of inactivity, refreshed on every request.
SESSION_COOKIE_AGE = int(os.environ.get("ORDERFLOW_SESSION_SECONDS", 8 * 3600))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# django-axes: lock an account+IP after 5 failed logins for 30 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "orderflow" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    ("vendor/tabler", BASE_DIR / "node_modules" / "@tabler" / "core" / "dist"),
    ("vendor/tabler-icons", BASE_DIR / "node_modules" / "@tabler" / "icons-webfont" / "dist"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Attachments (P2.1.1): size and type limits.
ORDERFLOW_ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
ORDERFLOW_ATTACHMENT_EXTENSIONS = [
    "pdf", "jpg", "jpeg", "png", "tif", "tiff", "dwg", "dxf", "step", "stp",
    "xlsx", "xls", "docx", "doc", "zip", "txt",
]
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024

# Default VAT rate for new orders (P2.2.1 price totals with tax).
ORDERFLOW_DEFAULT_TAX_RATE = "0.13"
ORDERFLOW_CURRENCY = "CNY"
ORDERFLOW_PAGE_SIZE = 25
# Where people reach the system from outside: printed orders carry a QR code of
# <this>/verify/<code>/ (P4.2.1). Empty: a relative address.
ORDERFLOW_PUBLIC_URL = os.environ.get("ORDERFLOW_PUBLIC_URL", "http://127.0.0.1:8000")

MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "orderflow@localhost")

# Background work goes through Django's tasks API; the worker is huey.
TASKS = {"default": {"BACKEND": "orderflow.core.tasks_backend.HueyTaskBackend"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

NINJA_PAGINATION_PER_PAGE = 25
