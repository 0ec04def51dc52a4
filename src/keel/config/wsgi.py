"""WSGI entry point used by gunicorn (`keel serve`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keel.config.settings.prod")

application = get_wsgi_application()
