"""Production settings refuse to start without a secret key."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

KOLBRIDGE = shutil.which("kolbridge", path=str(Path(sys.executable).parent))


def clean_env(**extra: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items()
        if not k.startswith(("KOLBRIDGE_", "DJANGO_")) and k != "DATABASE_URL"
    }
    env["DJANGO_SETTINGS_MODULE"] = "kolbridge.settings"
    return env | extra


@pytest.mark.skipif(KOLBRIDGE is None, reason="the kolbridge console script is not installed")
def test_start_with_debug_off_and_no_secret_key_is_refused_with_a_clear_message(tmp_path):
    result = subprocess.run(
        [KOLBRIDGE, "check"], env=clean_env(KOLBRIDGE_DEBUG="0", KOLBRIDGE_VAR_DIR=str(tmp_path)),
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode != 0
    assert "KOLBRIDGE_SECRET_KEY is not set and KOLBRIDGE_DEBUG is off" in result.stderr


def test_settings_load_with_debug_off_once_a_secret_key_is_given(tmp_path):
    code = "import kolbridge.settings as s; print(s.DEBUG, s.SESSION_COOKIE_SECURE)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=clean_env(KOLBRIDGE_DEBUG="0", KOLBRIDGE_SECRET_KEY="x" * 50,
                      KOLBRIDGE_VAR_DIR=str(tmp_path)),
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 0, result.stderr
    # Production defaults: no debug, secure cookies.
    assert result.stdout.split() == ["False", "True"]


def test_settings_without_secret_key_start_in_debug_mode_for_development(tmp_path):
    code = "import kolbridge.settings as s; print(s.DEBUG, len(s.SECRET_KEY) > 20)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=clean_env(KOLBRIDGE_DEBUG="1", KOLBRIDGE_VAR_DIR=str(tmp_path)),
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True"]
