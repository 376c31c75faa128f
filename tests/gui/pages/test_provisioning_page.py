"""Configure > Provisioning Service and the embedded stubs, with real stub processes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QPushButton,
)
from pytestqt.qtbot import QtBot

from studio.provisioning.embedded import _alive
from tests.gui.pages.test_remote_servers_page import _find
from tests.support.gui import wait_idle
from ui.main_window import MainWindow

pytestmark = pytest.mark.slow


def test_shutdown_stops_the_embedded_stubs(qtbot: QtBot, provisioned_window: MainWindow) -> None:
    assert provisioned_window.studio is not None
    embedded = provisioned_window.studio.embedded
    assert embedded is not None
    pids = [s.pid for s in embedded.running.values()]
    assert len(pids) == 3 and all(_alive(p) for p in pids)
    provisioned_window.close()
    assert not any(_alive(p) for p in pids)


def test_provisioning_page_tests_the_control_connection(
    qtbot: QtBot, provisioned_window: MainWindow
) -> None:
    window = provisioned_window
    window.show_page("provisioning")
    page = window.page("provisioning")
    wait_idle(qtbot, window)
    mode = _find(page, QComboBox, "provisioningMode")
    assert mode.currentData() == "embedded"
    assert not _find(page, QLineEdit, "provisioningHost").isEnabled()
    qtbot.mouseClick(_find(page, QPushButton, "provisioningTest"), Qt.MouseButton.LeftButton)
    result = _find(page, QLabel, "provisioningTestResult")
    qtbot.waitUntil(lambda: result.text().startswith("Connected"), timeout=10_000)
    assert "CP01 is running build 8.2.0" in result.text()


def test_external_mode_needs_host_port_and_a_token(qtbot: QtBot, window: MainWindow) -> None:
    window.show_page("provisioning")
    page = window.page("provisioning")
    wait_idle(qtbot, window)
    mode = _find(page, QComboBox, "provisioningMode")
    mode.setCurrentIndex(mode.findData("external"))
    assert _find(page, QLabel, "provisioningHostError").text() == "is required"
    assert _find(page, QLabel, "provisioningTokenError").text() == "is required"
    save = _find(page, QPushButton, "provisioningSave")
    assert not save.isEnabled()
    qtbot.keyClicks(_find(page, QLineEdit, "provisioningHost"), "cp01.example.com")
    qtbot.keyClicks(_find(page, QLineEdit, "provisioningPort"), "8443")
    qtbot.keyClicks(_find(page, QLineEdit, "provisioningToken"), "control-token-0123456789")
    assert save.isEnabled()
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert _find(page, QLabel, "provisioningState").text().startswith("Saved by")
    assert _find(page, QLineEdit, "provisioningToken").text() == ""
    assert "stored in the OS keyring" in _find(page, QLabel, "provisioningKeyring").text()


def test_without_a_keyring_a_token_is_kept_for_this_run(qtbot: QtBot, window: MainWindow) -> None:
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())
    window.show_page("provisioning")
    page = window.page("provisioning")
    wait_idle(qtbot, window)
    assert (
        "kept in memory until the studio closes"
        in _find(page, QLabel, "provisioningKeyring").text()
    )
    mode = _find(page, QComboBox, "provisioningMode")
    mode.setCurrentIndex(mode.findData("external"))
    token = _find(page, QLineEdit, "provisioningToken")
    assert token.isEnabled()
    qtbot.keyClicks(_find(page, QLineEdit, "provisioningHost"), "cp01.example.com")
    qtbot.keyClicks(_find(page, QLineEdit, "provisioningPort"), "8443")
    qtbot.keyClicks(token, "control-token-0123456789")
    qtbot.mouseClick(_find(page, QPushButton, "provisioningSave"), Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert _find(page, QLabel, "provisioningState").text().startswith("Saved by")
    assert window.studio is not None
    assert window.studio.secrets.get("provisioning-token/control") == "control-token-0123456789"
