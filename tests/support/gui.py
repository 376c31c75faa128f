"""What several GUI tests share: finding a widget by objectName, and the first run that
creates the provider administrator through the sign-in page."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton
from pytestqt.qtbot import QtBot

from ui.main_window import MainWindow


def wait_idle(qtbot: QtBot, window: MainWindow) -> None:
    """Wait until every background task of the window has delivered its result."""
    qtbot.waitUntil(lambda: window.runner.pending == 0, timeout=10_000)


#: The first administrator's password.
PASSWORD = "a long and uncommon passphrase"


def child(window: MainWindow, cls: type, name: str):  # type: ignore[no-untyped-def]
    """The one widget of ``cls`` named ``name`` (the test fails without it)."""
    widget = window.findChild(cls, name)
    assert widget is not None, name
    return widget


def first_run(qtbot: QtBot, window: MainWindow) -> None:
    """Create ops.admin on the first-run form, checking its refusal first; signed in after."""
    window.show_page("home")
    wait_idle(qtbot, window)
    assert window.current_page().objectName() == "page-sign-in"
    intro = child(window, QLabel, "signInIntro")
    assert intro.text().startswith("No provider administrator exists yet")
    create = child(window, QPushButton, "firstRunCreate")
    assert not create.isEnabled()
    for name, text in (
        ("firstRunUsername", "ops.admin"),
        ("firstRunFullName", "Olga Admin"),
        ("firstRunEmail", "olga@hosting.example"),
        ("firstRunPassword", "short"),
    ):
        qtbot.keyClicks(child(window, QLineEdit, name), text)
    assert child(window, QLabel, "firstRunPasswordError").text() == "must be at least 12 characters"
    password = child(window, QLineEdit, "firstRunPassword")
    password.clear()
    qtbot.keyClicks(password, PASSWORD)
    qtbot.keyClicks(child(window, QLineEdit, "firstRunPasswordConfirmation"), PASSWORD)
    assert create.isEnabled()
    qtbot.mouseClick(create, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.provider is not None, timeout=10_000)
