"""No token may be found in the database, a log, the settings or a stub's files."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLineEdit, QPushButton
from pytestqt.qtbot import QtBot

from tests.support.gui import wait_idle
from tests.support.memory_keyring import MemoryKeyring
from tests.support.stub_process import stub
from ui.dialogs.remote_server_dialog import RemoteServerDialog
from ui.main_window import MainWindow

pytestmark = pytest.mark.slow


def test_a_full_session_leaves_no_secret_on_disk(
    qtbot: QtBot, provisioned_window: MainWindow, data_dir: Path, memory_keyring: MemoryKeyring
) -> None:
    window = provisioned_window
    extra = stub(name="DNS01", services=("dns",))
    try:
        window.show_page("remote-servers")
        page = window.page("remote-servers")
        wait_idle(qtbot, window)
        qtbot.mouseClick(page.findChild(QPushButton, "remoteServersAdd"), Qt.MouseButton.LeftButton)
        dialog = page.findChild(RemoteServerDialog, "remoteServerDialog")
        assert dialog is not None
        for name, text in (
            ("serverName", "DNS01"),
            ("serverHost", "127.0.0.1"),
            ("serverPort", str(extra.port)),
            ("serverToken", extra.token),
        ):
            qtbot.keyClicks(dialog.findChild(QLineEdit, name), text)
        dns = dialog.findChild(QCheckBox, "serverService-dns")
        assert dns is not None
        dns.setChecked(True)
        qtbot.mouseClick(dialog.findChild(QPushButton, "serverSave"), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda: (
                window.monitor.report is not None
                and any(r.name == "DNS01" and r.ok for r in window.monitor.report.remotes)
            ),
            timeout=10_000,
        )
        assert window.studio is not None and window.studio.embedded is not None
        secrets = [extra.token] + [s.token for s in window.studio.embedded.running.values()]
    finally:
        window.close()
        window.shutdown()
        extra.stop()
    assert extra.token in memory_keyring.secrets.values()
    files = [p for p in data_dir.rglob("*") if p.is_file()]
    assert any(p.name == "settings.ini" for p in files)
    assert any(p.suffix == ".log" for p in files)
    for path in files:
        content = path.read_bytes()
        for secret in secrets:
            assert secret.encode() not in content, f"a token is in {path}"
