"""Settings for the test suite: the product's settings with a throw-away secret, plain static
files (hashed names 404 under live_server) and a fast password hasher."""

import os

os.environ.setdefault("KOLBRIDGE_SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("KOLBRIDGE_SECURE_COOKIES", "0")

from kolbridge.settings import *  # noqa: F403
from kolbridge.settings import STORAGES

STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tasks run at once inside the test (the worker's own test uses the database backend).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
