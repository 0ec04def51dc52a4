"""Production: what `keel up` and `keel serve` use. Debug stays off unless KEEL_DEBUG is set."""

from keel.config.settings.base import *  # noqa: F403
from keel.config.settings.base import DEBUG

SESSION_COOKIE_SECURE = not DEBUG and __import__("os").environ.get("KEEL_HTTPS", "") == "1"
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
