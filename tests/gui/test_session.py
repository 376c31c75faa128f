"""The GUI thread never does studio work, and never even imports the database layer
before the window has painted."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPushButton
from pytestqt.qtbot import QtBot

import studio.services.database
import studio.services.website
from tests.support.gui import wait_idle
from ui.app import build_main_window


def _recording(calls: list[str], function: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        calls.append(threading.current_thread().name)
        return function(*args, **kwargs)

    return wrapper


def test_services_run_off_the_gui_thread(
    qtbot: QtBot, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    for module, name in (
        (studio.services.website, "get_website_settings"),
        (studio.services.website, "save_website_settings"),
        (studio.services.database, "describe_database"),
    ):
        monkeypatch.setattr(module, name, _recording(calls, getattr(module, name)))
    window = build_main_window(data_dir, embedded_provisioning=False)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.studioOpened, timeout=10_000):
        window.show()
    wait_idle(qtbot, window)
    port = window.findChild(QLineEdit, "websitePort")
    assert port is not None
    port.setText("8080")
    save = window.findChild(QPushButton, "websiteSave")
    assert save is not None
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    window.show_page("database")
    wait_idle(qtbot, window)
    assert len(calls) >= 3
    assert threading.main_thread().name not in calls


def test_building_the_window_imports_nothing_heavy(tmp_path: Path) -> None:
    code = (
        "import os, sys; os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "from ui.app import build_main_window\n"
        f"window = build_main_window({str(tmp_path)!r})\n"
        "heavy = ('sqlalchemy', 'alembic', 'argon2', 'email_validator', 'httpx', 'keyring')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"
