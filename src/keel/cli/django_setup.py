"""Start Django for commands that need the database."""

from __future__ import annotations

import os


def setup(settings_module: str = "keel.config.settings.prod") -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    import django

    django.setup()
