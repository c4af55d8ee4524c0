"""WSGI entry point, for any WSGI server (``csp serve`` builds the same application)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cspkit.site.settings.local")
application = get_wsgi_application()
