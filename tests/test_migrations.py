"""Migrations are committed (the models need no new one) and reversible (every app migrates
down to zero and up again on a fresh database)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

APPS_TOP_DOWN = ["insights", "content", "engagements", "kols", "core"]


@pytest.mark.django_db
def test_models_need_no_migration_that_is_not_committed():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_every_migration_runs_backwards_and_forwards_again(tmp_path: Path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'migrations.sqlite3'}",
    }
    env.pop("KOLBRIDGE_TEST_DB", None)

    def manage(*args: str) -> None:
        done = subprocess.run(
            [sys.executable, "-m", "kolbridge", *args],
            env=env, capture_output=True, text=True, timeout=300, check=False,
        )
        assert done.returncode == 0, done.stderr[-2000:]

    manage("migrate", "--noinput", "-v0")
    for app in APPS_TOP_DOWN:
        manage("migrate", app, "zero", "--noinput", "-v0")
    manage("migrate", "--noinput", "-v0")
