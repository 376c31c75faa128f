"""Home » System Configuration » Access Control edits the lockdown policy."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from tests.support.gui import child, first_run, wait_idle
from ui.main_window import MainWindow


def test_access_control_edits_the_lockdown_policy(qtbot: QtBot, window: MainWindow) -> None:
    from PySide6.QtWidgets import QCheckBox, QSpinBox

    from studio.services.users import get_login_policy

    first_run(qtbot, window)
    window.show_page("access-control")
    wait_idle(qtbot, window)
    assert window.breadcrumb.path_text == "Home » System Configuration » Access Control"
    attempts = child(window, QSpinBox, "accessMaxAttempts")
    assert attempts.value() == 5 and child(window, QCheckBox, "accessEnabled").isChecked()
    attempts.setValue(3)
    qtbot.mouseClick(child(window, QPushButton, "accessSave"), Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert child(window, QLabel, "accessState").text() == "Saved."
    assert window.studio is not None
    assert get_login_policy(window.studio).max_attempts == 3
