"""GUI fixtures: a shown main window whose database is open."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.support.gui import wait_idle
from ui.app import build_main_window
from ui.main_window import MainWindow


def _shown(qtbot: QtBot, data_dir: Path, embedded: bool) -> MainWindow:
    win = build_main_window(data_dir, embedded_provisioning=embedded)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.studioOpened, timeout=10_000):
        win.show()
    wait_idle(qtbot, win)
    return win


@pytest.fixture
def window(qtbot: QtBot, data_dir: Path) -> Iterator[MainWindow]:
    """The main window for the test's data folder, shown, database open, pages loaded.

    Without the embedded Provisioning Service stubs, which most tests do not need.
    """
    win = _shown(qtbot, data_dir, embedded=False)
    yield win
    win.close()
    win.shutdown()


@pytest.fixture
def provisioned_window(qtbot: QtBot, data_dir: Path) -> Iterator[MainWindow]:
    """As ``window``, with the embedded stubs running and the first health report in."""
    win = build_main_window(data_dir)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.monitor.reportReady, timeout=30_000):
        win.show()
    wait_idle(qtbot, win)
    yield win
    win.close()
    win.shutdown()
