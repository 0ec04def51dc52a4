"""Local development: debug on unless KEEL_DEBUG says otherwise."""

import os

os.environ.setdefault("KEEL_DEBUG", "1")

from keel.config.settings.base import *  # noqa: F403
