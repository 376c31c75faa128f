"""Fixtures shared by every test: a fresh data folder, an in-memory keyring, offscreen Qt.

No test touches the real per-user data folder, the real keyring or a real display.
"""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from studio.context import Studio, open_studio
from studio.domain.actors import Actor
from studio.paths import DATABASE_URL_ENV, HOME_ENV
from tests.support.memory_keyring import MemoryKeyring


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, not yet created data folder, also set as ``MACHPANEL_STUDIO_HOME``."""
    folder = tmp_path / "studio-home"
    monkeypatch.setenv(HOME_ENV, str(folder))
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
    return folder


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Every test gets an empty in-memory keyring backend."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def studio(data_dir: Path) -> Iterator[Studio]:
    """The studio opened on the fresh data folder."""
    opened = open_studio(data_dir)
    yield opened
    opened.close()


@pytest.fixture
def admin() -> Actor:
    """The built-in Local Administrator the desktop and CLI act as."""
    return Actor.local_administrator()
