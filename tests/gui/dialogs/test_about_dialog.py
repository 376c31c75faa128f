"""Help > About shows versions and where the data is, never a password."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from studio import CONTROL_SERVER_BUILD, __version__
from tests.gui.pages.test_database_page import _label
from tests.support.gui import wait_idle
from ui.app import build_main_window
from ui.dialogs.about_dialog import AboutDialog
from ui.main_window import MainWindow


def test_about_shows_versions_and_folder(qtbot: QtBot, window: MainWindow, data_dir: Path) -> None:
    about = window.findChild(QAction, "actionAbout")
    assert about is not None
    about.trigger()
    dialog = window.findChild(AboutDialog, "aboutDialog")
    assert dialog is not None
    qtbot.waitExposed(dialog)
    assert _label(dialog, "aboutVersion").text() == __version__
    assert _label(dialog, "aboutControlServerBuild").text() == CONTROL_SERVER_BUILD
    assert _label(dialog, "aboutDataFolder").text() == str(data_dir)
    assert _label(dialog, "aboutQt").text().startswith("6.")
    dialog.copy_to_clipboard()
    assert f"Version: {__version__}" in QGuiApplication.clipboard().text()
    dialog.reject()


def test_passwords_never_show(qtbot: QtBot, data_dir: Path) -> None:
    win = build_main_window(
        data_dir,
        "postgresql+nosuchdriver://studio:hunter2secret@db/mp",
        embedded_provisioning=False,
    )
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.studioFailed, timeout=10_000):
        win.show()
    wait_idle(qtbot, win)
    dialog = win.show_about()
    assert _label(dialog, "aboutDatabase").text() == "postgresql+nosuchdriver://studio:***@db/mp"
    shown = [label.text() for label in win.findChildren(QLabel)] + [
        win.statusBar().currentMessage()
    ]
    assert not any("hunter2secret" in text for text in shown)
    dialog.reject()
    win.close()
