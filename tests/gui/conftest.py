"""GUI fixtures: a shown main window whose database is open."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from ui.app import build_main_window
from ui.main_window import MainWindow


def wait_idle(qtbot: QtBot, window: MainWindow) -> None:
    """Wait until every background task of the window has delivered its result."""
    qtbot.waitUntil(lambda: window.runner.pending == 0, timeout=10_000)


@pytest.fixture
def window(qtbot: QtBot, data_dir: Path) -> Iterator[MainWindow]:
    """The main window for the test's data folder, shown, database open, pages loaded."""
    win = build_main_window(data_dir)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.studioOpened, timeout=10_000):
        win.show()
    wait_idle(qtbot, win)
    yield win
    win.close()
