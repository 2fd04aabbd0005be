"""The demo seed writes the library's files through the default storage: each test gets a
fresh folder for them, never the project's ``var/media``."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
