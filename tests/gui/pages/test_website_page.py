"""Configure > Control Panel Website, driven as an administrator would: type, click, read."""

from __future__ import annotations

import socket

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from studio.domain.actors import Actor
from studio.services.website import get_website_settings
from tests.support.gui import wait_idle
from ui.main_window import MainWindow


def _w(window: MainWindow, cls: type, name: str):  # type: ignore[no-untyped-def]
    widget = window.findChild(cls, name)
    assert widget is not None, name
    return widget


def _retype(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(edit, text)


def test_page_loads_the_defaults_marked_as_unsaved(window: MainWindow) -> None:
    assert _w(window, QLineEdit, "websiteSiteName").text() == "MachPanel Control Panel"
    assert _w(window, QLineEdit, "websitePort").text() == "80"
    assert _w(window, QLabel, "websiteState").text().startswith("Not saved yet")
    assert "http://localhost/" in _w(window, QLabel, "websiteUrl").text()
    assert not _w(window, QPushButton, "websiteSave").isEnabled()


def test_invalid_port_shows_message_beside_it_and_blocks_save(
    qtbot: QtBot, window: MainWindow
) -> None:
    port = _w(window, QLineEdit, "websitePort")
    save = _w(window, QPushButton, "websiteSave")
    error = _w(window, QLabel, "websitePortError")
    _retype(qtbot, port, "70000")
    assert error.isVisible()
    assert error.text() == "must be between 1 and 65535"
    assert not save.isEnabled()
    assert "appears when the settings are valid" in _w(window, QLabel, "websiteUrl").text()
    _retype(qtbot, port, "8080")
    assert not error.isVisible()
    assert save.isEnabled()
    assert "http://localhost:8080/" in _w(window, QLabel, "websiteUrl").text()


def test_save_writes_through_the_service(qtbot: QtBot, window: MainWindow) -> None:
    _retype(qtbot, _w(window, QLineEdit, "websiteHost"), "cp.hosting.example")
    _retype(qtbot, _w(window, QLineEdit, "websiteVirtualPath"), "machpanel")
    qtbot.mouseClick(_w(window, QPushButton, "websiteSave"), Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert _w(window, QLabel, "websiteState").text().startswith("Saved by Local Administrator")
    assert _w(window, QLineEdit, "websiteVirtualPath").text() == "/machpanel"
    assert not _w(window, QPushButton, "websiteSave").isEnabled()
    assert window.studio is not None
    view = get_website_settings(window.studio, Actor.local_administrator())
    assert view.website.url == "http://cp.hosting.example/machpanel"
    assert "Control Panel Website saved" in window.statusBar().currentMessage()


def test_ctrl_s_saves_through_the_file_menu(qtbot: QtBot, window: MainWindow) -> None:
    save_action = _w(window, QAction, "actionSave")
    assert not save_action.isEnabled()
    _retype(qtbot, _w(window, QLineEdit, "websiteSiteName"), "Hosting Co Panel")
    assert save_action.isEnabled()
    qtbot.keyClick(
        _w(window, QLineEdit, "websiteSiteName"), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier
    )
    wait_idle(qtbot, window)
    assert window.studio is not None
    assert get_website_settings(window.studio, Actor.local_administrator()).configured


def test_https_needs_a_certificate_and_switches_the_default_port(
    qtbot: QtBot, window: MainWindow
) -> None:
    protocol = _w(window, QComboBox, "websiteProtocol")
    certificate = _w(window, QLineEdit, "websiteCertificate")
    assert not certificate.isEnabled()
    protocol.setCurrentText("https")
    assert _w(window, QLineEdit, "websitePort").text() == "443"
    assert certificate.isEnabled()
    assert "required for https" in _w(window, QLabel, "websiteCertificateError").text()
    assert not _w(window, QPushButton, "websiteSave").isEnabled()
    qtbot.keyClicks(certificate, "C:\\certs\\cp.pfx")
    assert not _w(window, QLabel, "websiteCertificateError").isVisible()
    assert _w(window, QPushButton, "websiteSave").isEnabled()


def test_revert_restores_the_saved_values(qtbot: QtBot, window: MainWindow) -> None:
    host = _w(window, QLineEdit, "websiteHost")
    _retype(qtbot, host, "elsewhere.example")
    qtbot.mouseClick(_w(window, QPushButton, "websiteRevert"), Qt.MouseButton.LeftButton)
    assert host.text() == "localhost"
    assert not _w(window, QPushButton, "websiteRevert").isEnabled()


def test_clicking_the_url_opens_the_control_panel(window: MainWindow) -> None:
    url = _w(window, QLabel, "websiteUrl")
    url.linkActivated.emit("http://localhost/")
    assert window.navigation.current_key() == "control-panel"
    assert window.breadcrumb.path_text == "Control Panel"


def test_check_port_reports_a_port_in_use(qtbot: QtBot, window: MainWindow) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("0.0.0.0", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        _retype(qtbot, _w(window, QLineEdit, "websitePort"), str(port))
        qtbot.mouseClick(_w(window, QPushButton, "websiteCheckPort"), Qt.MouseButton.LeftButton)
        status = _w(window, QLabel, "websitePortStatus")
        qtbot.waitUntil(lambda: "in use" in status.text(), timeout=5000)
    assert status.text() == f"Port {port} is in use on this machine."


def _close_with_unsaved_host(qtbot: QtBot, window: MainWindow) -> QMessageBox:
    _retype(qtbot, _w(window, QLineEdit, "websiteHost"), "cp.unsaved.example")
    window.close()
    box = window.findChild(QMessageBox, "unsavedChangesDialog")
    assert box is not None
    qtbot.waitExposed(box)
    assert box.text() == "Control Panel Website: your changes are not saved."
    assert window.isVisible()
    return box


def test_closing_with_unsaved_changes_can_be_cancelled(qtbot: QtBot, window: MainWindow) -> None:
    box = _close_with_unsaved_host(qtbot, window)
    cancel = box.button(QMessageBox.StandardButton.Cancel)
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert window.isVisible()
    assert _w(window, QLineEdit, "websiteHost").text() == "cp.unsaved.example"


def test_closing_with_unsaved_changes_can_discard(qtbot: QtBot, window: MainWindow) -> None:
    box = _close_with_unsaved_host(qtbot, window)
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Discard), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.isVisible())
    assert window.studio is not None
    assert not get_website_settings(window.studio, Actor.local_administrator()).configured


def test_closing_with_unsaved_changes_can_save_first(qtbot: QtBot, window: MainWindow) -> None:
    box = _close_with_unsaved_host(qtbot, window)
    studio = window.studio
    assert studio is not None
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Save), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=10_000)
    view = get_website_settings(studio, Actor.local_administrator())
    assert view.website.host == "cp.unsaved.example"


