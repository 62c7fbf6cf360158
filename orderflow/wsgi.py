"""WSGI entry point: gunicorn orderflow.wsgi (production profile by default)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "orderflow.settings.prod")
application = get_wsgi_application()
