"""Configure > Database shows where the data is."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from studio.db.revisions import HEAD
from studio.paths import database_path
from tests.support.gui import wait_idle
from ui.main_window import MainWindow


def _label(parent: object, name: str) -> QLabel:
    label = parent.findChild(QLabel, name)  # type: ignore[attr-defined]
    assert isinstance(label, QLabel), name
    return label


def test_database_page_shows_url_revision_location_and_size(
    qtbot: QtBot, window: MainWindow, data_dir: Path
) -> None:
    window.show_page("database")
    wait_idle(qtbot, window)
    page = window.page("database")
    assert _label(page, "databaseUrl").text() == f"sqlite:///{database_path(data_dir)}"
    assert _label(page, "databaseRevision").text() == f"{HEAD} — up to date"
    assert _label(page, "databaseLocation").text() == str(database_path(data_dir))
    assert _label(page, "databaseSize").text().endswith("KiB")
    assert _label(page, "databaseDataDir").text() == str(data_dir)