def test_invalid_unsaved_changes_cannot_be_saved_on_close(qtbot: QtBot, window: MainWindow) -> None:
    _retype(qtbot, _w(window, QLineEdit, "websitePort"), "0")
    window.close()
    box = window.findChild(QMessageBox, "unsavedChangesDialog")
    assert box is not None
    assert box.button(QMessageBox.StandardButton.Save) is None
    assert "cannot be saved" in box.informativeText()
    box.button(QMessageBox.StandardButton.Discard).click()


def test_a_failed_save_on_close_keeps_the_window_open_for_good(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from studio.errors import DatabaseError
    from ui.pages import website_page

    real_save = website_page._save

    def failing(*_args: object) -> object:
        raise DatabaseError("the database refused the change: disk full")

    monkeypatch.setattr(website_page, "_save", failing)
    box = _close_with_unsaved_host(qtbot, window)
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Save), Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert window.isVisible()
    assert "disk full" in _w(window, QLabel, "websiteState").text()
    monkeypatch.setattr(website_page, "_save", real_save)
    qtbot.mouseClick(_w(window, QPushButton, "websiteSave"), Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert _w(window, QLabel, "websiteState").text().startswith("Saved by")
    assert window.isVisible()


def test_refresh_never_discards_typed_input(qtbot: QtBot, window: MainWindow) -> None:
    host = _w(window, QLineEdit, "websiteHost")
    _retype(qtbot, host, "typed.example")
    _w(window, QAction, "actionRefresh").trigger()
    wait_idle(qtbot, window)
    assert host.text() == "typed.example"
    assert "unsaved changes" in window.statusBar().currentMessage()
