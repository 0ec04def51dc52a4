"""Test settings: fast password hashing, throwaway data directory, same database switch as prod."""

import os
import tempfile

os.environ.setdefault("KEEL_DATA_DIR", tempfile.mkdtemp(prefix="keel-test-"))
os.environ.setdefault("KEEL_SECRET_KEY", "test-secret-key-not-for-production")

from keel.config.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DEBUG = False
